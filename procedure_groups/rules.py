"""Pure rules of procedure groups: dependency order, cycles, the longest chain of
processing times, and the parent file's status summarised from its children.

No ORM here: ids, numbers and state names in, answers out (docs/interagency.md).
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


def dependency_cycle(
    edges: Mapping[Hashable, Sequence[Hashable]],
) -> list[Hashable] | None:
    """A cycle among ``edges`` (member -> the members it depends on), as the list
    of members along it, or None when the dependencies form no cycle."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(edges, WHITE)
    path: list[Hashable] = []

    def visit(node: Hashable) -> list[Hashable] | None:
        colour[node] = GREY
        path.append(node)
        for before in edges.get(node, ()):
            if colour.get(before, WHITE) == GREY:
                return [*path[path.index(before) :], before]
            if colour.get(before, WHITE) == WHITE:
                found = visit(before)
                if found:
                    return found
        path.pop()
        colour[node] = BLACK
        return None

    for node in edges:
        if colour[node] == WHITE:
            found = visit(node)
            if found:
                return found
    return None


def longest_chain_days(
    days: Mapping[Hashable, Decimal], edges: Mapping[Hashable, Sequence[Hashable]]
) -> Decimal:
    """The working days of the longest chain of dependent members: a member waits
    for the results it depends on, so the group's time must cover that chain.
    ``edges`` must have no cycle (``dependency_cycle``)."""
    done: dict[Hashable, Decimal] = {}

    def finish(node: Hashable) -> Decimal:
        if node not in done:
            before = [finish(b) for b in edges.get(node, ())]
            done[node] = days[node] + max(before, default=Decimal(0))
        return done[node]

    return max((finish(node) for node in days), default=Decimal(0))


# The parent file's status, as the public tracking reads it.
SUBMITTED = "submitted"
IN_PROGRESS = "in_progress"
WAITING_FOR_APPLICANT = "waiting_for_applicant"
RESULTS_READY = "results_ready"
COMPLETED = "completed"
ENDED = "ended"
STATUS_LABELS = {
    SUBMITTED: _("Submitted online: the desk checks the papers"),
    IN_PROGRESS: _("Being processed"),
    WAITING_FOR_APPLICANT: _("Waiting for the applicant's supplement"),
    RESULTS_READY: _("Results ready to collect"),
    COMPLETED: _("All results returned"),
    ENDED: _("Ended: a procedure of the group was refused or stopped"),
}

_WAITING = {"supplement_requested", "awaiting_supplement"}
_WITH_RESULT = {"result_ready", "returned"}
_ENDED = {"refused", "stopped", "withdrawn"}
# Filed online, not yet received by the desk.
_AT_DESK = {"draft", "submitted"}


@dataclass(frozen=True)
class ChildState:
    """What the summary reads of one child dossier."""

    state: str
    required: bool = True


def parent_status(children: Sequence[ChildState]) -> str:
    """The parent file's status from its children's states.

    The group is completed when every child whose result it requires has been
    returned (the group says which results suffice: ``required``), its results are
    ready when each of them has a result; a refused, stopped or withdrawn required
    child ends the group; otherwise it waits for the applicant while any child
    does; filed online and not yet received it is submitted; otherwise it is
    being processed.
    """
    required = [c for c in children if c.required] or list(children)
    if any(c.state in _ENDED for c in required):
        return ENDED
    if required and all(c.state == "returned" for c in required):
        return COMPLETED
    if required and all(c.state in _WITH_RESULT for c in required):
        return RESULTS_READY
    if any(c.state in _WAITING for c in children):
        return WAITING_FOR_APPLICANT
    if children and all(c.state in _AT_DESK for c in children):
        return SUBMITTED
    return IN_PROGRESS
