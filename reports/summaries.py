"""Keeping the summary rows: an idempotent rebuild of whole days from the dossiers.

Why a rebuild and not an update in each transition's transaction: the transitions
live in ``dossiers`` (a lower layer, which must not know about statistics), some
facts are not transitions at all (a rating, a file scanned after receipt), and a
counter row per day and key updated by every transition would be a hot row that
serialises the busiest desks. A finished day never changes (every fact is dated by
the transition, rating or complaint that made it), so the beat task rebuilds the
days since the last build, plus a few days back to absorb late edits, and the
current day is
computed live from the dossiers touched since (``live_figures``), found through
the transition log's index on its time.
"""

from __future__ import annotations

import hashlib
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Min, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dossiers.models import Dossier, TransitionLog
from feedback.models import Complaint, Rating
from workcalendar.types import OFFICE_TZ

from .facts import (
    COUNTERS,
    Figures,
    Key,
    bucket_tenths,
    collect,
    touched_since,
)
from .models import (
    DailySummary,
    MonthlyProcessingTimeCount,
    MonthlySummary,
    ProcessingTimeCount,
    SummaryState,
)

Collected = dict[tuple[date, Key], Figures]


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=OFFICE_TZ)


def lookback_days() -> int:
    return getattr(settings, "REPORTS_REBUILD_LOOKBACK_DAYS", 3)


def state() -> SummaryState:
    found = SummaryState.objects.order_by("pk").first()
    return found or SummaryState.objects.create()


def built_through() -> date | None:
    found = SummaryState.objects.order_by("pk").values_list("built_through", flat=True)
    return next(iter(found), None)


def summary_rows(
    collected: Collected,
) -> tuple[list[DailySummary], list[ProcessingTimeCount]]:
    rows, times = [], []
    for (day, (agency, desk, procedure, channel)), figures in collected.items():
        key = {
            "day": day,
            "deciding_agency_id": agency,
            "receiving_desk_id": desk,
            "procedure_id": procedure,
            "channel": channel,
        }
        rows.append(
            DailySummary(
                **key,
                processing_days=figures.processing_days,
                criteria_totals=dict(figures.criteria),
                criteria_counts=dict(figures.criteria_counts),
                **{name: figures.counts[name] for name in COUNTERS},
            )
        )
        times.extend(
            ProcessingTimeCount(**key, tenths=bucket_tenths(bucket), dossiers=count)
            for bucket, count in figures.histogram.items()
            if count
        )
    return rows, times


# --- caching what is read ------------------------------------------------------------
#
# The rows of the built days change only when a rebuild writes them, so a sum over
# them is cached under the current *generation*, which every rebuild renews; and
# the live days, computed from the dossiers touched since the last build (thousands
# on a busy day), are computed by a beat task every minute and read from the cache
# while they are younger than REPORTS_LIVE_MAX_AGE_SECONDS (default 60), or while
# nothing happened since (no new transition, rating nor complaint).

GENERATION_KEY = "reports:summaries:generation"


def generation() -> str:
    """The current generation of the summary rows (a token in the cache)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid4().hex, None)
        value = cache.get(GENERATION_KEY) or "none"
    return value


def new_generation() -> None:
    """Forget every cached sum: now, and again when the rebuild commits (a reader
    between the two may have cached the rows being replaced)."""
    cache.set(GENERATION_KEY, uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, uuid4().hex, None))


T = TypeVar("T")


def summary_cache_seconds() -> int:
    return getattr(settings, "REPORTS_SUMMARY_CACHE_SECONDS", 3600)


def live_max_age() -> int:
    return getattr(settings, "REPORTS_LIVE_MAX_AGE_SECONDS", 60)


def cached_figures(
    name: str, described: tuple, compute: Callable[[], T], seconds: int | None = None
) -> T:
    """``compute()`` kept ``seconds`` (``live_max_age()`` unless given) in the
    shared cache under ``name`` and what it was computed for (``described``:
    dates, scope); computed every time with 0."""
    seconds = live_max_age() if seconds is None else seconds
    if not seconds:
        return compute()
    digest = hashlib.sha256(repr(described).encode()).hexdigest()
    key = f"reports:{name}:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return found


@dataclass(frozen=True)
class LiveDays:
    """The live days' figures as computed at ``computed_at`` (monotonic seconds
    are not shared between processes: a wall-clock timestamp), and the newest
    transition, rating and complaint then, which say whether anything happened
    since."""

    since: date
    computed_at: float
    stamp: tuple[int | None, int | None, int | None]
    collected: Collected


def activity_stamp() -> tuple[int | None, int | None, int | None]:
    """The newest transition, rating and complaint (three index reads)."""
    return (
        TransitionLog.objects.aggregate(last=Max("pk"))["last"],
        Rating.objects.aggregate(last=Max("pk"))["last"],
        Complaint.objects.aggregate(last=Max("pk"))["last"],
    )


def live_key(since: date) -> str:
    return f"reports:live:{since.isoformat()}"


def compute_live(since: date) -> Collected:
    """Compute the live days from ``since`` and keep them in the cache."""
    stamp = activity_stamp()
    collected = live_figures(since)
    cache.set(
        live_key(since),
        LiveDays(since, clock.time(), stamp, collected),
        max(live_max_age(), 60) * 5,
    )
    return collected


def cached_live_figures(since: date) -> Collected:
    """The live days' figures: from the cache when young enough or when nothing
    happened since they were computed, else computed now."""
    found = cache.get(live_key(since))
    if found is not None:
        young = clock.time() - found.computed_at <= live_max_age()
        if young or found.stamp == activity_stamp():
            return found.collected
    return compute_live(since)


def refresh_live() -> int:
    """The beat task's work every minute: the live days computed ahead of the
    pages, so that no page waits for them. Returns the number of keys."""
    built = built_through()
    since = built + timedelta(days=1) if built is not None else date(1970, 1, 1)
    return len(compute_live(since))


def store(collected: Collected) -> int:
    rows, times = summary_rows(collected)
    DailySummary.objects.bulk_create(rows, batch_size=2000)
    ProcessingTimeCount.objects.bulk_create(times, batch_size=2000)
    return len(rows)


# --- the monthly rollup ----------------------------------------------------------
#
# A year's statistics summed from the daily rows read some three hundred rows a key
# (0.8 s at a million dossiers); the monthly rows hold the same sums, twelve a key.
# A month's row holds its days built so far, so it stands for the month up to
# ``built_through``; it is rebuilt from the daily rows whenever any of its days is.

KEY_FIELDS = ("deciding_agency_id", "receiving_desk_id", "procedure_id", "channel")


def month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def roll_up(
    first: date,
    last: date,
    *,
    daily: type = DailySummary,
    monthly: type = MonthlySummary,
    daily_times: type = ProcessingTimeCount,
    monthly_times: type = MonthlyProcessingTimeCount,
) -> int:
    """Replace the monthly rows of the months from ``first``'s to ``last``'s by
    the sums of their daily rows; returns the number of monthly rows. (The models
    are parameters for the migration that first fills them.)"""
    start, end = first.replace(day=1), month_end(last)
    monthly.objects.filter(day__gte=start, day__lte=end).delete()
    monthly_times.objects.filter(day__gte=start, day__lte=end).delete()
    rows = daily.objects.filter(day__gte=start, day__lte=end).order_by()
    sums = {f"sum_{name}": Sum(name) for name in (*COUNTERS, "processing_days")}
    found: dict[tuple, MonthlySummary] = {}
    for row in (
        rows.annotate(month=TruncMonth("day"))
        .values("month", *KEY_FIELDS)
        .annotate(**sums)
    ):
        key = (_day(row["month"]), *(row[name] for name in KEY_FIELDS))
        found[key] = monthly(
            day=key[0],
            **{name: row[name] for name in KEY_FIELDS},
            **{name: row[f"sum_{name}"] for name in (*COUNTERS, "processing_days")},
            criteria_totals={},
            criteria_counts={},
        )
    # The rating scores are JSON (one total per criterion): summed here, from
    # the few rows with ratings.
    for day, *key, totals, counts in rows.filter(rated__gt=0).values_list(
        "day", *KEY_FIELDS, "criteria_totals", "criteria_counts"
    ):
        target = found[(day.replace(day=1), *key)]
        for into, scores in (
            (target.criteria_totals, totals),
            (target.criteria_counts, counts),
        ):
            for code, value in scores.items():
                into[code] = into.get(code, 0) + value
    monthly.objects.bulk_create(found.values(), batch_size=2000)
    times = (
        daily_times.objects.filter(day__gte=start, day__lte=end)
        .order_by()
        .annotate(month=TruncMonth("day"))
        .values("month", *KEY_FIELDS, "tenths")
        .annotate(sum_dossiers=Sum("dossiers"))
    )
    monthly_times.objects.bulk_create(
        (
            monthly_times(
                day=_day(row["month"]),
                **{name: row[name] for name in KEY_FIELDS},
                tenths=row["tenths"],
                dossiers=row["sum_dossiers"],
            )
            for row in times
        ),
        batch_size=2000,
    )
    return len(found)


def _day(value: date | datetime) -> date:
    # TruncMonth of a DateField is a date; some backends give a datetime.
    return value.date() if isinstance(value, datetime) else value


def clear() -> None:
    """Delete every summary row, daily and monthly."""
    for model in (
        DailySummary,
        ProcessingTimeCount,
        MonthlySummary,
        MonthlyProcessingTimeCount,
    ):
        model.objects.all().delete()
    new_generation()


def replace_all(collected: Collected) -> int:
    """Every summary row replaced by ``collected`` (days and keys), the monthly
    rows rolled up from them; returns the number of daily rows."""
    clear()
    count = store(collected)
    days = [day for day, _key in collected]
    if days:
        roll_up(min(days), max(days))
    return count


@transaction.atomic
def rebuild_days(first: date, last: date) -> int:
    """Replace the summary rows of the days ``first``..``last`` (local days) by a
    recompute from the dossiers; running it twice gives the same rows."""
    if last < first:
        return 0
    touched = touched_since(start_of(first))
    collected = {
        (day, key): figures
        for (day, key), figures in collect(touched, since=first).items()
        if day <= last
    }
    DailySummary.objects.filter(day__gte=first, day__lte=last).delete()
    ProcessingTimeCount.objects.filter(day__gte=first, day__lte=last).delete()
    new_generation()
    count = store(collected)
    roll_up(first, last)
    return count


@transaction.atomic
def rebuild_all(today: date | None = None) -> int:
    """Every summary row from every dossier, up to yesterday (``--rebuild``)."""
    today = today or timezone.localdate()
    marker = SummaryState.objects.select_for_update().filter(pk=state().pk).get()
    # Every fact is dated by a transition, a rating or a complaint
    # (facts.touched_since).
    oldest = min(
        (
            moment
            for moment in (
                TransitionLog.objects.aggregate(first=Min("created_at"))["first"],
                Rating.objects.aggregate(first=Min("created_at"))["first"],
                Complaint.objects.aggregate(first=Min("created_at"))["first"],
            )
            if moment is not None
        ),
        default=None,
    )
    clear()
    count = 0
    if oldest is not None:
        first = oldest.astimezone(OFFICE_TZ).date()
        count = rebuild_days(first, today - timedelta(days=1))
    marker.built_through = today - timedelta(days=1)
    marker.built_at = timezone.now()
    marker.save()
    return count


@transaction.atomic
def refresh(today: date | None = None) -> int:
    """The beat task's work: rebuild the days since the last build (and a few
    before it) up to yesterday; the first run builds everything, a run on a day
    already built does nothing."""
    today = today or timezone.localdate()
    marker = SummaryState.objects.select_for_update().filter(pk=state().pk).get()
    if marker.built_through is None:
        return rebuild_all(today)
    if marker.built_through >= today - timedelta(days=1):
        return 0
    first = marker.built_through - timedelta(days=lookback_days())
    count = rebuild_days(first, today - timedelta(days=1))
    marker.built_through = today - timedelta(days=1)
    marker.built_at = timezone.now()
    marker.save()
    return count


def live_figures(since: date) -> Collected:
    """The facts of the days from ``since`` on, computed from the dossiers touched
    since its start (normally today only: a few hundred dossiers)."""
    return collect(touched_since(start_of(since)), since=since)


def full_recompute(first: date | None = None, last: date | None = None) -> Collected:
    """Every fact from every dossier, ignoring the summary rows (tests, checks)."""
    collected = collect(Dossier.objects.all())
    return {
        (day, key): figures
        for (day, key), figures in collected.items()
        if (first is None or day >= first) and (last is None or day <= last)
    }
