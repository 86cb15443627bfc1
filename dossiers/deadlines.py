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
  applicant's supplement) are measured in office time, so a paused hour means the
  same thing on a Friday as on a Tuesday.
* *Route steps* (``route_step_dues``) get their own due moments when the desk
  transfers the dossier. For ``working_days`` a step's days are its length in
  office time, counted from ``clock_start``. For the other units a step's days are
  only a *weight*: the route's time, from its start (the later of the transfer and
  the moment received, or the receipt day's opening, for ``same_day`` and
  ``working_hours``; the later of the transfer and ``clock_start`` for
  ``calendar_days``) to the dossier's due date, is shared in proportion, in office
  time for the first two and in wall-clock time for the last; all-zero weights
  share it equally. Whatever the unit, no step is due before the
  transfer (its start) nor after the dossier's due date; when the two clash (a
  dossier transferred after its own due date) the due date wins.
* A ``working_days`` route longer than the time to the dossier's due date (a
  group's child whose share of the group's time is shorter than its route) is
  *fitted* into it (``fit_route_days``): each stage gets the office time from
  the route's start to the due date in proportion to its days, but at least
  ``MIN_FITTED_STEP`` (one office hour, or its own length when shorter), so a
  signature is never squeezed to minutes; the branches of a parallel stage keep
  their proportion of it. The last step is then due exactly at the due date.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
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

# The least office time a stage keeps when a route is fitted into a shorter time
# (``fit_route_days``): one office hour, or its own length when shorter.
MIN_FITTED_STEP = timedelta(hours=1)

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
    hours) to this moment gives ``due_at``; see ``route_step_dues`` for steps. For
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


def group_share_due(
    start: datetime,
    share_days: Decimal | None,
    own_time: ProcessingTime,
    calendar: WorkCalendar,
    appointment: datetime | None = None,
) -> datetime:
    """The due date of a dossier filed with a group of linked procedures, whose
    clock starts at ``start`` (its receipt, or the arrival of the last result it
    needs): its share of the group's time (``share_days`` working days, a
    fraction being that part of a day's office hours), never later than its own
    procedure's time from ``start`` (the law's limit for it), and capped by the
    group's ``appointment`` so the one date given to the applicant holds.

    Without a share, the procedure's own time. A start at or after the
    appointment (a prerequisite finished late) cannot keep it: the share then
    counts from ``start``, so the dossier is not born overdue.
    """
    own = due_for(start, own_time, calendar)
    if share_days is None:
        return own
    begin = clock_start(start, WORKING_DAYS, calendar)
    [share] = step_due_dates(begin, [Decimal(share_days)], calendar)
    due = min(share, own)
    if appointment is not None:
        appointment = calendar.localize(appointment)
        if calendar.localize(start) < appointment < due:
            due = appointment
    return due


def stage_starts(parallel: Sequence[bool]) -> list[int]:
    """The stage of each route step, as the position of the stage's first step.

    A step ``parallel_with_previous`` belongs to the stage of the step before
    it (parallel branches, docs/interagency.md); any other step opens a stage of
    its own, so a sequential route's stages are its positions. A first step
    marked parallel has nothing before it and opens the first stage.
    """
    starts: list[int] = []
    for position, flag in enumerate(parallel):
        starts.append(starts[-1] if flag and starts else position)
    return starts


def route_step_dues(
    received_at: datetime,
    processing_time: ProcessingTime,
    step_days: Sequence[Decimal],
    calendar: WorkCalendar,
    *,
    transferred_at: datetime,
    due: datetime,
    stages: Sequence[int] | None = None,
) -> list[datetime]:
    """The due moment of each route step; with ``stages`` (``stage_starts``) the
    steps of a stage are parallel branches: the stage lasts as long as its
    longest branch, every branch starts with the stage and is due at the stage's
    start plus its own days (for the proportional units: its own share of the
    stage's time). Without parallel stages this is ``sequential_step_dues``.

    For ``working_days``, a route longer than the time from its start to
    ``due`` is first fitted into that time (``fit_route_days``)."""
    if _unit(processing_time.unit) == WORKING_DAYS and step_days:
        step_days = _fitted_working_days(
            received_at, processing_time, step_days, calendar, due, stages
        )
    if not stages or len(set(stages)) == len(stages):
        return sequential_step_dues(
            received_at,
            processing_time,
            step_days,
            calendar,
            transferred_at=transferred_at,
            due=due,
        )
    if len(stages) != len(step_days):
        raise ValueError("One stage per route step.")
    order = list(dict.fromkeys(stages))
    lengths = {
        stage: max(
            Decimal(d) for d, s in zip(step_days, stages, strict=True) if s == stage
        )
        for stage in order
    }
    stage_dues = sequential_step_dues(
        received_at,
        processing_time,
        [lengths[stage] for stage in order],
        calendar,
        transferred_at=transferred_at,
        due=due,
    )
    unit = _unit(processing_time.unit)
    due = calendar.localize(due)
    transferred_at = calendar.localize(transferred_at)
    route_start = _route_start(
        received_at, unit, processing_time.cutoff, calendar, transferred_at
    )
    ends = dict(zip(order, stage_dues, strict=True))
    begins = dict(zip(order, [route_start, *stage_dues[:-1]], strict=True))
    day_seconds = Decimal(int(calendar.office_hours.per_day.total_seconds()))
    elapsed = dict(
        zip(
            order,
            [
                sum((lengths[s] for s in order[:i]), Decimal(0))
                for i in range(len(order))
            ],
            strict=True,
        )
    )
    dues: list[datetime] = []
    for days, stage in zip(step_days, stages, strict=True):
        days = Decimal(days)
        if days >= lengths[stage]:
            dues.append(ends[stage])
            continue
        if unit == WORKING_DAYS:
            # Cumulative from the route's start, as step_due_dates counts.
            seconds = ((elapsed[stage] + days) * day_seconds).to_integral_value(
                ROUND_HALF_UP
            )
            moment = add_working_time(
                route_start, timedelta(seconds=int(seconds)), calendar
            )
        else:
            begin, end = max(begins[stage], transferred_at), ends[stage]
            share = days / lengths[stage] if lengths[stage] else Decimal(1)
            if end <= begin:
                moment = end
            elif unit == CALENDAR_DAYS:
                moment = calendar.localize(
                    begin.astimezone(UTC) + _share_of(end - begin, share)
                )
            else:
                span = working_time_between(begin, end, calendar)
                moment = add_working_time(begin, _share_of(span, share), calendar)
        dues.append(min(max(moment, transferred_at), due, ends[stage]))
    return dues


def fit_route_days(
    step_days: Sequence[Decimal],
    stages: Sequence[int] | None,
    available: Decimal,
    minimum: Decimal,
) -> list[Decimal]:
    """The route's ``step_days`` fitted into ``available`` working days when its
    stages (each as long as its longest branch, ``stage_starts``) add up to
    more; unchanged otherwise (or when nothing is available: the due date caps
    every step then).

    The rule: each stage gets the available time in proportion to its days,
    but never less than ``minimum`` days (or its own length when shorter); the
    stages raised to it leave the rest to be shared in proportion among the
    others. When even the minimums do not fit, the time is shared in proportion
    to them (equal parts for stages longer than the minimum). A branch keeps its
    proportion of its stage; no step gets more than its own days, and the
    stages add up to ``available``."""
    days = [Decimal(d) for d in step_days]
    stages = list(stages) if stages is not None else list(range(len(days)))
    if len(stages) != len(days):
        raise ValueError("One stage per route step.")
    lengths: dict[int, Decimal] = {}
    for value, stage in zip(days, stages, strict=True):
        lengths[stage] = max(lengths.get(stage, Decimal(0)), value)
    if available <= 0 or sum(lengths.values(), Decimal(0)) <= available:
        return days
    fitted = _shares_with_minimum(lengths, available, minimum)
    return [
        value * fitted[stage] / lengths[stage] if lengths[stage] else Decimal(0)
        for value, stage in zip(days, stages, strict=True)
    ]


def _shares_with_minimum(
    lengths: Mapping[int, Decimal], available: Decimal, minimum: Decimal
) -> dict[int, Decimal]:
    floors = {stage: min(length, minimum) for stage, length in lengths.items()}
    floor_total = sum(floors.values(), Decimal(0))
    if floor_total >= available:
        return {stage: available * f / floor_total for stage, f in floors.items()}
    fixed: dict[int, Decimal] = {}
    while True:
        free = {s: length for s, length in lengths.items() if s not in fixed}
        free_total = sum(free.values(), Decimal(0))
        scale = (available - sum(fixed.values(), Decimal(0))) / free_total
        raised = {s for s, length in free.items() if length * scale < floors[s]}
        if not raised:
            return {**fixed, **{s: length * scale for s, length in free.items()}}
        fixed.update({s: floors[s] for s in raised})


def _fitted_working_days(
    received_at: datetime,
    processing_time: ProcessingTime,
    step_days: Sequence[Decimal],
    calendar: WorkCalendar,
    due: datetime,
    stages: Sequence[int] | None,
) -> list[Decimal]:
    """``fit_route_days`` with the office time from the route's start to ``due``."""
    start = clock_start(received_at, WORKING_DAYS, calendar, processing_time.cutoff)
    day_seconds = Decimal(int(calendar.office_hours.per_day.total_seconds()))
    span = working_time_between(start, calendar.localize(due), calendar)
    return fit_route_days(
        step_days,
        stages,
        Decimal(int(span.total_seconds())) / day_seconds,
        Decimal(int(MIN_FITTED_STEP.total_seconds())) / day_seconds,
    )


def _route_start(
    received_at: datetime,
    unit: str,
    cutoff: time | None,
    calendar: WorkCalendar,
    transferred_at: datetime,
) -> datetime:
    """Where a route's steps count from: ``clock_start`` for working days; for
    the other units the later of the transfer and the clock's start. Same-day
    steps count from the moment received, as hour-based ones do: clock_start's
    same-day opening would make step 1 due before receipt."""
    if unit == WORKING_DAYS:
        return clock_start(received_at, unit, calendar, cutoff)
    start_unit = CALENDAR_DAYS if unit == CALENDAR_DAYS else WORKING_HOURS
    return max(clock_start(received_at, start_unit, calendar, cutoff), transferred_at)


def sequential_step_dues(
    received_at: datetime,
    processing_time: ProcessingTime,
    step_days: Sequence[Decimal],
    calendar: WorkCalendar,
    *,
    transferred_at: datetime,
    due: datetime,
) -> list[datetime]:
    """The due moment of each route step, set when the desk transfers the dossier.

    ``step_days`` are the route's ``working_days``, one per step, in order.

    * ``working_days``: a step's days are its length in office time; steps count
      from ``clock_start``, so a route adding up to the processing time ends
      exactly at the due date (``step_due_dates``).
    * ``same_day`` and ``working_hours``: the days are weights. The office time
      from the route's start to ``due`` is shared in proportion: step i is due
      after (weights of steps 1..i / all weights) of it. The route starts at the
      later of the transfer and the moment received, or the opening of the
      receipt day when the dossier counts from a later day (so a same-day dossier
      received at 14:00 shares 14:00–17:00, not the whole day).
    * ``calendar_days``: the days are weights too, sharing the wall-clock time
      from the later of ``clock_start`` and the transfer to ``due``. A share
      ending outside office hours (night, lunch, weekend, holiday) is moved back
      to the end of the last office period before it, which gives the department
      the same working time and reads as a working moment on Form 06; it stays as
      computed when moving it would bring it to or before the previous step's due
      (or the route's start), so the dues keep strictly increasing.

    All-zero weights share the time equally; a negative one is an error. With
    positive weights the dues of the proportional units strictly increase and the
    last is ``due`` exactly. For every unit no step is due before
    ``transferred_at`` (the first step's start, and no later step starts
    earlier) nor after ``due`` (extensions included); a dossier transferred after
    its own due date has every step due with it, since the cap wins.
    """
    unit = _unit(processing_time.unit)
    due = calendar.localize(due)
    transferred_at = calendar.localize(transferred_at)
    if not step_days:
        return []
    start = _route_start(
        received_at, unit, processing_time.cutoff, calendar, transferred_at
    )
    if unit == WORKING_DAYS:
        dues = step_due_dates(start, step_days, calendar)
    else:
        shares = _cumulative_shares(step_days)
        if start >= due:
            dues = [due] * len(shares)
        elif unit == CALENDAR_DAYS:
            dues = _calendar_time_shares(start, due, shares, calendar)
        else:
            dues = _office_time_shares(start, due, shares, calendar)
    return [min(max(step_due, transferred_at), due) for step_due in dues]


def agency_shares(
    owners: Sequence[Hashable], stages: Sequence[int] | None = None
) -> list[tuple[int, int]]:
    """The runs of consecutive route steps worked by one agency, as (first, last)
    positions: each agency's share of an inter-agency route. A later run of an
    agency already met is a share of its own (the route came back to it).

    With ``stages`` (``stage_starts``), a branch of a parallel stage is a share
    of its own: the run neither reaches into the stage nor out of it, since the
    branches are worked at once and each has its own due date."""
    stages = list(stages) if stages is not None else list(range(len(owners)))
    parallel = {s for s in stages if stages.count(s) > 1}
    shares: list[tuple[int, int]] = []
    for position, owner in enumerate(owners):
        last = shares[-1][1] if shares else None
        if (
            last is not None
            and owners[last] == owner
            and stages[last] not in parallel
            and stages[position] not in parallel
        ):
            shares[-1] = (shares[-1][0], position)
        else:
            shares.append((position, position))
    return shares


def share_due(
    owners: Sequence[Hashable],
    step_dues: Sequence[datetime],
    position: int,
    stages: Sequence[int] | None = None,
) -> datetime:
    """When the agency's share that holds step ``position`` is due: the due date
    of the share's last step (``route_step_dues`` gives the steps' dates); a
    branch of a parallel stage: its own due date."""
    for first, last in agency_shares(owners, stages):
        if first <= position <= last:
            return step_dues[last]
    raise IndexError(position)


def _cumulative_shares(weights: Sequence[Decimal]) -> list[Decimal]:
    """The fraction of the route's time elapsed at the end of each step."""
    values = [Decimal(weight) for weight in weights]
    if any(value < 0 for value in values):
        raise ValueError("A route step cannot take negative time.")
    if not any(values):
        values = [Decimal(1)] * len(values)
    total = sum(values, Decimal(0))
    shares = []
    elapsed = Decimal(0)
    for value in values:
        elapsed += value
        shares.append(elapsed / total)
    shares[-1] = Decimal(1)  # Exactly the whole, whatever the division's rounding.
    return shares


def _share_of(span: timedelta, share: Decimal) -> timedelta:
    # Microseconds, so even the few minutes left of a same-day dossier received
    # just before closing split into distinct, increasing moments.
    microseconds = Decimal(span // timedelta(microseconds=1)) * share
    return timedelta(microseconds=int(microseconds.to_integral_value(ROUND_HALF_UP)))


def _office_time_shares(
    start: datetime, due: datetime, shares: Sequence[Decimal], calendar: WorkCalendar
) -> list[datetime]:
    span = working_time_between(start, due, calendar)
    dues = [
        add_working_time(start, _share_of(span, share), calendar)
        for share in shares[:-1]
    ]
    return [*dues, due]


def _calendar_time_shares(
    start: datetime, due: datetime, shares: Sequence[Decimal], calendar: WorkCalendar
) -> list[datetime]:
    span = due - start
    dues: list[datetime] = []
    previous = start
    for share in shares[:-1]:
        # Aware arithmetic in UTC: elapsed time, whatever the zone's offsets do.
        moment = calendar.localize(start.astimezone(UTC) + _share_of(span, share))
        if not _in_office_hours(moment, calendar):
            office_end = add_working_time(
                start, working_time_between(start, moment, calendar), calendar
            )
            if office_end > previous:
                moment = office_end
        dues.append(moment)
        previous = moment
    return [*dues, due]


def _in_office_hours(moment: datetime, calendar: WorkCalendar) -> bool:
    return any(
        period_start <= moment <= period_end
        for period_start, period_end in calendar.office_periods(moment.date())
    )


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


def is_working_moment(moment: datetime, calendar: WorkCalendar) -> bool:
    """Whether ``moment`` falls within office hours of a working day (its ends
    included: 17:00 is still the working day's)."""
    local = calendar.localize(moment)
    return any(
        start <= local <= end for start, end in calendar.office_periods(local.date())
    )


def latest_day_before(due: datetime, days: int, calendar: WorkCalendar) -> date:
    """The last day on which something due at ``due`` can still be asked for
    ``days`` working days ahead: the ``days``-th working day before the due day
    (the due day itself for 0). Form 04 uses it."""
    day = calendar.localize(due).date()
    for _step in range(days):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
    return day


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
