"""What each dossier adds to the statistics, day by day: the one definition that
the summary rows, the live day and the full recompute all use."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from dossiers import deadlines
from dossiers.models import (
    Attachment,
    AttachmentKind,
    Dossier,
    Outcome,
    PaperReceipt,
    Pause,
    State,
    TransitionLog,
)
from feedback.models import Complaint, Rating, is_dissatisfied
from workcalendar.calendar import load_calendar
from workcalendar.types import OFFICE_TZ, WorkCalendar

# The counters of a summary row, each a number of dossiers.
COUNTERS = (
    "received",
    "online",
    "returned",
    "denied",
    "refused",
    "stopped",
    "withdrawn",
    "early",
    "on_time",
    "late",
    "digitised",
    "rated",
    "satisfied",
    "complaints",
    "complained_after_rating",
)
# Closing a received dossier: it is no longer open.
CLOSERS = ("returned", "denied", "stopped")
TWO_PLACES = Decimal("0.01")
TENTH = Decimal("0.1")

# (deciding agency, receiving desk, procedure, channel)
Key = tuple[int, int, int, str]


@dataclass
class Figures:
    """Additive figures of a set of dossiers: counters, the processing time of the
    returned ones (total and distribution) and the rating scores: per criterion
    code, the sum of its scores and how many ratings scored it (the criteria asked
    change over time, so not every rating scores every criterion)."""

    counts: Counter[str] = field(default_factory=Counter)
    processing_days: Decimal = Decimal(0)
    histogram: Counter[str] = field(default_factory=Counter)
    criteria: Counter[str] = field(default_factory=Counter)
    criteria_counts: Counter[str] = field(default_factory=Counter)

    def add(self, other: Figures) -> Figures:
        self.counts.update(other.counts)
        self.processing_days += other.processing_days
        self.histogram.update(other.histogram)
        self.criteria.update(other.criteria)
        self.criteria_counts.update(other.criteria_counts)
        return self

    def __getitem__(self, name: str) -> int:
        return self.counts[name]

    def as_comparable(self) -> tuple:
        """The figures without zero entries, to compare two ways of computing them."""
        return (
            tuple(sorted((k, v) for k, v in self.counts.items() if v)),
            self.processing_days,
            tuple(sorted((k, v) for k, v in self.histogram.items() if v)),
            tuple(sorted((k, v) for k, v in self.criteria.items() if v)),
            tuple(sorted((k, v) for k, v in self.criteria_counts.items() if v)),
        )


@dataclass(frozen=True)
class Fact:
    day: date
    key: Key
    figures: Figures


def local_day(moment: datetime) -> date:
    return moment.astimezone(OFFICE_TZ).date()


def processing_working_days(
    received_at: datetime,
    returned_at: datetime,
    pauses: Iterable[tuple[datetime, datetime | None]],
    calendar: WorkCalendar,
) -> Decimal:
    """Office time from receipt to the result handed back, less the time paused
    waiting for the applicant, in working days (8 office hours each), 2 places."""
    total = deadlines.working_time_between(received_at, returned_at, calendar)
    intervals = sorted(
        (max(start, received_at), min(end or returned_at, returned_at))
        for start, end in pauses
    )
    merged_start: datetime | None = None
    merged_end: datetime | None = None
    for start, end in intervals:
        if end <= start:
            continue
        if merged_end is not None and start <= merged_end:
            merged_end = max(merged_end, end)
            continue
        if merged_start is not None and merged_end is not None:
            total -= deadlines.working_time_between(merged_start, merged_end, calendar)
        merged_start, merged_end = start, end
    if merged_start is not None and merged_end is not None:
        total -= deadlines.working_time_between(merged_start, merged_end, calendar)
    per_day = calendar.office_hours.per_day
    days = Decimal(max(total, timedelta(0)) / timedelta(seconds=1)) / Decimal(
        per_day / timedelta(seconds=1)
    )
    return days.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def histogram_bucket(days: Decimal) -> str:
    return str(days.quantize(TENTH, rounding=ROUND_HALF_UP))


def bucket_tenths(bucket: str) -> int:
    """ "2.5" → 25: the histogram's key as stored in ``ProcessingTimeCount``."""
    return int(Decimal(bucket) * 10)


@functools.lru_cache(maxsize=4096)
def tenths_bucket(tenths: int) -> str:
    """25 → "2.5" (a year's histograms read thousands of rows of a few hundred
    distinct values)."""
    return histogram_bucket(Decimal(tenths) / 10)


def is_satisfied(scores: dict[str, int]) -> bool:
    """Not dissatisfied: the average of the criteria scored is 3 or more (the
    rating's own rule, ``feedback.models.is_dissatisfied``). A complaint about the
    dossier withdraws it (``facts_of``)."""
    return not is_dissatisfied(scores)


@dataclass
class DossierRecord:
    """What the facts of one dossier are computed from (read in bulk)."""

    pk: int
    key: Key
    state: str
    outcome: str
    timeliness: str
    submitted_at: datetime | None
    received_at: datetime | None
    returned_at: datetime | None
    closed_at: datetime | None
    mandatory_papers: frozenset[int]
    pauses: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    papers_received: set[int] = field(default_factory=set)
    papers_filed: set[int] = field(default_factory=set)
    has_result_file: bool = False
    rating: dict[str, Any] | None = None
    complaints: list[datetime] = field(default_factory=list)

    @property
    def is_digitised(self) -> bool:
        """Every paper the dossier holds (received at the desk, or mandatory) is
        stored as a file, and so is its result."""
        papers = self.papers_received | self.mandatory_papers
        return self.has_result_file and papers <= self.papers_filed


def facts_of(record: DossierRecord, calendar: WorkCalendar) -> Iterator[Fact]:
    """The dossier's contribution to each day: received, resolved, rated."""
    if record.received_at is not None:
        yield Fact(
            local_day(record.received_at),
            record.key,
            Figures(Counter(received=1, online=int(record.key[3] == "online"))),
        )
    if record.state == State.RETURNED and record.returned_at is not None:
        kind = "denied" if record.outcome == Outcome.DENIED else "returned"
        counts = Counter({kind: 1, record.timeliness: 1})
        days = Decimal(0)
        histogram: Counter[str] = Counter()
        if record.received_at is not None:
            days = processing_working_days(
                record.received_at, record.returned_at, record.pauses, calendar
            )
            histogram[histogram_bucket(days)] = 1
        if record.is_digitised:
            counts["digitised"] = 1
        yield Fact(
            local_day(record.returned_at),
            record.key,
            Figures(counts, days, histogram),
        )
    elif record.closed_at is not None:
        kind = {
            State.REFUSED: "refused",
            State.STOPPED: "stopped",
            State.WITHDRAWN: "withdrawn",
        }.get(record.state)
        # A draft withdrawn before it was ever sent never reached the centre.
        if kind and (kind != "withdrawn" or record.submitted_at is not None):
            yield Fact(
                local_day(record.closed_at), record.key, Figures(Counter({kind: 1}))
            )
    complained = sorted(record.complaints)
    for moment in complained:
        yield Fact(local_day(moment), record.key, Figures(Counter(complaints=1)))
    if record.rating is not None:
        # Satisfied: a good score and no complaint by the time of the rating. A
        # complaint after a satisfied rating withdraws it on the complaint's day
        # (``complained_after_rating``), so a finished day never changes.
        rated_at = record.rating["created_at"]
        scores = record.rating["scores"] or {}
        before = any(moment <= rated_at for moment in complained)
        satisfied = is_satisfied(scores) and not before
        counts = Counter(rated=1, satisfied=int(satisfied))
        yield Fact(
            local_day(rated_at),
            record.key,
            Figures(
                counts,
                criteria=Counter(scores),
                criteria_counts=Counter(dict.fromkeys(scores, 1)),
            ),
        )
        later = [moment for moment in complained if moment > rated_at]
        if satisfied and later:
            yield Fact(
                local_day(later[0]),
                record.key,
                Figures(Counter(complained_after_rating=1)),
            )


# --- reading the dossiers in bulk ------------------------------------------------

CHUNK = 2000


def touched_since(moment: datetime) -> list[int]:
    """Dossiers that may have a fact on or after ``moment``: every fact is dated by
    a transition (logged with its time, on an index), a rating or a complaint.
    Three small reads of ids, so the dossier table is only read by primary key."""
    ids = set(
        TransitionLog.objects.filter(created_at__gte=moment).values_list(
            "dossier_id", flat=True
        )
    )
    ids |= set(
        Rating.objects.filter(created_at__gte=moment).values_list(
            "dossier_id", flat=True
        )
    )
    ids |= set(
        Complaint.objects.filter(created_at__gte=moment).values_list(
            "dossier_id", flat=True
        )
    )
    return sorted(ids)


def records(dossiers: Any) -> Iterator[DossierRecord]:
    """``DossierRecord`` of each dossier of the queryset (or list of ids), a chunk
    at a time (six queries a chunk, whatever its size)."""
    ids = (
        dossiers
        if isinstance(dossiers, list)
        else list(dossiers.order_by().values_list("pk", flat=True))
    )
    for start in range(0, len(ids), CHUNK):
        yield from _chunk(ids[start : start + CHUNK])


def _chunk(ids: list[int]) -> Iterator[DossierRecord]:
    rows = Dossier.objects.filter(pk__in=ids).values(
        "pk",
        "deciding_agency_id",
        "receiving_desk_id",
        "procedure_id",
        "channel",
        "state",
        "outcome",
        "timeliness",
        "submitted_at",
        "received_at",
        "returned_at",
        "closed_at",
        "procedure_snapshot",
    )
    found: dict[int, DossierRecord] = {}
    for row in rows:
        papers = row["procedure_snapshot"].get("papers", [])
        found[row["pk"]] = DossierRecord(
            pk=row["pk"],
            key=(
                row["deciding_agency_id"],
                row["receiving_desk_id"],
                row["procedure_id"],
                row["channel"],
            ),
            state=row["state"],
            outcome=row["outcome"],
            timeliness=row["timeliness"],
            submitted_at=row["submitted_at"],
            received_at=row["received_at"],
            returned_at=row["returned_at"],
            closed_at=row["closed_at"],
            mandatory_papers=frozenset(
                p["index"] for p in papers if p.get("mandatory")
            ),
        )
    for dossier_id, paused_at, resumed_at in Pause.objects.filter(
        dossier_id__in=ids
    ).values_list("dossier_id", "paused_at", "resumed_at"):
        found[dossier_id].pauses.append((paused_at, resumed_at))
    for dossier_id, index in PaperReceipt.objects.filter(
        dossier_id__in=ids
    ).values_list("dossier_id", "paper_index"):
        found[dossier_id].papers_received.add(index)
    for dossier_id, kind, index in Attachment.objects.filter(
        dossier_id__in=ids
    ).values_list("dossier_id", "kind", "paper_index"):
        if kind == AttachmentKind.RESULT:
            found[dossier_id].has_result_file = True
        elif index is not None:
            found[dossier_id].papers_filed.add(index)
    for rating in Rating.objects.filter(dossier_id__in=ids).values(
        "dossier_id", "created_at", "scores"
    ):
        found[rating["dossier_id"]].rating = rating
    for dossier_id, created_at in Complaint.objects.filter(
        dossier_id__in=ids
    ).values_list("dossier_id", "created_at"):
        found[dossier_id].complaints.append(created_at)
    yield from found.values()


class Calendars:
    """The working calendar covering the years asked for so far, loaded again only
    when an older year is needed (a dossier received long before it was closed)."""

    def __init__(self) -> None:
        self.first_year: int | None = None
        self.calendar: WorkCalendar | None = None

    def covering(self, moment: datetime | None) -> WorkCalendar:
        year = local_day(moment).year if moment else timezone.localdate().year
        if self.calendar is None or self.first_year is None or year < self.first_year:
            self.first_year = min(year, self.first_year or year)
            last = max(timezone.localdate().year, year)
            self.calendar = load_calendar(range(self.first_year, last + 1))
        return self.calendar


def collect(
    dossiers: Any, *, since: date | None = None
) -> dict[tuple[date, Key], Figures]:
    """The facts of ``dossiers`` summed per day and key (days from ``since`` on)."""
    summed: dict[tuple[date, Key], Figures] = {}
    calendars = Calendars()
    for record in records(dossiers):
        calendar = calendars.covering(record.received_at)
        for fact in facts_of(record, calendar):
            if since is not None and fact.day < since:
                continue
            summed.setdefault((fact.day, fact.key), Figures()).add(fact.figures)
    return summed
