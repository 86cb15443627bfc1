"""Parallel branches with a join: what follows a step finished on a route whose
stages may hold several branches worked at once (docs/interagency.md).

``forward`` and ``transfer_to_agency`` finish the step being acted on (on a
parallel stage, the actor's branch: ``Dossier.focus_on``). The model moves the
dossier to the next stage only with the stage's last open branch (the join);
here every step of the stage that starts is started, the join is logged, and
each hand-off to a step of another agency gets its ``AgencyTransfer`` row: at the
fork, one per branch; a branch finished by a transfer, one per step of the next
stage, at the moment it finishes (the first as well as the last: each states its
own agency, time and the receiving share's due date; the join adds none).
"""

from datetime import datetime

from django.utils.translation import gettext as _

from accounts.models import User

from .. import deadlines
from ..models import (
    JOIN_BRANCHES,
    AgencyTransfer,
    Dossier,
    DossierStep,
    TransitionLog,
    step_agency_id,
)


def owners(dossier: Dossier) -> list[int | None]:
    """The agency of each step of the dossier's route, in order."""
    return [step_agency_id(dossier, i) for i in range(len(dossier.route))]


def share_due(dossier: Dossier, position: int) -> datetime:
    """The due date of the agency's share holding step ``position`` (a branch of
    a parallel stage: its own), from the steps' due dates (set at the desk's
    transfer, pushed by pauses and extensions since)."""
    dues = list(
        DossierStep.objects.filter(dossier=dossier)
        .order_by("position")
        .values_list("due_at", flat=True)
    )
    return deadlines.share_due(owners(dossier), dues, position, dossier.stages)


def finish_and_pass_on(
    dossier: Dossier,
    *,
    finished: DossierStep | None,
    from_stage: int | None,
    actor: User,
    at: datetime,
    note: str,
    log: TransitionLog,
) -> list[int]:
    """After ``forward`` or ``transfer_to_agency`` (``log``): ``finished`` is
    done; if the dossier reached a new stage, each of its steps starts. Returns
    the positions started (none while other branches are still open)."""
    if finished is not None:
        DossierStep.objects.filter(pk=finished.pk).update(
            finished_at=at, handled_by=actor
        )
    joined = getattr(dossier, "joined_branches", False)
    moved = dossier.current_step_index != from_stage
    started: list[int] = []
    if moved and dossier.current_step_index is not None:
        started = dossier.stage_positions(dossier.current_step_index)
        DossierStep.objects.filter(dossier=dossier, position__in=started).update(
            started_at=at
        )
    if joined:
        _log_join(dossier, from_stage, started, actor, at)
    from_agency = step_agency_id(dossier, finished.position) if finished else None
    for position in _handed_to(dossier, finished, from_stage, started, log):
        to_agency = step_agency_id(dossier, position)
        if to_agency == from_agency:
            continue
        AgencyTransfer.objects.create(
            dossier=dossier,
            log=log,
            kind=AgencyTransfer.Kind.TRANSFER,
            from_agency_id=from_agency,
            to_agency_id=to_agency,
            from_position=finished.position if finished else from_stage,
            to_position=position,
            sent_at=at,
            due_at=share_due(dossier, position),
            note=note,
            sent_by=actor,
        )
    dossier.forget_steps()
    return started


def _handed_to(
    dossier: Dossier,
    finished: DossierStep | None,
    from_stage: int | None,
    started: list[int],
    log: TransitionLog,
) -> list[int]:
    """The steps a ``transfer_to_agency`` hands the dossier to: those that
    started; for a branch of a parallel stage, the next stage's steps even
    before the join, since the branch sends its part to that agency when it
    finishes (its own hand-off, at its own time, whether it is the last)."""
    if log.transition != "transfer_to_agency":
        return []
    if finished is None or from_stage is None:
        return started
    branches = dossier.stage_positions(from_stage)
    if len(branches) < 2:
        return started
    following = branches[-1] + 1
    return dossier.stage_positions(following) if following < len(dossier.route) else []


def _log_join(
    dossier: Dossier,
    stage: int | None,
    started: list[int],
    actor: User,
    at: datetime,
) -> None:
    """The join: every branch of the stage is done and the next stage starts."""
    route = dossier.route
    branches = [route[i]["name"] for i in dossier.stage_positions(stage or 0)]
    following = ", ".join(route[i]["name"] for i in started)
    TransitionLog.objects.create(
        dossier=dossier,
        transition=JOIN_BRANCHES,
        from_state=dossier.state,
        to_state=dossier.state,
        actor=actor if getattr(actor, "pk", None) else None,
        note=_("Every parallel branch is done (%(branches)s); next: %(next)s.")
        % {"branches": "; ".join(branches), "next": following},
        step_name=" + ".join(branches),
        step_due_at=None,
        created_at=at,
    )
