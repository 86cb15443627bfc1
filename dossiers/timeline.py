"""What the applicant reads about their dossier's history, in plain language.

The transition log is the staff's record: it names officers and keeps their notes.
The applicant sees one sentence per event, and a note only where it is addressed to
them (reasons, requests, their own messages); never who handled it inside.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import State, TransitionLog

EVENTS: dict[str, Promise] = {
    "submit": _("You submitted the dossier online. The desk will check the papers."),
    "resubmit": _(
        "You sent the supplemented dossier back. The desk will check it again."
    ),
    "withdraw": _("The dossier was withdrawn."),
    "request_intake_supplement": _(
        "The desk asked you to supplement the dossier (Form 02)."
    ),
    "refuse": _("The desk did not accept the dossier (Form 03)."),
    "receive": _(
        "The desk received the dossier, issued its code and the appointment slip "
        "(Form 01). The processing time starts."
    ),
    "receive_at_counter": _(
        "The dossier was received at the counter (Form 01). The processing time starts."
    ),
    "transfer": _("The dossier was passed to the deciding agency."),
    "forward": _("The dossier moved to the next processing step."),
    "request_supplement": _(
        "The deciding agency asked for more papers (Form 02). The processing time "
        "is paused until you answer."
    ),
    "supplement": _(
        "You supplied the papers. Processing resumed and the appointment date "
        "moved by the time spent waiting."
    ),
    "extend": _(
        "The processing time was extended, with an apology and a new date (Form 04)."
    ),
    "approve": _("A decision was made: approved. The result is ready."),
    "deny": _("A decision was made: denied, with the reasons below."),
    "stop": _("Processing was stopped (Form 05)."),
    "return_result": _("The result was handed over."),
}

# Notes written to the applicant (or by them); the rest are internal hand-offs.
NOTES_FOR_APPLICANT = frozenset(
    {
        "request_intake_supplement",
        "request_supplement",
        "refuse",
        "deny",
        "stop",
        "extend",
        "withdraw",
        "supplement",
    }
)


@dataclass(frozen=True)
class Event:
    at: datetime
    action: str
    text: str
    note: str


def applicant_event(action: str) -> str:
    return str(EVENTS.get(action, ""))


def applicant_timeline(logs: Iterable[TransitionLog]) -> list[Event]:
    """The dossier's history as the applicant may read it, oldest first."""
    return [
        Event(
            at=log.created_at,
            action=log.transition,
            text=applicant_event(log.transition),
            note=log.note if log.transition in NOTES_FOR_APPLICANT else "",
        )
        for log in logs
        if log.transition in EVENTS
    ]


@dataclass(frozen=True)
class Stage:
    label: str
    status: str  # "done", "current" or "todo"


# The stages everyone can follow; a paused or supplemented dossier stays in its stage.
STAGES: list[tuple[Promise, frozenset[str]]] = [
    (_("Submitted"), frozenset({State.SUBMITTED, State.SUPPLEMENT_REQUESTED})),
    (_("Received"), frozenset({State.RECEIVED})),
    (_("Being processed"), frozenset({State.PROCESSING, State.AWAITING_SUPPLEMENT})),
    (_("Result ready"), frozenset({State.RESULT_READY})),
    (_("Result handed over"), frozenset({State.RETURNED})),
]


def stages(state: str, *, from_receipt: bool = False) -> list[Stage]:
    """Where the dossier stands on the road to its result; empty once it left it.

    Public tracking starts ``from_receipt``: a dossier has a code only from then.
    """
    road = STAGES[1:] if from_receipt else STAGES
    position = next((i for i, (_l, states) in enumerate(road) if state in states), None)
    if position is None:
        return []
    if state == State.RETURNED:
        position = len(road)
    return [
        Stage(
            str(label),
            "done" if i < position else "current" if i == position else "todo",
        )
        for i, (label, _states) in enumerate(road)
    ]
