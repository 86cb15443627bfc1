"""Finding the reminders that are due and recording them, one row per reminder.

A scan reads the database at a moment ``now`` and answers, for a working day:

* **due soon** / **due today**: open dossiers (received or processing; a paused
  one waits for the applicant) due within ``REMINDER_DUE_SOON_DAYS`` working days,
  or today, to whoever holds the current step (the assignee, else the step's
  department in the step's role) and to the clerks of the receiving desk;
* **overdue digest**: one message a day per leader of the deciding agency and per
  manager whose agency tree covers the dossier, listing every overdue dossier;
* **Form 04 prompt**: dossiers not yet extended that are due on the next working
  day, to the step's handler (or the deciding agency's leaders), because the
  apology and extension must come at least one working day before the due date;
* **supplement pending** / **result uncollected**: the applicant, a few working
  days after an unanswered supplement request or a result left waiting, then
  again every few working days.

On a non-working day (weekend, holiday, administrator's day off) a scan finds
nothing, and on a make-up Saturday it runs as on any working day.

Every reminder is keyed by (kind, dossier, due date, recipient). Reminders are
recorded (``record_due_reminders``) before anything is sent, with INSERT … ON
CONFLICT DO NOTHING, so two scans at once, or a second scan the same day, add no
row twice. A reminder whose dossier's due date moves gets a new key, and so a
new reminder, as it should. Sending is ``delivery.py``'s job.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from accounts.models import STAFF_ROLES, Role, User
from dossiers import deadlines
from dossiers.models import (
    CLOCK_RUNNING_STATES,
    SUPPLEMENT_STATES,
    Dossier,
    DossierStep,
    State,
    SupplementRequest,
)
from dossiers.rules import is_step_handler, step_handler_lookup
from notifications.delivery import reachable
from procedures.selectors import agency_subtree
from workcalendar.calendar import load_calendar
from workcalendar.types import WorkCalendar

from .models import Kind, Reminder, Status


def reminder_key(
    kind: str, dossier_id: int | None, due_on: date, recipient_id: int | None
) -> str:
    """The unique key of a reminder: kind, dossier, due date and recipient."""
    who = f"u{recipient_id}" if recipient_id else "applicant"
    return f"{kind}:{dossier_id or '-'}:{due_on.isoformat()}:{who}"


@dataclass(frozen=True)
class Rules:
    """The configurable parts of the rules, from settings."""

    due_soon_days: int
    supplement_after_days: int
    supplement_repeat_days: int
    result_after_days: int
    result_repeat_days: int
    staff_channels: tuple[str, ...]
    applicant_channels: tuple[str, ...]

    @classmethod
    def from_settings(cls) -> Rules:
        return cls(
            due_soon_days=settings.REMINDER_DUE_SOON_DAYS,
            supplement_after_days=settings.REMINDER_SUPPLEMENT_AFTER_DAYS,
            supplement_repeat_days=settings.REMINDER_SUPPLEMENT_REPEAT_DAYS,
            result_after_days=settings.REMINDER_RESULT_AFTER_DAYS,
            result_repeat_days=settings.REMINDER_RESULT_REPEAT_DAYS,
            staff_channels=tuple(settings.NOTICE_CHANNELS["staff"]),
            applicant_channels=tuple(settings.NOTICE_CHANNELS["applicant"]),
        )


@dataclass(frozen=True)
class DueReminder:
    """A reminder the scan found due, not yet recorded."""

    kind: str
    due_on: date
    recipient: User | None
    recipient_name: str
    email: str = ""
    phone: str = ""
    language: str = "vi"
    dossier_id: int | None = None
    digest: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        return reminder_key(
            self.kind,
            self.dossier_id,
            self.due_on,
            self.recipient.pk if self.recipient else None,
        )

    def reachable(self, channels: Iterable[str]) -> bool:
        """Whether at least one enabled channel can reach the recipient."""
        return reachable(
            channels,
            has_account=self.recipient is not None,
            email=self.email,
            phone=self.phone,
        )

    def as_row(self) -> Reminder:
        return Reminder(
            key=self.key,
            kind=self.kind,
            dossier_id=self.dossier_id,
            due_on=self.due_on,
            recipient=self.recipient,
            recipient_name=self.recipient_name[:150],
            email=self.email,
            phone=self.phone[:20],
            language=self.language or "vi",
            digest=list(self.digest),
        )


@dataclass
class Scan:
    """What one scan at ``now`` found; ``pending`` is filled once recorded."""

    now: datetime
    today: date
    working_day: bool
    due: list[DueReminder] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(reminder.kind for reminder in self.due)


# --- the scan -------------------------------------------------------------------


def find_due_reminders(now: datetime, rules: Rules | None = None) -> Scan:
    """Every reminder due at ``now``, whether or not it was recorded before.

    Reads only: nothing is written (``preview``, the dry run, builds on it).
    """
    rules = rules or Rules.from_settings()
    today = _local(now).date()
    calendar = load_calendar({today.year})
    if not calendar.is_working_day(today):
        return Scan(now=now, today=today, working_day=False)
    waiting = _waiting_for_applicant()
    oldest = min((_local(since).year for _d, since, _k in waiting), default=today.year)
    if oldest < today.year:
        # Counting working days back to an old request needs every year between.
        calendar = load_calendar(range(oldest, today.year + 1))
    found: dict[str, DueReminder] = {}
    for reminder in _staff_reminders(now, today, calendar, rules):
        if reminder.reachable(rules.staff_channels):
            found.setdefault(reminder.key, reminder)
    for reminder in _applicant_reminders(waiting, today, calendar, rules):
        if reminder.reachable(rules.applicant_channels):
            found.setdefault(reminder.key, reminder)
    return Scan(now=now, today=today, working_day=True, due=list(found.values()))


def record_due_reminders(now: datetime, rules: Rules | None = None) -> Scan:
    """Record every reminder due at ``now``, then list all pending reminders.

    The pending list holds this scan's new rows and any earlier row still
    unsent (a worker died between recording and sending, or a channel failed),
    so the next scan picks those up again. On a non-working day nothing is
    recorded and nothing is listed.
    """
    scan = find_due_reminders(now, rules)
    if not scan.working_day:
        return scan
    # Sorted keys: concurrent scans insert in the same order, so they wait for
    # each other on the unique index instead of deadlocking.
    rows = [reminder.as_row() for reminder in sorted(scan.due, key=lambda r: r.key)]
    with transaction.atomic():
        Reminder.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    scan.pending = pending_reminder_ids()
    return scan


def pending_reminder_ids() -> list[int]:
    return list(
        Reminder.objects.filter(status=Status.PENDING)
        .order_by("id")
        .values_list("id", flat=True)
    )


def preview(now: datetime, rules: Rules | None = None) -> Counter[str] | None:
    """How many reminders of each kind a run at ``now`` would send; writes nothing.

    That is the due reminders not yet recorded, plus the pending rows that still
    apply (a real run sends those too). None on a non-working day.
    """
    scan = find_due_reminders(now, rules)
    if not scan.working_day:
        return None
    keys = [reminder.key for reminder in scan.due]
    recorded: set[str] = set()
    for start in range(0, len(keys), 500):
        recorded.update(
            Reminder.objects.filter(key__in=keys[start : start + 500]).values_list(
                "key", flat=True
            )
        )
    counts = Counter(r.kind for r in scan.due if r.key not in recorded)
    pending = Reminder.objects.filter(status=Status.PENDING).select_related("dossier")
    counts.update(reminder.kind for reminder in pending if still_due(reminder))
    return counts


def still_due(reminder: Reminder) -> bool:
    """Whether a recorded reminder still applies: its dossier has not moved on.

    Checked again just before sending, because a reminder left pending (a retry,
    a crash) may be sent hours later: a dossier returned, extended or supplemented
    since then must not be chased.
    """
    if reminder.kind == Kind.OVERDUE_DIGEST:
        return Dossier.objects.filter(
            pk__in=reminder.digest, state__in=CLOCK_RUNNING_STATES
        ).exists()
    dossier = reminder.dossier
    if dossier is None:
        return False
    if reminder.kind in (Kind.DUE_SOON, Kind.DUE_TODAY, Kind.FORM_04):
        if dossier.state not in CLOCK_RUNNING_STATES or dossier.current_due_at is None:
            return False
        if _local(dossier.current_due_at).date() != reminder.due_on:
            return False
        return reminder.kind != Kind.FORM_04 or dossier.extended_due_at is None
    if reminder.kind == Kind.SUPPLEMENT_PENDING:
        return dossier.state in SUPPLEMENT_STATES
    if reminder.kind == Kind.RESULT_UNCOLLECTED:
        return dossier.state == State.RESULT_READY
    return False


def latest_slot(
    start: date, today: date, after: int, every: int, calendar: WorkCalendar
) -> date | None:
    """The latest reminder day up to ``today`` for something waiting since ``start``.

    Reminder days are the ``after``-th working day after ``start`` and then every
    ``every`` working days (never again when ``every`` is 0). Keying a reminder
    by its day, not by the scan's, means a missed scan is made up by the next one
    and a rerun the same day sends nothing new.
    """
    slot, count, day = None, 0, start
    while True:
        day = calendar.next_working_day(day)
        if day > today:
            return slot
        count += 1
        if count == after or (
            every > 0 and count > after and (count - after) % every == 0
        ):
            slot = day


# --- staff ----------------------------------------------------------------------


class _Staff:
    """Active staff grouped the ways the rules look them up; one query a scan."""

    def __init__(self) -> None:
        self.by_id: dict[int, User] = {}
        self.by_agency: dict[tuple[int | None, str], list[User]] = defaultdict(list)
        self.by_role: dict[str, list[User]] = defaultdict(list)
        self.managers: list[tuple[User, set[int]]] = []
        users = User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("pk")
        for user in users:
            self.by_id[user.pk] = user
            self.by_agency[(user.agency_id, user.role)].append(user)
            self.by_role[user.role].append(user)
            if user.role == Role.MANAGER:
                # The same scope rule as the manager's worklist (selectors).
                self.managers.append((user, agency_subtree(user.agency_id)))

    def step_handlers(self, dossier: Dossier) -> list[User]:
        """The assignee of the current step, else its department in its role; on
        a stage of parallel branches, each open branch's (docs/interagency.md)."""
        branches = getattr(dossier, "open_branches", None)
        if branches:
            return _unique(
                [
                    person
                    for branch in branches
                    for person in self._branch_handlers(dossier, branch)
                ]
            )
        assignee = self.by_id.get(dossier.assignee_id or 0)
        if assignee is not None:
            return [assignee]
        role = getattr(dossier, "step_role", None)
        if not role:
            return []
        # The same rule as the step's permission (dossiers.rules).
        lookup = step_handler_lookup(
            role=role,
            department_id=getattr(dossier, "step_department_id", None),
            deciding_agency_id=_holding_agency_id(dossier),
        )
        return [user for user in self.by_role[role] if is_step_handler(user, lookup)]

    def _branch_handlers(self, dossier: Dossier, branch: dict) -> list[User]:
        holder = self.by_id.get(branch["handled_by_id"] or 0)
        if holder is not None:
            return [holder]
        lookup = step_handler_lookup(
            role=branch["role"],
            department_id=branch["department_id"],
            deciding_agency_id=branch["agency_id"] or dossier.deciding_agency_id,
        )
        return [
            user
            for user in self.by_role[branch["role"]]
            if is_step_handler(user, lookup)
        ]

    def clerks(self, dossier: Dossier) -> list[User]:
        return self.by_agency[(dossier.receiving_desk_id, Role.CLERK)]

    def leaders(self, dossier: Dossier) -> list[User]:
        branches = getattr(dossier, "open_branches", None)
        if branches:
            # Every agency holding an open branch of a parallel stage.
            agencies = dict.fromkeys(
                branch["agency_id"] or dossier.deciding_agency_id for branch in branches
            )
            return _unique(
                [
                    user
                    for agency in agencies
                    for user in self.by_agency[(agency, Role.LEADER)]
                ]
            )
        return self.by_agency[(_holding_agency_id(dossier), Role.LEADER)]

    def overseers(self, dossier: Dossier) -> list[User]:
        """Leaders of the deciding agency and managers whose tree covers it."""
        managers = [
            user
            for user, scope in self.managers
            if dossier.receiving_desk_id in scope or dossier.deciding_agency_id in scope
        ]
        return _unique([*self.leaders(dossier), *managers])


def _holding_agency_id(dossier: Dossier) -> int | None:
    """The agency holding the current step: on an inter-agency route its own
    (docs/interagency.md), else the deciding agency."""
    return getattr(dossier, "step_agency_id", None) or dossier.deciding_agency_id


def _with_open_branches(dossiers: list[Dossier], horizon: datetime) -> list[Dossier]:
    """Mark the dossiers at a stage of parallel branches with their open
    branches (``open_branches``), so each branch's agency is reminded: two
    queries, the first finding only stages with a second branch still open."""
    parallel = set(
        DossierStep.objects.filter(
            dossier__state__in=CLOCK_RUNNING_STATES,
            dossier__current_due_at__lte=horizon,
            stage=F("dossier__current_step_index"),
            finished_at__isnull=True,
        )
        .exclude(position=F("stage"))
        .values_list("dossier_id", flat=True)
    )
    if not parallel:
        return dossiers
    branches: dict[int, list[dict]] = defaultdict(list)
    for row in (
        DossierStep.objects.filter(
            dossier_id__in=parallel,
            stage=F("dossier__current_step_index"),
            finished_at__isnull=True,
        )
        .order_by("position")
        .values("dossier_id", "role", "department_id", "agency_id", "handled_by_id")
    ):
        branches[row["dossier_id"]].append(row)
    for dossier in dossiers:
        if dossier.pk in branches:
            dossier.open_branches = branches[dossier.pk]
    return dossiers


def _staff_reminders(
    now: datetime, today: date, calendar: WorkCalendar, rules: Rules
) -> list[DueReminder]:
    soon_day = deadlines.due_soon_until(now, rules.due_soon_days, calendar).date()
    next_day = calendar.next_working_day(today)
    horizon = calendar.at(max(soon_day, next_day), time.max)
    current_step = DossierStep.objects.filter(
        dossier=OuterRef("pk"), position=OuterRef("current_step_index")
    )
    # Indexed on (state, current_due_at); overdue dossiers come along for the digest.
    dossiers = (
        Dossier.objects.filter(
            state__in=CLOCK_RUNNING_STATES, current_due_at__lte=horizon
        )
        .only(
            "id",
            "state",
            "current_due_at",
            "extended_due_at",
            "receiving_desk_id",
            "deciding_agency_id",
            "assignee_id",
            "current_step_index",
        )
        .annotate(
            step_role=Subquery(current_step.values("role")[:1]),
            step_department_id=Subquery(current_step.values("department_id")[:1]),
            step_agency_id=Subquery(current_step.values("agency_id")[:1]),
        )
        .order_by("current_due_at", "id")
    )
    dossiers = _with_open_branches(list(dossiers), horizon)
    staff = _Staff()
    found: list[DueReminder] = []
    overdue: dict[int, list[int]] = defaultdict(list)
    for dossier in dossiers:
        if dossier.current_due_at < now:
            for person in staff.overseers(dossier):
                overdue[person.pk].append(dossier.pk)
            continue
        due_day = _local(dossier.current_due_at).date()
        handlers = staff.step_handlers(dossier)
        kind = (
            Kind.DUE_TODAY
            if due_day == today
            else Kind.DUE_SOON
            if due_day <= soon_day
            else None
        )
        if kind is not None:
            for person in _unique([*handlers, *staff.clerks(dossier)]):
                found.append(_for_staff(kind, due_day, person, dossier.pk))
        if dossier.extended_due_at is None and due_day == next_day:
            # Not yet assigned to anyone who can extend: the agency's leaders can.
            for person in handlers or staff.leaders(dossier):
                found.append(_for_staff(Kind.FORM_04, due_day, person, dossier.pk))
    for person_id, dossier_ids in overdue.items():
        found.append(
            _for_staff(
                Kind.OVERDUE_DIGEST,
                today,
                staff.by_id[person_id],
                None,
                digest=tuple(dossier_ids),
            )
        )
    return found


def _for_staff(
    kind: str,
    due_on: date,
    person: User,
    dossier_id: int | None,
    digest: tuple[int, ...] = (),
) -> DueReminder:
    return DueReminder(
        kind=kind,
        due_on=due_on,
        recipient=person,
        recipient_name=str(person),
        email=person.email,
        phone=person.phone,
        language=person.preferred_language,
        dossier_id=dossier_id,
        digest=digest,
    )


# --- applicants -----------------------------------------------------------------


def _waiting_for_applicant() -> list[tuple[Dossier, datetime, str]]:
    """Dossiers waiting for their applicant, with since when and the reminder kind."""
    open_request = SupplementRequest.objects.filter(
        dossier=OuterRef("pk"), answered_at__isnull=True
    ).order_by("-requested_at")
    waiting = (
        Dossier.objects.filter(state__in=SUPPLEMENT_STATES)
        .annotate(requested_at=Subquery(open_request.values("requested_at")[:1]))
        .select_related("applicant")
        .defer("procedure_snapshot")
        .order_by("id")
    )
    ready = (
        Dossier.objects.filter(state=State.RESULT_READY, decided_at__isnull=False)
        .select_related("applicant")
        .defer("procedure_snapshot")
        .order_by("id")
    )
    rows = [
        (dossier, dossier.requested_at, Kind.SUPPLEMENT_PENDING)
        for dossier in waiting
        if dossier.requested_at is not None
    ]
    rows += [
        (dossier, dossier.decided_at, Kind.RESULT_UNCOLLECTED) for dossier in ready
    ]
    return rows


def _applicant_reminders(
    waiting: list[tuple[Dossier, datetime, str]],
    today: date,
    calendar: WorkCalendar,
    rules: Rules,
) -> list[DueReminder]:
    found = []
    for dossier, since, kind in waiting:
        if kind == Kind.SUPPLEMENT_PENDING:
            after, every = rules.supplement_after_days, rules.supplement_repeat_days
        else:
            after, every = rules.result_after_days, rules.result_repeat_days
        slot = latest_slot(_local(since).date(), today, after, every, calendar)
        if slot is None:
            continue
        account = dossier.applicant if dossier.applicant_id else None
        if account is not None and not account.is_active:
            account = None
        found.append(
            DueReminder(
                kind=kind,
                due_on=slot,
                recipient=account,
                recipient_name=dossier.applicant_name,
                email=dossier.applicant_email or getattr(account, "email", ""),
                phone=dossier.applicant_phone or getattr(account, "phone", ""),
                language=dossier.applicant_language or "vi",
                dossier_id=dossier.pk,
            )
        )
    return found


# --- helpers --------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    # The calendar's zone, not whichever one is active: a UTC date is the wrong day
    # for seven hours of every day.
    return timezone.localtime(moment, timezone.get_default_timezone())


def _unique(users: Iterable[User]) -> list[User]:
    seen: set[int] = set()
    unique = []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            unique.append(user)
    return unique
