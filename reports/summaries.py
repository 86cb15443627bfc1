"""Keeping the summary rows: an idempotent rebuild of whole days from the dossiers.

Why a rebuild and not an update in each transition's transaction: the transitions
live in ``dossiers`` (a lower layer, which must not know about statistics), some
facts are not transitions at all (a rating, a file scanned after receipt), and a
counter row per day and key updated by every transition would be a hot row that
serialises the busiest desks. A finished day never changes (every fact is dated by
the transition or rating that made it), so the beat task rebuilds the days since
the last build, plus a few days back to absorb late edits, and the current day is
computed live from the dossiers touched since (``live_figures``), found through
the transition log's index on its time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from dossiers.models import Dossier, TransitionLog
from feedback.models import Rating
from workcalendar.types import OFFICE_TZ

from .facts import (
    COUNTERS,
    Figures,
    Key,
    bucket_tenths,
    collect,
    touched_since,
)
from .models import DailySummary, ProcessingTimeCount, SummaryState

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
                **{name: figures.counts[name] for name in COUNTERS},
            )
        )
        times.extend(
            ProcessingTimeCount(**key, tenths=bucket_tenths(bucket), dossiers=count)
            for bucket, count in figures.histogram.items()
            if count
        )
    return rows, times


def store(collected: Collected) -> int:
    rows, times = summary_rows(collected)
    DailySummary.objects.bulk_create(rows, batch_size=2000)
    ProcessingTimeCount.objects.bulk_create(times, batch_size=2000)
    return len(rows)


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
    return store(collected)


@transaction.atomic
def rebuild_all(today: date | None = None) -> int:
    """Every summary row from every dossier, up to yesterday (``--rebuild``)."""
    today = today or timezone.localdate()
    marker = SummaryState.objects.select_for_update().filter(pk=state().pk).get()
    # Every fact is dated by a transition or a rating (facts.touched_since).
    oldest = min(
        (
            moment
            for moment in (
                TransitionLog.objects.aggregate(first=Min("created_at"))["first"],
                Rating.objects.aggregate(first=Min("created_at"))["first"],
            )
            if moment is not None
        ),
        default=None,
    )
    DailySummary.objects.all().delete()
    ProcessingTimeCount.objects.all().delete()
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
