"""What public tracking may say about a dossier: status and dates, nothing personal."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from .models import Dossier, State

NEXT_STEP = {
    State.SUBMITTED: _("The desk is checking the dossier."),
    State.SUPPLEMENT_REQUESTED: _(
        "The applicant must supplement the dossier as the desk requested."
    ),
    State.RECEIVED: _("The dossier will be passed to the deciding agency."),
    State.PROCESSING: _("The deciding agency is processing the dossier."),
    State.AWAITING_SUPPLEMENT: _(
        "Processing is paused until the applicant supplies the requested papers."
    ),
    State.RESULT_READY: _("The result is ready: collect it or receive it online."),
    State.RETURNED: _("The result has been handed over. You can rate the service."),
    State.REFUSED: _("The dossier was not accepted; the reasons are on Form 03."),
    State.STOPPED: _("Processing was stopped; the reasons are on Form 05."),
    State.WITHDRAWN: _("The applicant withdrew the dossier."),
}


@dataclass(frozen=True)
class PublicStatus:
    code: str
    procedure: str
    state: str
    state_label: str
    received_at: datetime | None
    appointment: datetime | None
    next_step: str


def public_status(dossier: Dossier) -> PublicStatus:
    return PublicStatus(
        code=dossier.code or "",
        procedure=dossier.procedure.name,
        state=dossier.state,
        state_label=str(dossier.get_state_display()),
        received_at=dossier.received_at,
        appointment=dossier.current_due_at if not dossier.is_final else None,
        next_step=str(NEXT_STEP.get(dossier.state, "")),
    )
