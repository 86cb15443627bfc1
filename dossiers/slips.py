"""The slips issued to an applicant (Forms 01–05), printed from the staff templates.

Form 06 (the processing control sheet) and Form 07 (the register) are internal and
never offered here. The slips carry only what the applicant was handed on paper.
"""

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from workspace.printing import FORMS, tracking_qr

from .models import Dossier, TransitionLog

# Slip number: (its label, the transitions that issue it; empty = once received).
SLIPS: dict[str, tuple[Promise, frozenset[str]]] = {
    "01": (_("Form 01 – receipt and appointment slip"), frozenset()),
    "02": (
        _("Form 02 – supplement request"),
        frozenset({"request_intake_supplement", "request_supplement"}),
    ),
    "03": (_("Form 03 – refusal"), frozenset({"refuse"})),
    "04": (_("Form 04 – apology and extension"), frozenset({"extend"})),
    "05": (_("Form 05 – notice of stopped processing"), frozenset({"stop"})),
}


def issued_slips(dossier: Dossier, logs: list[TransitionLog]) -> list[tuple[str, str]]:
    """The (number, label) of every slip issued on this dossier so far."""
    done = {log.transition for log in logs}
    return [
        (number, str(label))
        for number, (label, issuers) in SLIPS.items()
        if (dossier.code if not issuers else done & issuers)
    ]


def slip_context(
    request: HttpRequest, dossier: Dossier, number: str, logs: list[TransitionLog]
) -> tuple[str, dict[str, object]]:
    """The template of slip ``number`` and what it shows about ``dossier``."""
    template, page_size = FORMS[number]
    issuers = SLIPS[number][1]
    receipt = next(
        (t for t in logs if t.transition in ("receive", "receive_at_counter")), None
    )
    return template, {
        "dossier": dossier,
        "number": number,
        "page_size": page_size,
        "qr": tracking_qr(request, dossier.code) if dossier.code else "",
        "logs": logs,
        "officer": receipt.actor if receipt else "",
        "supplement": dossier.supplement_requests.last(),
        "receipt_log": receipt,
        "event_log": next((t for t in reversed(logs) if t.transition in issuers), None),
    }
