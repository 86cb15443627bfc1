"""Inter-agency one-stop (một cửa liên thông): the hand-offs between the agencies
of one dossier's route, and the reads they need (docs/interagency.md).

A route step may belong to another agency than the deciding one. Inside one
agency the dossier moves with ``forward``; where the next step is another
agency's, it moves with ``transfer_to_agency`` (chuyển liên thông), and the
receiving agency may send it back with ``return_to_agency``. Each hand-off is a
``TransitionLog`` row (who, when, the note) and an ``AgencyTransfer`` row (from
agency, to agency, time, the receiving share's due date, the note), and a line of
Form 06 (``dossiers/control_sheet.py``). Supplements, decisions and stops keep
their own actions: any agency's supplement request pauses the whole dossier, and
one agency's denial or stop ends it, with its reasons.
"""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import AgencyTransfer, Dossier, DossierStep, step_agency_id
from ..rules import handles_step
from ..workflow import performs
from .core import check, lock, now_or, perform, require_text
from .processing import assign, pass_on


@performs("transfer_to_agency")
@transaction.atomic
def dossier_transfer_to_agency(
    *,
    dossier: Dossier,
    actor: User,
    note: str = "",
    assignee: User | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Chuyển liên thông: the agency's share is done; the next agency's first step
    starts, optionally with a named handler of it."""
    return pass_on(
        dossier,
        "transfer_to_agency",
        actor=actor,
        note=note,
        assignee=assignee,
        expected_version=expected_version,
        at=at,
    )


@performs("return_to_agency")
@transaction.atomic
def dossier_return_to_agency(
    *,
    dossier: Dossier,
    actor: User,
    reasons: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """The receiving agency sends the dossier back to the agency that sent it,
    with reasons: that agency's last step is open again, with whoever finished
    it, and its due date is as it was (the route's time keeps running)."""
    dossier = lock(dossier, expected_version)
    at = now_or(at)
    check(dossier, "return_to_agency", actor)
    reasons = require_text(
        reasons, "reasons", _("Say why the dossier goes back to the sending agency.")
    )
    from_position = dossier.current_step_index
    log = perform(dossier, "return_to_agency", actor, at=at, note=reasons)
    to_position = dossier.current_step_index
    DossierStep.objects.filter(dossier=dossier, position=to_position).update(
        finished_at=None
    )
    dossier.forget_steps()
    reopened = dossier.current_step
    AgencyTransfer.objects.create(
        dossier=dossier,
        log=log,
        kind=AgencyTransfer.Kind.RETURN,
        from_agency_id=step_agency_id(dossier, from_position),
        to_agency_id=step_agency_id(dossier, to_position),
        from_position=from_position,
        to_position=to_position,
        sent_at=at,
        due_at=reopened.due_at,
        note=reasons,
        sent_by=actor,
    )
    previous = reopened.handled_by
    assign(
        dossier,
        previous if previous and handles_step(previous, reopened, dossier) else None,
    )
    return dossier
