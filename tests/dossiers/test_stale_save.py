"""A dossier saved from a stale copy is refused (django-fsm's
ConcurrentTransitionMixin, whose state fields ``Dossier.state_fields`` finds
once per class)."""

import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition

from dossiers import services
from dossiers.models import Dossier, State
from procedures.models import Procedure
from tests.factories import demo_user

pytestmark = pytest.mark.django_db


def test_a_save_from_a_copy_read_before_a_state_change_is_refused(demo):
    procedure = Procedure.objects.get(code="1.004873")
    made = services.dossier_create_draft(
        applicant=demo_user("citizen"), procedure=procedure
    )
    assert [f.name for f in made.state_fields] == ["state"]
    stale = Dossier.objects.get(pk=made.pk)
    fresh = Dossier.objects.get(pk=made.pk)
    Dossier.objects.filter(pk=made.pk).update(state=State.SUBMITTED)
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save(update_fields=["applicant_name"])
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        fresh.save()
    fresh.refresh_from_db()
    fresh.applicant_name = "Nguyễn Văn Mới"
    fresh.save()
    assert Dossier.objects.get(pk=made.pk).applicant_name == "Nguyễn Văn Mới"
