"""What the applicant reads about their dossier's history, in plain language.

The transition log is the staff's record: it names officers and keeps their notes.
The applicant sees one sentence per event (the registry's ``timeline``), and a note
only where it is addressed to them (reasons, requests, their own messages); never
who handled it inside.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import State, TransitionLog
from .workflow import ACTIONS


@dataclass(frozen=True)
class Event:
    at: datetime
    action: str
    text: str
    note: str


def applicant_event(action: str) -> str:
    """The timeline's sentence for an action (the registry's ``timeline``)."""
    entry = ACTIONS.get(action)
    return str(entry.timeline) if entry else ""


def applicant_timeline(logs: Iterable[TransitionLog]) -> list[Event]:
    """The dossier's history as the applicant may read it, oldest first."""
    return [
        Event(
            at=log.created_at,
            action=log.transition,
            text=applicant_event(log.transition),
            note=log.note if ACTIONS[log.transition].note_for_applicant else "",
        )
        for log in logs
        if log.transition in ACTIONS and not ACTIONS[log.transition].internal
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
