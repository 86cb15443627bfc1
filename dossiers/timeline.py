"""What the applicant reads about their dossier's history, in plain language.

The transition log is the staff's record: it names officers and keeps their notes.
The applicant sees one sentence per event (the registry's ``timeline``), and a note
only where it is addressed to them (reasons, requests, their own messages); never
who handled it inside.

A route with a stage of parallel branches (docs/interagency.md) is told as its
real hand-offs: the fork is one sentence naming the agencies working at the same
time, the join one sentence; a branch finishing before the others says nothing
(its own hand-off is on Form 06, for the staff). A transfer between two single
steps of different agencies names the agency receiving the dossier.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency

from .models import Dossier, State, TransitionLog, step_agency_id
from .route_cursor import BRANCH_DONE, JOIN, PASS_ON, START, RouteCursor
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


@dataclass(frozen=True)
class RouteShape:
    """What the timeline needs of a route with parallel stages or several
    agencies: each step's stage (``Dossier.stages``) and the name of the agency
    working it."""

    stages: Sequence[int]
    agencies: Sequence[str]


def route_shape(dossier: Dossier) -> RouteShape | None:
    """The shape of ``dossier``'s route when it has a stage of parallel
    branches or steps of several agencies (one query, for the agencies' names);
    None, with no query, for a route of single steps within one agency, whose
    timeline needs nothing more than its log."""
    stages = dossier.stages
    ids = [step_agency_id(dossier, position) for position in range(len(stages))]
    if len(set(stages)) == len(stages) and len(set(ids)) < 2:
        return None
    names = dict(
        Agency.objects.filter(pk__in={i for i in ids if i}).values_list("pk", "name")
    )
    return RouteShape(stages, [names.get(i, "") for i in ids])


def applicant_timeline(
    logs: Iterable[TransitionLog], route: RouteShape | None = None
) -> list[Event]:
    """The dossier's history as the applicant may read it, oldest first.

    ``route`` (``route_shape``) is needed only for a route with parallel
    stages or several agencies: without it every hand-off is read as a step of
    a sequence, and a transfer to another agency does not name it."""
    stages = _StageReplay(route) if route is not None else None
    events = []
    for log in logs:
        text = stages.sentence(log) if stages is not None else None
        if text is None:
            if log.transition not in ACTIONS or ACTIONS[log.transition].internal:
                continue
            text = applicant_event(log.transition)
        elif not text:
            continue
        entry = ACTIONS.get(log.transition)
        events.append(
            Event(
                at=log.created_at,
                action=log.transition,
                text=text,
                note=log.note if entry and entry.note_for_applicant else "",
            )
        )
    return events


class _StageReplay:
    """Follows the log through the route's stages (``RouteCursor``, as Form 06
    does) to tell the fork and the join of parallel branches once each, and the
    agency a transfer passes the dossier to."""

    def __init__(self, route: RouteShape) -> None:
        self.route = route
        self.cursor = RouteCursor(route.stages)

    def _agencies(self, stage: int) -> list[str]:
        names = (
            self.route.agencies[p]
            for p in self.cursor.branches(stage)
            if p < len(self.route.agencies)
        )
        return list(dict.fromkeys(name for name in names if name))

    def sentence(self, log: TransitionLog) -> str | None:
        """The applicant's sentence for ``log`` where the route's shape changes
        it: "" to say nothing (a branch done, the join speaks), the fork's, the
        join's or the transfer's sentence, or None for the registry's own."""
        done = self.cursor.stage
        move = self.cursor.follow(log)
        stage = self.cursor.stage
        if move == START:
            return self._fork(0) if self.cursor.parallel(0) else None
        if move == JOIN:
            return self._join(done, stage)
        if move == BRANCH_DONE:
            return ""
        if move == PASS_ON:
            if self.cursor.parallel(stage):
                return self._fork(stage)
            if log.transition == "transfer_to_agency":
                return self._passed(stage)
        return None

    def _passed(self, stage: int) -> str | None:
        """A transfer to a single step: the agency receiving the dossier."""
        if stage >= len(self.route.stages) or not self.route.agencies[stage]:
            return None
        return gettext(
            "The dossier was passed to %(agency)s (inter-agency one-stop)."
        ) % {"agency": self.route.agencies[stage]}

    def _fork(self, stage: int) -> str:
        agencies = self._agencies(stage)
        if len(agencies) > 1:
            return gettext(
                "The dossier was passed to several agencies that work on it at "
                "the same time: %(agencies)s (inter-agency one-stop)."
            ) % {"agencies": ", ".join(agencies)}
        return gettext(
            "The dossier moved to several processing steps worked on at the same "
            "time by %(agency)s."
        ) % {"agency": ", ".join(agencies)}

    def _join(self, done: int | None, following: int) -> str:
        branches = self._agencies(done) if done is not None else []
        if following >= len(self.route.stages):
            following_agencies: list[str] = []
        else:
            following_agencies = self._agencies(following)
        if len({*branches, *following_agencies}) <= 1:
            text = gettext(
                "The processing steps worked on at the same time are all done; "
                "the dossier moved to the next processing step."
            )
        else:
            text = gettext(
                "The agencies working on the dossier at the same time "
                "(%(agencies)s) have all done their part; it went on to "
                "%(next)s."
            ) % {
                "agencies": ", ".join(branches),
                "next": ", ".join(following_agencies),
            }
        if self.cursor.parallel(following):
            text = f"{text} {self._fork(following)}"
        return text


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
