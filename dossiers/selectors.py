"""Reads of dossiers, always scoped to what the asking user may see."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import (
    CharField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.utils import timezone

from accounts.models import Role, User
from procedures.cache import shared_calendar
from procedures.selectors import agency_count, agency_subtree
from workcalendar.types import OFFICE_TZ, WorkCalendar

from . import deadlines
from .models import (
    CLOCK_RUNNING_STATES,
    SUPPLEMENT_STATES,
    WORK_STATES,
    Attachment,
    AttachmentKind,
    Dossier,
    DossierStep,
    State,
    SupplementRequest,
    TransitionLog,
)
from .rules import step_handler_lookup
from .search import search_condition


def dossiers_visible_to(user: Any) -> QuerySet[Dossier]:
    """The dossiers ``user`` may see.

    Applicant: their own, drafts included. Staff never see drafts. Clerk: those
    of their desk (the whole of an inter-agency dossier). Officer: those with a
    step of their department that has started. Leader: those their agency
    decides; of an inter-agency dossier, those with a step of their agency that
    has started (docs/interagency.md).
    Manager: those received or decided anywhere in their agency's subtree (the
    provincial centre's manager sits at the top and sees the province).
    Administrators of the catalogue see none: dossiers are not theirs to read.
    """
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    if user.role == Role.APPLICANT:
        return Dossier.objects.filter(applicant=user)
    # A draft stays the applicant's own until it is submitted.
    dossiers = Dossier.objects.exclude(state=State.DRAFT)
    if user.role == Role.CLERK:
        return dossiers.filter(receiving_desk_id=user.agency_id)
    if user.role == Role.OFFICER:
        started_here = DossierStep.objects.filter(
            dossier=OuterRef("pk"),
            department_id=user.department_id,
            started_at__isnull=False,
        )
        # An inter-agency route's officer step without a department is any
        # officer's of its agency (rules.step_handler_lookup).
        started_in_agency = DossierStep.objects.filter(
            dossier=OuterRef("pk"),
            agency_id=user.agency_id,
            department__isnull=True,
            role=Role.OFFICER,
            started_at__isnull=False,
        )
        return dossiers.filter(
            Exists(started_here)
            | (Q(crosses_agencies=True) & Exists(started_in_agency))
        )
    if user.role == Role.LEADER:
        # Inter-agency (docs/interagency.md): each agency sees the dossier once a
        # step of theirs has started, and keeps it for its history.
        started_in_agency = DossierStep.objects.filter(
            dossier=OuterRef("pk"),
            agency_id=user.agency_id,
            started_at__isnull=False,
        )
        return dossiers.filter(
            Q(deciding_agency_id=user.agency_id, crosses_agencies=False)
            | (Q(crosses_agencies=True) & Exists(started_in_agency))
        )
    if user.role == Role.MANAGER:
        scope = agency_subtree(user.agency_id)
        if scope and len(scope) == agency_count():
            # The province's manager: no filter, so the plain indexes serve.
            return dossiers
        reached_scope = DossierStep.objects.filter(
            dossier=OuterRef("pk"), agency_id__in=scope, started_at__isnull=False
        )
        return dossiers.filter(
            Q(receiving_desk_id__in=scope)
            | Q(deciding_agency_id__in=scope)
            | (Q(crosses_agencies=True) & Exists(reached_scope))
        )
    return dossiers.none()


# --- the staff worklist ---------------------------------------------------------

WORKLIST_PAGE_SIZE = 25
COUNT_CAP = 1000


@dataclass(frozen=True)
class DueWindows:
    """The moments that split open dossiers into overdue, due today and due soon."""

    now: datetime
    end_of_today: datetime
    soon: datetime
    soon_days: int

    @classmethod
    def at(cls, now: datetime, calendar: WorkCalendar, soon_days: int) -> "DueWindows":
        today = timezone.localtime(now).date()
        return cls(
            now=now,
            end_of_today=calendar.at(today, time.max),
            soon=deadlines.due_soon_until(now, soon_days, calendar),
            soon_days=soon_days,
        )


def due_windows(now: datetime) -> DueWindows:
    """The due windows at ``now``; "soon" is ``REMINDER_DUE_SOON_DAYS``, as for the
    reminders, so the worklist and the reminders agree."""
    calendar = shared_calendar([timezone.localtime(now).year])
    return DueWindows.at(now, calendar, settings.REMINDER_DUE_SOON_DAYS)


def filter_due_window(
    dossiers: QuerySet[Dossier], window: str, windows: DueWindows
) -> QuerySet[Dossier]:
    running = dossiers.filter(state__in=CLOCK_RUNNING_STATES)
    if window == "overdue":
        return running.filter(current_due_at__lt=windows.now)
    if window == "today":
        return running.filter(
            current_due_at__gte=windows.now, current_due_at__lte=windows.end_of_today
        )
    if window == "soon":
        return running.filter(
            current_due_at__gte=windows.now, current_due_at__lte=windows.soon
        )
    if window == "later":
        return running.filter(current_due_at__gt=windows.soon)
    return dossiers


def worklist(
    user: Any,
    *,
    windows: DueWindows,
    state: str = "",
    procedure_code: str = "",
    sector_code: str = "",
    department_id: int | None = None,
    assignee_id: int | None = None,
    channel: str = "",
    due: str = "",
    query: str = "",
    agency_id: int | None = None,
    sort: str = "due",
) -> QuerySet[Dossier]:
    """The user's dossiers, filtered, in the order ``sort`` names (``SORTS``; by
    default due date, then id) for keyset pages.

    Built for a million rows: every filter is an indexed column or an EXISTS on
    steps, the default order is (current_due_at, id) to match the queue indexes,
    and the snapshot JSON is left unread.
    """
    dossiers = dossiers_visible_to(user)
    if state:
        dossiers = dossiers.filter(state=state)
    elif not query.strip():
        # The working queue (matching the partial indexes): closed dossiers appear
        # only when asked for by status, or searched for.
        dossiers = dossiers.filter(state__in=WORK_STATES)
    if procedure_code:
        dossiers = dossiers.filter(procedure__code=procedure_code)
    if sector_code:
        dossiers = dossiers.filter(procedure__sector__code=sector_code)
    if department_id:
        dossiers = dossiers.filter(
            Exists(
                DossierStep.objects.filter(
                    dossier=OuterRef("pk"), department_id=department_id
                )
            )
        )
    if assignee_id:
        dossiers = dossiers.filter(assignee_id=assignee_id)
    if channel:
        dossiers = dossiers.filter(channel=channel)
    if agency_id:
        dossiers = dossiers.filter(deciding_agency_id=agency_id)
    if due:
        dossiers = filter_due_window(dossiers, due, windows)
    query = query.strip()
    if query:
        dossiers = dossiers.filter(_search(query))
    current_step = _current_step()
    return (
        dossiers.select_related("procedure", "assignee")
        .defer(
            "procedure_snapshot", "procedure__search_folded", "procedure__legal_basis"
        )
        .annotate(
            step_name=Subquery(current_step.values("name")[:1]),
            step_due_at=Subquery(current_step.values("due_at")[:1]),
        )
        .order_by(*sort_order(sort))
    )


def _current_step() -> QuerySet[DossierStep]:
    """The current step of the outer dossier; at a stage of parallel branches
    (docs/interagency.md) its open branch due first. Ordered by the step's own
    fields only: the model's default order would join the dossier again for
    every row."""
    index = OuterRef("current_step_index")
    return DossierStep.objects.filter(
        Q(position=index) | Q(stage=index, finished_at__isnull=True),
        dossier=OuterRef("pk"),
    ).order_by(F("finished_at").asc(nulls_first=True), "due_at")


# The worklist's orders, by the name a column's link gives: the field of the
# keyset and whether it runs backwards. Empty dates (a dossier not yet received)
# come last either way; the id breaks ties in the same direction.
SORTS: dict[str, tuple[str, bool]] = {
    "due": ("current_due_at", False),
    "-due": ("current_due_at", True),
    "received": ("received_at", False),
    "-received": ("received_at", True),
    # Age is the time since the applicant submitted: the oldest first.
    "age": ("submitted_at", False),
    "-age": ("submitted_at", True),
}
DEFAULT_SORT = "due"


def sort_order(sort: str) -> tuple[Any, str]:
    key, descending = SORTS.get(sort, SORTS[DEFAULT_SORT])
    if descending:
        return F(key).desc(nulls_last=True), "-id"
    return F(key).asc(nulls_last=True), "id"


# What a row of the worklist page shows (workspace/dossier_list.html), and the
# keyset's order: loading no more makes each row cheaper to build.
WORKLIST_ROW_FIELDS = (
    "code",
    "version",
    "deciding_agency",
    "submitted_at",
    "received_at",
    "applicant_name",
    "state",
    "channel",
    "result_delivery",
    "current_due_at",
    "procedure",
    "procedure__code",
    "procedure__name",
    "assignee",
    "assignee__username",
    "assignee__full_name",
    "assignee__first_name",
    "assignee__last_name",
)


def worklist_rows(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The worklist narrowed to the columns its page shows, with
    ``step_holder``: at a stage of parallel branches the dossier has no
    assignee, and the step column names the holder of the branch it shows (the
    name as ``User.__str__`` gives it; None on a single step, whose holder is
    the assignee)."""
    branch = _current_step().filter(
        Exists(
            DossierStep.objects.filter(
                dossier=OuterRef("dossier"), stage=OuterRef("stage")
            ).exclude(position=OuterRef("stage"))
        )
    )
    holder = Coalesce(
        NullIf("handled_by__full_name", Value("")),
        NullIf(
            Trim(
                Concat(
                    "handled_by__first_name",
                    Value(" "),
                    "handled_by__last_name",
                    output_field=CharField(),
                )
            ),
            Value(""),
        ),
        "handled_by__username",
    )
    return dossiers.only(*WORKLIST_ROW_FIELDS).annotate(
        step_holder=Subquery(branch.values(holder_name=holder)[:1])
    )


def _search(query: str) -> Q:
    """The dossiers the staff's search box finds for ``query``: any part of the
    code, the applicant's name without accents or case, the ID number, the phone
    (``dossiers.search``); each alternative served by an index on PostgreSQL. A
    query too short to search (the form refuses it) finds nothing."""
    condition = search_condition(query)
    return condition if condition is not None else Q(pk__in=[])


class InvalidCursor(ValueError):
    """A worklist cursor that no page of ours could have produced."""


# Dossier ids are (big) integers: nothing above this exists or fits the column.
MAX_ID = 2**63 - 1
CURSOR_MAX_LENGTH = 64


def parse_cursor(after: str) -> tuple[datetime | None, int]:
    """The (date, id) of a cursor ``<date ISO or '-'>|<id>``: the date is the
    sort's key (the due date unless the list is sorted otherwise).

    Raises InvalidCursor for anything else: garbage, an id that is not a
    positive integer within the column's range, or a date without its offset or
    so near year 1 or 9999 that it cannot be stored in UTC.
    """
    due_text, sep, id_text = after.partition("|")
    if (
        not sep
        or len(after) > CURSOR_MAX_LENGTH
        or not (id_text.isascii() and id_text.isdecimal())
        or not 0 < int(id_text) <= MAX_ID
    ):
        raise InvalidCursor(after)
    if due_text == "-":
        return None, int(id_text)
    try:
        due = datetime.fromisoformat(due_text)
        if due.tzinfo is None:
            raise InvalidCursor(after)
        due.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise InvalidCursor(after) from exc
    return due, int(id_text)


def keyset_page(
    dossiers: QuerySet[Dossier],
    after: str | None,
    size: int = WORKLIST_PAGE_SIZE,
    sort: str = DEFAULT_SORT,
) -> tuple[list[Dossier], str | None]:
    """One page after the cursor ``<date ISO or '-'>|<id>``, and the next cursor.

    ``dossiers`` must be in the order ``sort`` names (``sort_order``); the
    cursor holds that order's date. No COUNT and no OFFSET: the database seeks
    straight to the cursor along the (date, id) order, so page 1000 costs what
    page 1 costs. Empty dates come last in either direction. A cursor that does
    not parse raises InvalidCursor (see ``parse_cursor``).
    """
    key, descending = SORTS.get(sort, SORTS[DEFAULT_SORT])
    if after:
        last_key, last_id = parse_cursor(after)
        beyond, id_beyond = ("lt", "id__lt") if descending else ("gt", "id__gt")
        if last_key is None:
            dossiers = dossiers.filter(
                Q(**{f"{key}__isnull": True}), **{id_beyond: last_id}
            )
        else:
            dossiers = dossiers.filter(
                Q(**{f"{key}__{beyond}": last_key})
                | Q(**{key: last_key, id_beyond: last_id})
                | Q(**{f"{key}__isnull": True})
            )
    rows = list(dossiers[: size + 1])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    last = rows[-1]
    value = getattr(last, key)
    return rows, f"{value.isoformat() if value else '-'}|{last.pk}"


def dashboard_counts(user: Any, windows: DueWindows) -> dict[str, int]:
    """The size of each queue the user works from, each count capped.

    One statement, one scalar subquery per queue: each stops at ``COUNT_CAP``
    rows of an index (selecting a constant, so the queue indexes answer without
    reading the table), where one conditional COUNT over every open dossier
    would read them all.
    """
    visible = dossiers_visible_to(user)
    queues = {
        "intake": visible.filter(state=State.SUBMITTED),
        "received": visible.filter(state=State.RECEIVED),
        "overdue": filter_due_window(visible, "overdue", windows),
        "today": filter_due_window(visible, "today", windows),
        "soon": filter_due_window(visible, "soon", windows),
        "awaiting_supplement": visible.filter(state=State.AWAITING_SUPPLEMENT),
        "processing": visible.filter(state=State.PROCESSING),
        "result_ready": visible.filter(state=State.RESULT_READY),
    }
    return capped_counts(queues)


def capped_counts(queues: dict[str, QuerySet[Dossier]]) -> dict[str, int]:
    """The number of rows of each queryset, each capped at ``COUNT_CAP``, in one
    statement (see ``dashboard_counts``)."""
    if not queues:
        return {}
    columns, params, db = [], [], "default"
    for position, queue in enumerate(queues.values()):
        rows = queue.order_by().values(one=Value(1))[:COUNT_CAP]
        sql, queue_params = rows.query.sql_with_params()
        columns.append(f"(SELECT COUNT(*) FROM ({sql}) AS queue_{position}_rows)")
        params.extend(queue_params)
        db = queue.db
    # PostgreSQL's JIT is off for the portal's connections (settings.DATABASES):
    # these subqueries' summed estimate would pass its threshold.
    with connections[db].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        counts = cursor.fetchone()
    return dict(zip(queues, counts, strict=True))


def staff_dossier(user: Any, pk: int) -> Dossier:
    """One dossier the staff member may see, with what its page shows."""
    return (
        dossiers_visible_to(user)
        .select_related(
            "procedure", "receiving_desk", "deciding_agency", "assignee", "applicant"
        )
        .prefetch_related(
            Prefetch(
                "steps",
                # handled_by: who holds each open parallel branch.
                queryset=DossierStep.objects.select_related(
                    "department", "agency", "handled_by"
                ),
            ),
            Prefetch(
                "transitions",
                queryset=TransitionLog.objects.select_related("actor"),
            ),
            # A linked result passed on names the dossier it came from.
            Prefetch(
                "attachments",
                queryset=Attachment.objects.select_related("source_dossier").defer(
                    "source_dossier__procedure_snapshot", "source_dossier__answers"
                ),
            ),
            "pauses",
            "supplement_requests",
        )
        .get(pk=pk)
    )


# --- the applicant's own dossiers ---------------------------------------------------


def applicant_dossiers(user: Any) -> QuerySet[Dossier]:
    """The applicant's dossiers for their list, newest first, without the snapshot.

    The procedure's name is read from the snapshot in SQL: what the dossier was
    filed under, with no join and no JSON loaded per row.
    """
    return (
        dossiers_visible_to(user)
        .defer("procedure_snapshot")
        .annotate(
            procedure_name=KT("procedure_snapshot__name"),
            procedure_code=KT("procedure_snapshot__code"),
        )
        .order_by("-created_at", "-id")
    )


# What a row of the applicant's list shows (dossiers/my_list.html): a dossier row
# has some sixty columns, JSON among them, and building each one was most of the
# page's time (docs/performance.md).
APPLICANT_ROW_FIELDS = (
    "code",
    "state",
    "submitted_at",
    "created_at",
    "current_due_at",
)


def applicant_rows(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """``applicant_dossiers`` narrowed to the columns its list page shows."""
    return dossiers.only(*APPLICANT_ROW_FIELDS)


def applicant_dossier_pages(user: Any) -> QuerySet[Dossier]:
    """The applicant's dossiers with what each of their pages shows."""
    return (
        dossiers_visible_to(user)
        .select_related(
            "procedure", "receiving_desk__parent", "deciding_agency", "applicant"
        )
        .prefetch_related(
            "attachments",
            Prefetch(
                "transitions",
                queryset=TransitionLog.objects.select_related("actor"),
            ),
            "supplement_requests",
        )
    )


# --- supplements -----------------------------------------------------------------


def open_supplement_request(dossier: Dossier) -> SupplementRequest | None:
    """The request the applicant has still to answer, if any."""
    if dossier.state not in SUPPLEMENT_STATES:
        return None
    requests = [r for r in dossier.supplement_requests.all() if r.answered_at is None]
    return requests[-1] if requests else None


def uploaded_since_request(dossier: Dossier, attachment: Attachment) -> bool:
    request = open_supplement_request(dossier)
    return request is not None and attachment.uploaded_at >= request.requested_at


def papers_still_requested(dossier: Dossier) -> list[dict]:
    """Papers named in the open request that have no new file since it was made."""
    request = open_supplement_request(dossier)
    if request is None:
        return []
    fresh = {
        a.paper_index
        for a in dossier.attachments.all()
        if a.kind == AttachmentKind.PAPER and a.uploaded_at >= request.requested_at
    }
    return [
        item
        for item in request.items
        if item.get("paper_index") is not None and item["paper_index"] not in fresh
    ]


def staff_papers(dossier: Dossier) -> tuple[list[dict[str, Any]], list[Attachment]]:
    """The papers of a dossier with their files and the desk's check, and the
    result files; read from what ``staff_dossier`` prefetched."""
    files: dict[int, list[Attachment]] = {}
    results = []
    for attachment in dossier.attachments.all():
        if attachment.kind == AttachmentKind.RESULT:
            results.append(attachment)
        else:
            files.setdefault(attachment.paper_index, []).append(attachment)
    checks = {c.paper_index: c for c in dossier.paper_checks.all()}
    papers = [
        {
            **paper,
            "files": files.get(paper["index"], []),
            "check": checks.get(paper["index"]),
        }
        for paper in dossier.papers
    ]
    return papers, results


def received_register(user: Any, start: date, end: date) -> QuerySet[Dossier]:
    """Form 07: every dossier ``user`` may see received from ``start`` to ``end``
    (days in the office's time zone, both included), in the order received.

    No cap: the screen pages through it, the PDF and the exports stream all of
    it. Each row carries what the register's columns need, with no query per
    row: the procedure as filed (read from the snapshot in SQL), the deciding
    agency, when the desk transferred the dossier and when the result came back
    to the desk (the move to ``result_ready``), from the transition log.
    """
    first = datetime.combine(start, time.min, tzinfo=OFFICE_TZ)
    after_last = datetime.combine(end + timedelta(days=1), time.min, tzinfo=OFFICE_TZ)
    logs = TransitionLog.objects.filter(dossier=OuterRef("pk"))
    transfer = logs.filter(
        from_state=State.RECEIVED, to_state=State.PROCESSING
    ).order_by("created_at", "id")
    result_back = logs.filter(to_state=State.RESULT_READY).order_by(
        "-created_at", "-id"
    )
    return (
        dossiers_visible_to(user)
        .filter(received_at__gte=first, received_at__lt=after_last)
        .select_related("deciding_agency")
        .only(*REGISTER_FIELDS)
        .annotate(
            procedure_name=KT("procedure_snapshot__name"),
            transferred_at=Subquery(transfer.values("created_at")[:1]),
            result_back_at=Subquery(result_back.values("created_at")[:1]),
        )
        .order_by("received_at", "id")
    )


# What a register row reads; the snapshot JSON and the rest stay in the database.
REGISTER_FIELDS = (
    "code",
    "state",
    "applicant_name",
    "applicant_address",
    "applicant_phone",
    "organisation_name",
    "organisation_tax_code",
    "received_at",
    "due_at",
    "extended_due_at",
    "current_due_at",
    "decided_at",
    "returned_at",
    "timeliness",
    "deciding_agency__name",
    "deciding_agency__short_name",
)


def control_sheet_steps(dossier: Dossier) -> list[DossierStep]:
    """Form 06: the dossier's route steps, with their department (and its agency)
    and who handled each, in one query."""
    return list(
        DossierStep.objects.filter(dossier=dossier)
        .select_related("department__agency", "agency", "handled_by")
        .order_by("position")
    )


def next_step_handlers(dossier: Dossier) -> QuerySet[User]:
    """Who can take the dossier's next step: the people who handle it."""
    index = dossier.current_step_index
    position = 0 if index is None else dossier.stage_end(index) + 1
    # A stage of parallel branches starts with nobody named: each branch's
    # people take their own (docs/interagency.md).
    if position >= len(dossier.route) or len(dossier.stage_positions(position)) > 1:
        return User.objects.none()
    step = dossier.route[position]
    lookup = step_handler_lookup(
        role=step["role"],
        department_id=step.get("department_id"),
        deciding_agency_id=step.get("agency_id") or dossier.deciding_agency_id,
    )
    return User.objects.filter(is_active=True, **lookup)


def current_step_handlers(dossier: Dossier) -> QuerySet[User]:
    """Who can hold the dossier's current step (a leader reassigns among them)."""
    step = dossier.current_step
    if step is None:
        return User.objects.none()
    lookup = step_handler_lookup(
        role=step.role,
        department_id=step.department_id,
        deciding_agency_id=step.agency_id or dossier.deciding_agency_id,
    )
    return User.objects.filter(is_active=True, **lookup).order_by(
        "last_name", "first_name", "username"
    )
