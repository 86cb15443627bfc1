"""The working calendar's types: office hours and which days are worked (pure).

No database and no clock here: ``workcalendar.calendar`` builds a ``WorkCalendar``
from the national holidays and the administrators' swaps, and
``dossiers.deadlines`` counts due dates on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

OFFICE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Even Tết with its swaps closes the offices for under two weeks; a search for the
# next working day that runs a whole year means the calendar is broken, not busy.
_MAX_DAYS_WITHOUT_WORK = 366


class CalendarRangeError(ValueError):
    """A date falls outside the years a calendar was built for."""


@dataclass(frozen=True)
class OfficeHours:
    """The desks' daily office-hour periods, in order, with breaks between."""

    periods: tuple[tuple[time, time], ...] = (
        (time(7, 30), time(11, 30)),
        (time(13, 0), time(17, 0)),
    )

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("Office hours need at least one period.")
        previous_end: time | None = None
        for start, end in self.periods:
            if start >= end:
                raise ValueError(f"Office period {start}-{end} ends before it starts.")
            if previous_end is not None and start < previous_end:
                raise ValueError("Office periods must be in order and not overlap.")
            previous_end = end

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """Read periods written as ``"07:30-11:30,13:00-17:00"``."""
        periods = []
        for chunk in text.split(","):
            start, dash, end = chunk.partition("-")
            try:
                if not dash:
                    raise ValueError
                periods.append(
                    (time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))
                )
            except ValueError:
                raise ValueError(
                    f"Office hours period {chunk.strip()!r} is not written as "
                    "HH:MM-HH:MM."
                ) from None
        return cls(tuple(periods))

    @property
    def opening(self) -> time:
        return self.periods[0][0]

    @property
    def closing(self) -> time:
        return self.periods[-1][1]

    @property
    def per_day(self) -> timedelta:
        """Office time in one working day (8 hours by default)."""
        return sum(
            (
                _combine(date.min, end) - _combine(date.min, start)
                for start, end in self.periods
            ),
            timedelta(0),
        )


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked, the office hours and the time zone they are read in.

    ``days_off`` holds public holidays and extra days off; ``extra_working_days``
    holds weekend days or holidays made working days, and wins over ``days_off``
    when a date is in both. ``years``, when given, are the years the sets were built
    for: asking about another year raises ``CalendarRangeError`` instead of quietly
    treating, say, next year's Tết as ordinary working days.
    """

    days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    office_hours: OfficeHours = field(default_factory=OfficeHours)
    tz: tzinfo = OFFICE_TZ
    years: frozenset[int] | None = None

    def is_working_day(self, day: date) -> bool:
        """Mon–Fri unless a day off; Sat and Sun only if made working days."""
        if self.years is not None and day.year not in self.years:
            raise CalendarRangeError(
                f"The working calendar covers {sorted(self.years)}, not {day}; "
                "load it for that year."
            )
        if day in self.extra_working_days:
            return True
        if day in self.days_off:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        for offset in range(1, _MAX_DAYS_WITHOUT_WORK + 1):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"No working day in the year after {day}.")

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself for 0)."""
        if count < 0:
            raise ValueError("Cannot add a negative number of working days.")
        for _step in range(count):
            day = self.next_working_day(day)
        return day

    def localize(self, moment: datetime) -> datetime:
        """``moment`` in the calendar's time zone; naive moments are refused."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{moment} is naive; deadlines need aware datetimes.")
        return moment.astimezone(self.tz)

    def at(self, day: date, clock: time) -> datetime:
        """The aware moment at ``clock`` o'clock on ``day`` in the calendar's zone."""
        return _combine(day, clock, self.tz)

    def office_periods(self, day: date) -> list[tuple[datetime, datetime]]:
        """The office-hour periods of ``day`` as aware moments; none on a day off."""
        if not self.is_working_day(day):
            return []
        return [
            (self.at(day, start), self.at(day, end))
            for start, end in self.office_hours.periods
        ]


def _combine(day: date, clock: time, tz: tzinfo | None = None) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)
