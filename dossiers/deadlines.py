"""Working-day deadlines: office hours, the working calendar and due dates (pure).

Everything here is a pure function of its arguments: no database, no clock (callers
pass ``now``). Moments must be timezone-aware; they are read in the calendar's time
zone (Asia/Ho_Chi_Minh), because the ORM hands back UTC and a UTC date is the wrong
day for seven hours of every day. Results are aware datetimes in that time zone.

Conventions (DOMAIN.md §4), shared by every function below:

* The *receipt day* is the day the clock counts from. A dossier received after
  closing time, after the procedure's daily cut-off, or on a non-working day counts
  as received on the next working day (see ``receipt_day``).
* ``working_days`` N: due at closing time on the Nth working day after the receipt
  day. ``same_day``: closing time of the receipt day. ``calendar_days`` N: closing
  time of the receipt day plus N days, moved to the next working day if that day is
  not one. ``working_hours`` N: N hours of office time from the moment received.
* *Office time* runs only inside the office-hour periods of working days: it skips
  the lunch break, evenings, weekends and holidays. Pauses (waiting for the
  applicant's supplement) and route steps are measured in office time, so a paused
  hour or half a working day means the same thing on a Friday as on a Tuesday.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from workcalendar.types import OFFICE_TZ, WorkCalendar

# The values of procedures.models.TimeUnit, repeated so this module needs no models.
WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
WORKING_HOURS = "working_hours"
SAME_DAY = "same_day"
UNITS = frozenset({WORKING_DAYS, CALENDAR_DAYS, WORKING_HOURS, SAME_DAY})

EARLY = "early"
ON_TIME = "on_time"
LATE = "late"
TIMELINESS_LABELS = {EARLY: _("Early"), ON_TIME: _("On time"), LATE: _("Late")}


def receipt_day(
    received_at: datetime, calendar: WorkCalendar, cutoff: time | None = None
) -> date:
    """The day the clock counts from.

    A dossier received after closing time (17:00), or after the procedure's daily
    cut-off when it has one (the earlier of the two applies), or on a non-working
    day, counts as received on the next working day. Received exactly at closing
    or cut-off time still counts for that day; received before opening also does.
    """
    local = calendar.localize(received_at)
    last_moment = calendar.office_hours.closing
    if cutoff is not None:
        last_moment = min(last_moment, cutoff)
    if calendar.is_working_day(local.date()) and local.time() <= last_moment:
        return local.date()
    return calendar.next_working_day(local.date())


def clock_start(
    received_at: datetime,
    unit: str,
    calendar: WorkCalendar,
    cutoff: time | None = None,
) -> datetime:
    """The moment from which office time counts towards the due date.

    Adding the processing time in office time (a working day being a day's office
    hours) to this moment gives ``due_at``; route steps count from it too. For
    working days it is closing time of the receipt day (work is due by the end of
    the Nth following day); for same-day procedures the opening of the receipt day;
    for working hours the moment received, or the opening of the receipt day when
    the dossier counts from a later day. Calendar days have no office-time
    equivalent; closing time of the receipt day is used, as for working days.
    """
    unit = _unit(unit)
    day = receipt_day(received_at, calendar, cutoff)
    if unit == SAME_DAY:
        return calendar.at(day, calendar.office_hours.opening)
    if unit == WORKING_HOURS:
        local = calendar.localize(received_at)
        if day == local.date():
            return local
        return calendar.at(day, calendar.office_hours.opening)
    return calendar.at(day, calendar.office_hours.closing)


def due_at(
    received_at: datetime,
    value: int | None,
    unit: str,
    calendar: WorkCalendar,
    cutoff: time | None = None,
) -> datetime:
    """When a dossier received at ``received_at`` is due, before any pause.

    ``unit`` is a ``procedures.models.TimeUnit`` value (or the enum itself); see the
    module docstring for each unit's rule. ``value`` is ignored for ``same_day``.
    """
    unit = _unit(unit)
    day = receipt_day(received_at, calendar, cutoff)
    closing = calendar.office_hours.closing
    if unit == SAME_DAY:
        return calendar.at(day, closing)
    if value is None or value < 0:
        raise ValueError(f"A {unit} processing time needs a value of 0 or more.")
    if unit == WORKING_DAYS:
        return calendar.at(calendar.add_working_days(day, value), closing)
    if unit == CALENDAR_DAYS:
        last_day = day + timedelta(days=value)
        if not calendar.is_working_day(last_day):
            last_day = calendar.next_working_day(last_day)
        return calendar.at(last_day, closing)
    start = clock_start(received_at, unit, calendar, cutoff)
    return add_working_time(start, timedelta(hours=value), calendar)


def working_time_between(
    start: datetime, end: datetime, calendar: WorkCalendar
) -> timedelta:
    """Office time between two moments; negative when ``end`` comes first."""
    if end < start:
        return -working_time_between(end, start, calendar)
    start, end = calendar.localize(start), calendar.localize(end)
    total = timedelta(0)
    day = start.date()
    while day <= end.date():
        for period_start, period_end in calendar.office_periods(day):
            overlap = min(period_end, end) - max(period_start, start)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total


def add_working_time(
    moment: datetime, duration: timedelta, calendar: WorkCalendar
) -> datetime:
    """The moment ``duration`` of office time after ``moment``.

    Time outside office hours does not count, so from 16:00 eight hours end at
    16:00 on the next working day. A duration that ends exactly at the end of a
    period gives that end (11:30, 17:00), not the next opening.
    """
    if duration < timedelta(0):
        raise ValueError("Cannot add a negative office time.")
    cursor = calendar.localize(moment)
    if not duration:
        return cursor
    remaining = duration
    day = cursor.date()
    while True:
        for period_start, period_end in calendar.office_periods(day):
            start = max(period_start, cursor)
            if start >= period_end:
                continue
            available = period_end - start
            if remaining <= available:
                return start + remaining
            remaining -= available
        day = calendar.next_working_day(day)
        cursor = calendar.at(day, time.min)


def extend_for_pauses(
    due: datetime,
    pauses: Iterable[tuple[datetime, datetime | None]],
    calendar: WorkCalendar,
    now: datetime,
) -> datetime:
    """``due`` pushed back by the office time the dossier spent paused.

    Time waiting for the applicant's supplement does not count against the
    agency. Each pause is ``(paused_at, resumed_at)``; a pause not yet resumed
    counts until ``now``. Overlapping pauses are counted once.
    """
    intervals: list[tuple[datetime, datetime]] = []
    for paused_at, resumed_at in pauses:
        end = now if resumed_at is None else resumed_at
        if end < paused_at:
            if resumed_at is None:
                continue  # Paused "in the future" relative to now: nothing yet.
            raise ValueError(f"A pause resumed at {end} before it began.")
        intervals.append((paused_at, end))
    paused = timedelta(0)
    merged_start: datetime | None = None
    merged_end: datetime | None = None
    for start, end in sorted(intervals):
        if merged_end is not None and start <= merged_end:
            merged_end = max(merged_end, end)
            continue
        if merged_start is not None and merged_end is not None:
            paused += working_time_between(merged_start, merged_end, calendar)
        merged_start, merged_end = start, end
    if merged_start is not None and merged_end is not None:
        paused += working_time_between(merged_start, merged_end, calendar)
    return add_working_time(due, paused, calendar)


def step_due_dates(
    start: datetime, step_days: Sequence[Decimal], calendar: WorkCalendar
) -> list[datetime]:
    """The due moment of each route step in turn, counted from ``start``.

    A step of d working days takes d × (office hours per day) of office time, so
    fractions are allowed (0.5 is half a day's office hours). The offsets are
    cumulative and measured from ``start`` each time, so rounding to whole seconds
    never accumulates. With ``start = clock_start(...)`` and steps adding up to the
    processing time, the last step is due exactly at ``due_at(...)``.
    """
    day_seconds = Decimal(int(calendar.office_hours.per_day.total_seconds()))
    elapsed_days = Decimal(0)
    dues = []
    for days in step_days:
        if days < 0:
            raise ValueError("A route step cannot take negative time.")
        elapsed_days += Decimal(days)
        seconds = (elapsed_days * day_seconds).to_integral_value(ROUND_HALF_UP)
        dues.append(add_working_time(start, timedelta(seconds=int(seconds)), calendar))
    return dues


@dataclass(frozen=True)
class ProcessingTime:
    """A procedure's processing time as filed: value, unit and daily cut-off."""

    value: int | None
    unit: str
    cutoff: time | None = None

    @classmethod
    def from_snapshot(cls, data: Mapping[str, Any]) -> ProcessingTime:
        """Read the ``processing_time`` part of a dossier's procedure snapshot."""
        cutoff = data.get("cutoff")
        return cls(
            value=data.get("value"),
            unit=data["unit"],
            cutoff=time.fromisoformat(cutoff) if cutoff else None,
        )


def due_for(
    received_at: datetime, processing_time: ProcessingTime, calendar: WorkCalendar
) -> datetime:
    """The original due date of a dossier received at ``received_at`` (Form 01)."""
    return due_at(
        received_at,
        processing_time.value,
        processing_time.unit,
        calendar,
        processing_time.cutoff,
    )


def route_step_dues(
    received_at: datetime,
    processing_time: ProcessingTime,
    step_days: Sequence[Decimal],
    calendar: WorkCalendar,
    *,
    transferred_at: datetime,
    due: datetime,
) -> list[datetime]:
    """The due moment of each route step, set when the desk transfers the dossier.

    Steps count from the clock's start (``clock_start``), so a route that adds up
    to the processing time ends exactly at the due date. Calendar-day procedures
    have no office-time equivalent: their steps share the time from the transfer.
    No step is due after the dossier itself (``due``, extensions included).
    """
    start = clock_start(
        received_at, processing_time.unit, calendar, processing_time.cutoff
    )
    if _unit(processing_time.unit) == CALENDAR_DAYS:
        start = max(start, transferred_at)
    return [
        min(step_due, due) for step_due in step_due_dates(start, step_days, calendar)
    ]


def due_soon_until(now: datetime, days: int, calendar: WorkCalendar) -> datetime:
    """The end of the "due soon" window seen at ``now``.

    Closing time of the ``days``-th working day after today, counted from the next
    working day when today is not one. The worklist's filter and the staff
    reminders use this one window (``REMINDER_DUE_SOON_DAYS``).
    """
    today = calendar.localize(now).date()
    if not calendar.is_working_day(today):
        today = calendar.next_working_day(today)
    return calendar.at(
        calendar.add_working_days(today, days), calendar.office_hours.closing
    )


def classify(finished_at: datetime, due: datetime, tz: tzinfo = OFFICE_TZ) -> str:
    """``EARLY``, ``ON_TIME`` or ``LATE`` against the (possibly extended) due date.

    Early: finished on a day before the due day. On time: finished on the due day,
    no later than the due moment. Late: after the due moment. Days are read in
    ``tz`` (the office's zone), not in whatever zone the moments arrive in.
    """
    for moment in (finished_at, due):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{moment} is naive; deadlines need aware datetimes.")
    if finished_at > due:
        return LATE
    if finished_at.astimezone(tz).date() < due.astimezone(tz).date():
        return EARLY
    return ON_TIME


def _unit(unit: str) -> str:
    # TextChoices members are str subclasses; .value avoids relying on their __str__.
    value = str(getattr(unit, "value", unit))
    if value not in UNITS:
        raise ValueError(f"Unknown processing time unit {value!r}.")
    return value
