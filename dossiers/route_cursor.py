"""Where on its route a dossier stands, read from its log row by row.

Form 06 (``control_sheet``) and the applicant's timeline (``timeline``) replay the
same moves through a route's stages (docs/interagency.md, parallel branches):
processing starts at stage 0; a join, or a step handing on from a single-step
stage, moves to the next stage; a branch finishing leaves the stage where it is,
waiting for its join; a return goes back one stage.
"""

from collections.abc import Sequence

from .models import JOIN_BRANCHES, State, TransitionLog

# What a log row did to the position (``RouteCursor.follow``).
START = "start"
JOIN = "join"
BRANCH_DONE = "branch_done"
PASS_ON = "pass_on"
RETURN = "return"


class RouteCursor:
    """The stage a dossier is at (the position of its first step), following
    its log; ``stages`` is each route step's stage (``Dossier.stages``)."""

    def __init__(self, stages: Sequence[int]) -> None:
        self.stages = list(stages)
        self.stage: int | None = None

    def branches(self, stage: int | None) -> list[int]:
        """The positions of the stage starting at ``stage`` (itself alone when
        the route does not hold it)."""
        if stage is None:
            return []
        return [p for p, s in enumerate(self.stages) if s == stage] or [stage]

    def parallel(self, stage: int | None) -> bool:
        return len(self.branches(stage)) > 1

    def after(self, stage: int | None) -> int:
        """The stage following ``stage`` (0 before processing starts)."""
        branches = self.branches(stage)
        return branches[-1] + 1 if branches else 0

    def follow(self, log: TransitionLog) -> str | None:
        """Move as ``log`` moved the dossier; what it did, or None when it left
        the position as it was."""
        if log.from_state == State.RECEIVED and log.to_state == State.PROCESSING:
            self.stage = 0
            return START
        if log.transition == JOIN_BRANCHES:
            self.stage = self.after(self.stage)
            return JOIN
        if log.transition in ("forward", "transfer_to_agency"):
            if self.parallel(self.stage):
                return BRANCH_DONE
            self.stage = self.after(self.stage)
            return PASS_ON
        if log.transition == "return_to_agency":
            # Never next to a parallel stage (``returns_to_one_step``).
            previous = (self.stage or 1) - 1
            self.stage = (
                self.stages[previous] if previous < len(self.stages) else previous
            )
            return RETURN
        return None
