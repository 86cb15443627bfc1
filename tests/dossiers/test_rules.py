"""One rule says who handles a route step: permission, assignees and reminders."""

import pytest
from django.db.models import OuterRef, Subquery

from accounts.models import STAFF_ROLES, User
from dossiers import services
from dossiers.models import Dossier, DossierStep
from dossiers.rules import handles_step, is_step_leader, is_step_officer
from dossiers.selectors import next_step_handlers
from reminders.scan import _Staff
from tests.factories import UserFactory, demo_user

pytestmark = pytest.mark.django_db


def reminded(dossier: Dossier) -> set[int]:
    step = DossierStep.objects.filter(
        dossier=OuterRef("pk"), position=OuterRef("current_step_index")
    )
    annotated = Dossier.objects.annotate(
        step_role=Subquery(step.values("role")[:1]),
        step_department_id=Subquery(step.values("department_id")[:1]),
    ).get(pk=dossier.pk)
    return {user.pk for user in _Staff().step_handlers(annotated)}


def test_who_may_act_who_is_offered_and_who_is_reminded_agree(in_processing):
    """At each step, the staff allowed to act are exactly those the assignee list
    offered for it and those the reminders go to."""
    dossier = in_processing
    # A second officer of the same department, and one of another agency.
    step = dossier.current_step
    UserFactory(
        role="officer", agency=dossier.deciding_agency, department=step.department
    )
    UserFactory(role="officer")
    staff = User.objects.filter(role__in=STAFF_ROLES, is_active=True)
    for _position in range(len(dossier.route)):
        dossier = Dossier.objects.get(pk=dossier.pk)
        step = dossier.current_step
        allowed = {
            u.pk
            for u in staff
            if is_step_officer(dossier, u) or is_step_leader(dossier, u)
        }
        assert allowed, step.name
        assert allowed == {u.pk for u in staff if handles_step(u, step, dossier)}
        assert allowed == reminded(dossier)
        if dossier.current_step_index + 1 < len(dossier.route):
            offered = {u.pk for u in next_step_handlers(dossier)}
            actor = User.objects.get(pk=min(allowed))
            services.dossier_forward(dossier=dossier, actor=actor)
            dossier = Dossier.objects.get(pk=dossier.pk)
            assert offered == {
                u.pk for u in staff if handles_step(u, dossier.current_step, dossier)
            }


def test_assigning_someone_outside_the_step_is_refused(in_processing):
    """The assignee of the next step must be one of its handlers."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.dossier_forward(
            dossier=in_processing,
            actor=demo_user("officer"),
            assignee=demo_user("clerk"),
        )
