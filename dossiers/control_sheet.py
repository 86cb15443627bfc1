"""Form 06, the processing control sheet: a dossier's hand-offs, read from its log.

Each line is one hand-off of the paper dossier: the desk's transfer to the first
step, every forward to the next step, the agency's request for a supplement (to
the applicant) and the applicant's answer, the decision (the result goes back to
the desk), a stop, and the return to the applicant. A line names both sides (the
department of the step and the person), the time, the step the handing side
finished with its due date, and whether it finished early, on time or late.

A step is classed against its due date as the log recorded it at the hand-off.
The supplement services push the due date of every unfinished step by the office
time the dossier waited for the applicant before the step goes on, so that date
already holds the pauses and a step is never late because of paused time.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from . import deadlines
from .models import (
    Dossier,
    DossierStep,
    Outcome,
    State,
    TransitionLog,
)
from .route_cursor import BRANCH_DONE, JOIN, PASS_ON, RETURN, START, RouteCursor

# The decisions, by the action that records them.
DECISIONS = {"approve": Outcome.APPROVED.label, "deny": Outcome.DENIED.label}


@dataclass(frozen=True)
class Party:
    """One side of a hand-off: an agency or department, and a person in it."""

    unit: str
    person: str = ""


@dataclass(frozen=True)
class Handoff:
    """One line of Form 06."""

    at: datetime
    giver: Party
    receiver: Party
    # The step the handing side finished, with its due date; the receiving step.
    step_name: str
    step_due_at: datetime | None
    next_step_name: str
    # deadlines.EARLY, ON_TIME or LATE; "" where no due date applies.
    timeliness: str
    note: str

    @property
    def timeliness_label(self) -> str:
        label = deadlines.TIMELINESS_LABELS.get(self.timeliness)
        return str(label) if label else ""


@dataclass(frozen=True)
class ControlSheet:
    """What Form 06 shows besides the dossier itself."""

    # The departments of the route, each once, in route order.
    departments: list[str]
    lines: list[Handoff]


def control_sheet(
    dossier: Dossier, logs: Sequence[TransitionLog], steps: Sequence[DossierStep]
) -> ControlSheet:
    """Form 06 of ``dossier``: its hand-offs, oldest first, from its log and its
    steps (``selectors.control_sheet_steps``)."""
    replay = _Replay(dossier, steps)
    lines = [line for log in logs if (line := replay.read(log)) is not None]
    departments = {
        _unit_name(step, dossier.crosses_agencies): None
        for step in steps
        if step.department is not None or (dossier.crosses_agencies and step.agency)
    }
    return ControlSheet(departments=list(departments), lines=lines)


def _unit_name(step: DossierStep, crosses_agencies: bool) -> str:
    """A step's department; on an inter-agency route, with its agency (or the
    agency alone), so the sheet names every agency taking part."""
    if not crosses_agencies:
        return step.department.name
    agency = step.department.agency if step.department else step.agency
    if step.department is None:
        return str(agency)
    return f"{step.department.name} – {agency}"


class _Replay:
    """Replays the log, following which step of the route the dossier is at."""

    def __init__(self, dossier: Dossier, steps: Sequence[DossierStep]) -> None:
        self.dossier = dossier
        self.steps = {step.position: step for step in steps}
        # Parallel branches (docs/interagency.md): the cursor's stage is the
        # first step of the current stage, whose branches are worked at once.
        self.cursor = RouteCursor(dossier.stages)
        self.desk = Party(dossier.receiving_desk.name)
        self.agency = dossier.deciding_agency.name

    @property
    def position(self) -> int | None:
        return self.cursor.stage

    def _acting_step(self, log: TransitionLog) -> DossierStep | None:
        """The step a log row was written at: on a parallel stage, the branch
        its recorded step name says (else the stage's first)."""
        branches = self.cursor.branches(self.position)
        if len(branches) > 1:
            for position in branches:
                step = self.steps.get(position)
                if step is not None and step.name == log.step_name:
                    return step
        return self.steps.get(self.position) if self.position is not None else None

    def _stage_party(self, stage: int) -> Party:
        """Who receives a stage: its step's department, or every branch's."""
        branches = self.cursor.branches(stage)
        if len(branches) == 1:
            return self._party(stage)
        parties = [self._party(position, person="") for position in branches]
        return Party(" + ".join(party.unit for party in parties))

    def _stage_name(self, stage: int) -> str:
        return " + ".join(
            self.steps[p].name for p in self.cursor.branches(stage) if p in self.steps
        )

    def read(self, log: TransitionLog) -> Handoff | None:
        actor = str(log.actor) if log.actor_id else ""
        source, target = log.from_state, log.to_state
        if log.transition == "linked_result":
            # A group's linked result arrived (dossiers/services/group_results.py).
            return self._line(
                log,
                giver=Party(_("Linked dossier of the group"), actor),
                receiver=self.desk,
                step=None,
                note=log.note,
            )
        # The step the row was written at, before the row moves the position.
        before = self.position
        step = self._acting_step(log)
        move = self.cursor.follow(log)
        if move == START:
            return self._line(
                log,
                giver=Party(self.desk.unit, actor),
                receiver=self._party(0),
                step=None,
                next_step=self.steps.get(0),
                note=log.note,
            )
        if move == JOIN:
            # The last branch of a parallel stage is done: the next stage starts.
            return self._line(
                log,
                giver=Party(_("Join of the parallel branches"), actor),
                receiver=self._stage_party(self.position),
                step=None,
                next_name=self._stage_name(self.position),
                note=log.note,
            )
        giver = self._party(step.position if step else before, person=actor)
        if move == BRANCH_DONE:
            # One branch done: the stage waits for its other branches.
            return self._line(
                log,
                giver=giver,
                receiver=Party(_("Join of the parallel branches")),
                step=step,
                note=log.note,
                timed=True,
            )
        if move == PASS_ON:
            # Inter-agency transfer (docs/interagency.md): the receiving side
            # names the other agency, as every step's party does; a stage of
            # parallel branches names each branch's.
            return self._line(
                log,
                giver=giver,
                receiver=self._stage_party(self.position),
                step=step,
                next_name=self._stage_name(self.position),
                note=log.note,
                timed=True,
            )
        if move == RETURN:
            return self._line(
                log,
                giver=giver,
                receiver=self._party(self.position),
                step=step,
                next_step=self.steps.get(self.position),
                note=_("Returned to the sending agency. %(reasons)s")
                % {"reasons": log.note},
            )
        if target == State.AWAITING_SUPPLEMENT:
            return self._line(
                log,
                giver=giver,
                receiver=self._applicant(),
                step=step,
                note=_("Supplement requested; the processing time is paused. %(note)s")
                % {"note": log.note},
            )
        if source == State.AWAITING_SUPPLEMENT and target == State.PROCESSING:
            note = _(
                "Supplement received; the processing time resumes and the "
                "step's due date moves by the time paused. %(note)s"
            ) % {"note": log.note}
            if log.transition == "supplement_at_counter":
                # Brought to the desk: the clerk who took the papers is named.
                note = _("Brought to the counter, received by %(clerk)s. %(rest)s") % {
                    "clerk": log.actor,
                    "rest": note,
                }
            return self._line(
                log,
                giver=self._applicant(),
                receiver=self._party(self.position),
                step=step,
                next_step=step,
                note=note,
            )
        if target == State.RESULT_READY:
            outcome = (
                DECISIONS.get(log.transition) or self.dossier.get_outcome_display()
            )
            return self._line(
                log,
                giver=giver,
                receiver=self.desk,
                step=step,
                note=f"{outcome}. {log.note}",
                timed=True,
            )
        if target == State.STOPPED and self.position is not None:
            # Stopped by the deciding agency's leader or the centre's manager;
            # on an inter-agency route, by the agency holding the step.
            agency = step.agency.name if step and step.agency_id else self.agency
            return self._line(
                log,
                giver=Party(agency, actor),
                receiver=self.desk,
                step=step,
                note=_("Processing stopped (Form 05). %(reasons)s")
                % {"reasons": log.note},
            )
        if target == State.RETURNED:
            dossier = self.dossier
            return Handoff(
                at=log.created_at,
                giver=Party(self.desk.unit, actor),
                receiver=Party(
                    _("Applicant"), dossier.collected_by or dossier.applicant_name
                ),
                step_name=_("Result returned"),
                step_due_at=dossier.current_due_at,
                next_step_name="",
                timeliness=dossier.timeliness,
                note=" · ".join(
                    part
                    for part in (str(dossier.get_result_channel_display()), log.note)
                    if part
                ),
            )
        return None

    def _line(
        self,
        log: TransitionLog,
        *,
        giver: Party,
        receiver: Party,
        step: DossierStep | None,
        note: str,
        next_step: DossierStep | None = None,
        timed: bool = False,
        next_name: str | None = None,
    ) -> Handoff:
        """A line; ``timed``: the giving step finished here and is classed
        against its due date (pushed by any pause during the step)."""
        # The due date in force at the hand-off, as the log recorded it (a pause
        # row shows it before the pause, a resume row after it); older rows
        # without it fall back to the step's own.
        step_due = log.step_due_at or (step.due_at if step else None)
        timeliness = ""
        if timed and step_due is not None:
            timeliness = deadlines.classify(log.created_at, step_due)
        return Handoff(
            at=log.created_at,
            giver=giver,
            receiver=receiver,
            step_name=step.name if step else log.step_name,
            step_due_at=step_due,
            next_step_name=(
                next_name
                if next_name is not None
                else (next_step.name if next_step else "")
            ),
            timeliness=timeliness,
            note=note.strip(),
        )

    def _party(self, position: int | None, *, person: str | None = None) -> Party:
        """The department handling step ``position`` and its person: ``person``
        if given, else who handled the step, else the dossier's assignee while
        the step is the current one."""
        step = self.steps.get(position) if position is not None else None
        if step is None:
            return Party(self.agency, person or "")
        agency = step.agency.name if step.agency_id else self.agency
        unit = (
            f"{step.department.name} – {step.department.agency}"
            if step.department
            else agency
        )
        if person is None:
            handler = step.handled_by
            if handler is None and position == self.dossier.current_step_index:
                handler = self.dossier.assignee
            person = str(handler) if handler else ""
        return Party(unit, person)

    def _applicant(self) -> Party:
        return Party(_("Applicant"), self.dossier.applicant_name)
