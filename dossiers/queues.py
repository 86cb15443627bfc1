"""The staff queues: saved views of the worklist, one list per role, in one place.

Each queue is a name (the worklist's ``?queue=``), a label, the roles that work
from it, a filter over the dossiers the user may see (``dossiers_visible_to``,
so a queue never widens anyone's scope), the order it opens in and the extra
columns its rows show. The landing page counts them (``queue_counts``, one
statement) and the worklist lists them (``Queue.narrow``): the two can never
disagree on what a queue holds.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from procedures.cache import shared_calendar
from procedures.selectors import agency_subtree

from .freshness import cached_counts
from .models import (
    SUPPLEMENT_STATES,
    WORK_STATES,
    Dossier,
    DossierStep,
    ExtensionDraft,
    State,
)
from .selectors import (
    DueWindows,
    capped_counts,
    dossiers_visible_to,
    filter_due_window,
)

Filter = Callable[[QuerySet[Dossier], Any, DueWindows], QuerySet[Dossier]]

# The columns a queue may add to the worklist's rows.
AGENCY = "agency"
DAYS_LATE = "days_late"


@dataclass(frozen=True)
class Queue:
    name: str
    label: Promise
    roles: frozenset[str]
    filter: Filter
    # The worklist's sort it opens in (``dossiers.selectors.SORTS``).
    order: str = "due"
    # Extra columns of its rows: AGENCY, DAYS_LATE.
    columns: frozenset[str] = frozenset()
    # The action its rows can take together (``dossiers.services.bulk``).
    bulk: str = ""
    # The card's colour on the landing page: "", "danger", "warning", "success".
    tone: str = ""
    # What the queue is for, under its count.
    hint: Promise | str = ""

    def narrow(
        self, dossiers: QuerySet[Dossier], user: Any, windows: DueWindows
    ) -> QuerySet[Dossier]:
        """``dossiers`` (already the user's) reduced to this queue."""
        return self.filter(dossiers, user, windows)


def _current_step(*conditions: Q, **lookups: Any) -> Exists:
    """Whether the dossier's current step matches ``lookups``; at a stage of
    parallel branches, any of its open branches (docs/interagency.md), never
    a branch already done (the stage's first may be)."""
    index = OuterRef("current_step_index")
    return Exists(
        DossierStep.objects.filter(
            Q(position=index) | Q(stage=index),
            *conditions,
            dossier=OuterRef("pk"),
            finished_at__isnull=True,
            **lookups,
        ).order_by()
    )


def _state(*states: str) -> Filter:
    return lambda dossiers, user, windows: dossiers.filter(state__in=states)


def _department_step(user: Any, **lookups: Any) -> Q:
    """The current step is an officer's step of the user's department.

    Read from the department's open steps (the ``step_dept`` index: started,
    not finished), which is the current step by construction: a dossier's
    steps start one after another as the previous one finishes. Probing each
    dossier in processing for its current step instead would read them all.
    (An officer step with no department is its agency's, but an officer sees
    only the dossiers of their department: ``dossiers_visible_to``.)
    """
    return Q(
        pk__in=DossierStep.objects.filter(
            department_id=user.department_id,
            role=Role.OFFICER,
            finished_at__isnull=True,
            started_at__isnull=False,
            **lookups,
        ).values("dossier_id")
    )


def _my_steps(dossiers: QuerySet[Dossier], user: Any, windows: DueWindows):
    # A branch of a parallel stage is held on its step, not on the dossier. The
    # ids come from a union of two index reads (the assignee's, the held
    # branches'): an OR of the two made PostgreSQL walk every open dossier in
    # due order (720 ms at a million dossiers).
    working = (State.PROCESSING, State.AWAITING_SUPPLEMENT)
    assigned = Dossier.objects.filter(assignee_id=user.pk, state__in=working)
    held_branch = DossierStep.objects.filter(
        handled_by_id=user.pk,
        started_at__isnull=False,
        finished_at__isnull=True,
        dossier__assignee__isnull=True,
    )
    mine = (
        assigned.order_by()
        .values("pk")
        .union(held_branch.order_by().values("dossier_id"))
    )
    return dossiers.filter(pk__in=mine, state__in=working)


def _unassigned(dossiers: QuerySet[Dossier], user: Any, windows: DueWindows):
    # A parallel branch nobody holds (its step's handler, docs/interagency.md);
    # a sequential step's handler is recorded when it finishes, so empty here.
    return dossiers.filter(
        _department_step(user, handled_by__isnull=True),
        state=State.PROCESSING,
        assignee__isnull=True,
    )


def _department_due_soon(dossiers: QuerySet[Dossier], user: Any, windows: DueWindows):
    return filter_due_window(dossiers, "soon", windows).filter(
        _department_step(user), state=State.PROCESSING
    )


def _to_decide(dossiers: QuerySet[Dossier], user: Any, windows: DueWindows):
    """At a leader's step of the route: approve or deny is theirs to sign. The
    step must be the leader's own agency's: an inter-agency dossier stays in
    the view of an agency whose share is done, or that works another branch."""
    own_agency = Q(agency_id=user.agency_id) | Q(agency__isnull=True)
    return dossiers.filter(
        _current_step(own_agency, role=Role.LEADER), state=State.PROCESSING
    )


# Form 04 can be signed while the clock runs or is paused (``Dossier.extend``).
EXTENDABLE_STATES = (State.RECEIVED, State.PROCESSING, State.AWAITING_SUPPLEMENT)


def _extensions_to_sign(dossiers: QuerySet[Dossier], user: Any, windows: DueWindows):
    """An officer drafted Form 04 and nobody has signed an extension since (a
    dossier is extended once)."""
    drafted = ExtensionDraft.objects.filter(dossier=OuterRef("pk")).order_by()
    return dossiers.filter(
        Exists(drafted), state__in=EXTENDABLE_STATES, extended_due_at__isnull=True
    )


def _overdue(dossiers: QuerySet[Dossier], user: Any, windows: DueWindows):
    # Only while the clock runs: a dossier paused for a supplement is never late.
    return filter_due_window(dossiers, "overdue", windows)


def _due_soon(dossiers: QuerySet[Dossier], user: Any, windows: DueWindows):
    return filter_due_window(dossiers, "soon", windows)


def _open(dossiers: QuerySet[Dossier], user: Any, windows: DueWindows):
    return dossiers.filter(state__in=WORK_STATES)


CLERK = frozenset({Role.CLERK})
OFFICER = frozenset({Role.OFFICER})
LEADER = frozenset({Role.LEADER})
MANAGER = frozenset({Role.MANAGER})

QUEUES: dict[str, Queue] = {
    queue.name: queue
    for queue in (
        Queue(
            "to_check",
            _("Dossiers to check"),
            CLERK,
            _state(State.SUBMITTED),
            order="age",
            tone="warning",
            hint=_(
                "Filed online (or registered at the counter), the oldest first: "
                "receive, ask for a supplement or refuse."
            ),
        ),
        Queue(
            "to_transfer",
            _("Received, to transfer"),
            CLERK,
            _state(State.RECEIVED),
            bulk="transfer",
            hint=_("Pass them to the deciding agency, several at once if you like."),
        ),
        Queue(
            "to_hand_back",
            _("Results to hand back"),
            CLERK,
            _state(State.RESULT_READY),
            bulk="return_result",
            tone="success",
            hint=_("The decision is made: hand the result to the applicant."),
        ),
        Queue(
            "supplements",
            _("Waiting for a supplement"),
            CLERK,
            _state(*SUPPLEMENT_STATES),
            hint=_("Record here the papers an applicant brings to the counter."),
        ),
        Queue(
            "my_steps",
            _("My steps"),
            OFFICER,
            _my_steps,
            hint=_("The steps you hold."),
        ),
        Queue(
            "unassigned",
            _("Unassigned steps of my department"),
            OFFICER,
            _unassigned,
            tone="warning",
            hint=_("Nobody holds them yet: take one."),
        ),
        Queue(
            "department_due_soon",
            _("Due soon in my department"),
            OFFICER,
            _department_due_soon,
            tone="warning",
            hint=_(
                "Steps of the department whose dossier is due soon; earliest first."
            ),
        ),
        Queue(
            "to_decide",
            _("Decisions to sign"),
            LEADER,
            _to_decide,
            tone="warning",
            hint=_("Approve or deny."),
        ),
        Queue(
            "extensions_to_sign",
            _("Form 04 extensions to sign"),
            LEADER,
            _extensions_to_sign,
            tone="warning",
            hint=_("Drafted by an officer, waiting for your signature."),
        ),
        Queue(
            "overdue",
            _("Overdue"),
            LEADER | MANAGER,
            _overdue,
            columns=frozenset({AGENCY, DAYS_LATE}),
            tone="danger",
            hint=_("Past the due date while the clock runs; the longest late first."),
        ),
        Queue(
            "due_soon",
            _("Due soon"),
            MANAGER,
            _due_soon,
            tone="warning",
            hint=_("The clock runs and the due date is near; earliest first."),
        ),
        Queue(
            "open",
            _("Open dossiers"),
            MANAGER,
            _open,
            columns=frozenset({AGENCY}),
            hint=_("Every dossier not yet closed, with its deciding agency."),
        ),
    )
}


def queues_for(user: Any) -> list[Queue]:
    """The queues ``user``'s role works from, in the landing page's order."""
    role = getattr(user, "role", None)
    return [queue for queue in QUEUES.values() if role in queue.roles]


def queue_for(user: Any, name: str) -> Queue | None:
    """The queue called ``name`` if ``user``'s role has it."""
    queue = QUEUES.get(name)
    if queue is None or getattr(user, "role", None) not in queue.roles:
        return None
    return queue


def queue_counts(user: Any, windows: DueWindows) -> dict[str, int]:
    """How many dossiers each of the user's queues holds, each capped at
    ``selectors.COUNT_CAP``, in one statement."""
    return cached_counts(
        "queues", user, windows.now, lambda: _queue_counts(user, windows)
    )


def _queue_counts(user: Any, windows: DueWindows) -> dict[str, int]:
    visible = dossiers_visible_to(user)
    return capped_counts(
        {queue.name: queue.narrow(visible, user, windows) for queue in queues_for(user)}
    )


@dataclass(frozen=True)
class AgencyLoad:
    agency_id: int
    open: int
    overdue: int
    due_soon: int


def agency_loads(user: Any, windows: DueWindows) -> list[AgencyLoad]:
    """The manager's view: per deciding agency of their tree, the open dossiers,
    the overdue ones (clock running) and those due soon, each capped at
    ``selectors.COUNT_CAP`` like the queues, in one statement (each count reads
    at most that many rows of the agency's queue index, where a grouped count
    would read every open dossier of the province); agencies with nothing open
    are left out, the most overdue first. Kept like the queue counts
    (``freshness.cached_counts``)."""
    return cached_counts(
        "agencies", user, windows.now, lambda: _agency_loads(user, windows)
    )


def _agency_loads(user: Any, windows: DueWindows) -> list[AgencyLoad]:
    visible = dossiers_visible_to(user)
    agencies = sorted(agency_subtree(user.agency_id))
    queues: dict[tuple[int, str], QuerySet[Dossier]] = {}
    for agency_id in agencies:
        mine = visible.filter(deciding_agency_id=agency_id)
        queues[agency_id, "open"] = mine.filter(state__in=WORK_STATES)
        queues[agency_id, "overdue"] = filter_due_window(mine, "overdue", windows)
        queues[agency_id, "soon"] = filter_due_window(mine, "soon", windows)
    counts = capped_counts(queues)
    loads = [
        AgencyLoad(
            agency_id,
            counts[agency_id, "open"],
            counts[agency_id, "overdue"],
            counts[agency_id, "soon"],
        )
        for agency_id in agencies
        if counts[agency_id, "open"]
    ]
    return sorted(loads, key=lambda load: (-load.overdue, -load.open, load.agency_id))


def working_days_late(due_dates: list[datetime | None], now: datetime) -> list[int]:
    """For each due date, the working days after its day up to today (as the
    statistics' overdue list counts them); 0 for a date not passed."""
    today = timezone.localdate(now)
    days = [timezone.localtime(due).date() for due in due_dates if due and due < now]
    if not days:
        return [0] * len(due_dates)
    first = min(days)
    calendar = shared_calendar(list(range(first.year, today.year + 1)))
    working_after: dict[date, int] = {}
    count, day = 0, today
    while day >= first:
        working_after[day] = count
        if calendar.is_working_day(day):
            count += 1
        day -= timedelta(days=1)
    return [
        working_after.get(timezone.localtime(due).date(), 0) if due and due < now else 0
        for due in due_dates
    ]
