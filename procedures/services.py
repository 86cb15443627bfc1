"""Writes to the procedure catalogue: publishing and withdrawing procedures."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from .models import Procedure, PublicationStatus


def publication_problems(procedure: Procedure) -> list[str]:
    """Everything that keeps a procedure from being published, in plain words."""
    problems: list[str] = []
    candidate = Procedure.objects.get(pk=procedure.pk)
    candidate.status = PublicationStatus.PUBLISHED
    try:
        candidate.full_clean()
    except ValidationError as exc:
        problems.extend(
            message for messages in exc.message_dict.values() for message in messages
        )
    if not candidate.papers.exists():
        problems.append(_("List at least one required paper before publishing."))
    route_error = candidate.route_error(
        list(candidate.route_steps.values_list("working_days", flat=True))
    )
    if route_error:
        problems.append(route_error)
    return problems


@transaction.atomic
def procedure_publish(*, procedure: Procedure, actor: User) -> Procedure:
    """Publish a complete procedure; raise ValidationError listing what is missing."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    problems = publication_problems(procedure)
    if problems:
        raise ValidationError(problems)
    procedure.status = PublicationStatus.PUBLISHED
    procedure._history_user = actor
    procedure._change_reason = "publish"
    procedure.save()
    return procedure


@transaction.atomic
def procedure_withdraw(*, procedure: Procedure, actor: User) -> Procedure:
    """Withdraw a procedure from the public list; filed dossiers keep a snapshot."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    procedure.status = PublicationStatus.WITHDRAWN
    procedure._history_user = actor
    procedure._change_reason = "withdraw"
    procedure.save()
    return procedure
