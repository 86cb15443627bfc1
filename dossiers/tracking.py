"""Public tracking by code and lookup PIN: finding the dossier, limiting guesses,
and what may be said about it (status and dates, nothing personal)."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from .models import CLOCK_RUNNING_STATES, Dossier, State

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


OVERDUE_LABEL = _("Overdue: still being processed after the appointment date")


@dataclass(frozen=True)
class PublicStatus:
    code: str
    procedure: str
    state: str
    state_label: str
    received_at: datetime | None
    appointment: datetime | None
    next_step: str
    # Past its appointment while the clock runs (a supplement pause is not late).
    overdue: bool = False
    # The date Form 04 (apology and extension) set, if one was issued.
    extended_to: datetime | None = None


def public_status(dossier: Dossier, now: datetime | None = None) -> PublicStatus:
    now = now or timezone.now()
    overdue = bool(
        dossier.state in CLOCK_RUNNING_STATES
        and dossier.current_due_at
        and dossier.current_due_at < now
    )
    return PublicStatus(
        code=dossier.code or "",
        procedure=dossier.procedure.name,
        state=dossier.state,
        state_label=str(OVERDUE_LABEL if overdue else dossier.get_state_display()),
        received_at=dossier.received_at,
        appointment=dossier.current_due_at if not dossier.is_final else None,
        next_step=str(NEXT_STEP.get(dossier.state, "")),
        overdue=overdue,
        extended_to=dossier.extended_due_at,
    )


def code_variants(code: str) -> set[str]:
    """The code as typed and in upper and lower case: codes are matched without
    regard to case, each variant by the unique index."""
    return {code, code.upper(), code.lower()}


def _client_key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return "track-failures:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def tracking_blocked(request: HttpRequest) -> bool:
    return cache.get(_client_key(request), 0) >= settings.TRACKING_MAX_FAILURES


def find_by_code(request: HttpRequest, code: str, pin: str) -> Dossier | None:
    """The dossier with this code and PIN; a miss counts towards the block.

    A wrong PIN for a real code and an unknown code are the same miss, so codes
    printed on paper cannot be used to enumerate anyone's dossiers.
    """
    dossier = (
        Dossier.objects.filter(code__in=code_variants(code))
        .select_related("procedure")
        .only(
            "code",
            "lookup_pin",
            "state",
            "current_due_at",
            "procedure__name",
            "procedure__code",
            "received_at",
            "outcome",
            "current_step_index",
            "timeliness",
            "returned_at",
            "decided_at",
            "channel",
            "extended_due_at",
        )
        .first()
    )
    if dossier and constant_time_compare(dossier.lookup_pin, pin):
        return dossier
    key = _client_key(request)
    cache.set(key, cache.get(key, 0) + 1, settings.TRACKING_BLOCK_SECONDS)
    return None
