"""The working calendar: the national holidays plus the administrators' swaps.

How the national part is built, and what it does not know, is told in
``workcalendar/national.py``; what it lacks is stored as ``CalendarException``
rows (the official swaps of ``workcalendar/official.py`` and the administrators'),
which win over it.
"""

from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from .models import CalendarException, ExceptionKind
from .national import national_calendar
from .types import OfficeHours, WorkCalendar


def load_calendar(years: Iterable[int] | None = None) -> WorkCalendar:
    """The working calendar for ``years`` and the year after each of them.

    The following year is always included so that a deadline counted from late
    December can run into January. Without ``years``: the two previous years, this
    year and the next, enough for current dossiers and recent reports.

    Cost: the national holidays are computed once per process and set of years
    (lunar tables make the first call ~50 ms, later ones nothing); the exceptions
    are read with one small query on every call (a few dozen rows a year, on the
    unique index of ``date``), so an administrator's edit applies at once in every
    worker with no cache to invalidate. Building the frozensets costs microseconds.
    """
    if years is None:
        this_year = timezone.localdate().year
        wanted = set(range(this_year - 2, this_year + 2))
    else:
        wanted = {year for given in years for year in (given, given + 1)}
    if not wanted:
        raise ValueError("load_calendar needs at least one year.")
    covered = tuple(sorted(wanted))
    # Every row counts, demo ones included: they exist only in a demo database,
    # whose dossiers were laid out on the demo's swaps.
    rows = (
        CalendarException.objects.filter(
            date__gte=date(covered[0], 1, 1), date__lte=date(covered[-1], 12, 31)
        )
        .order_by()
        .values_list("date", "kind")
    )
    extra_off = {day for day, kind in rows if kind == ExceptionKind.DAY_OFF}
    extra_working = {day for day, kind in rows if kind == ExceptionKind.WORKING_DAY}
    return build_calendar(covered, days_off=extra_off, working_days=extra_working)


def calendar_for(*moments: datetime | None) -> WorkCalendar:
    """The calendar covering the local years of ``moments`` (None ones skipped).

    With no moment given, the default span of ``load_calendar``.
    """
    years = {timezone.localtime(m).year for m in moments if m is not None}
    return load_calendar(years or None)


def build_calendar(
    years: Iterable[int],
    *,
    days_off: Iterable[date] = (),
    working_days: Iterable[date] = (),
    office_hours: OfficeHours | None = None,
) -> WorkCalendar:
    """The national calendar for ``years`` with the given exceptions applied.

    No database access: ``load_calendar`` feeds it the stored exceptions, tests
    feed it their own.
    """
    covered = tuple(sorted(set(years)))
    national_off, national_make_up = national_calendar(covered)
    days_off, working_days = set(days_off), set(working_days)
    return WorkCalendar(
        days_off=frozenset((national_off | days_off) - working_days),
        extra_working_days=frozenset((national_make_up | working_days) - days_off),
        office_hours=office_hours or configured_office_hours(),
        tz=ZoneInfo(settings.TIME_ZONE),
        years=frozenset(covered),
    )


def configured_office_hours() -> OfficeHours:
    """The desks' office hours, from the ``OFFICE_HOURS`` setting."""
    return _parsed_office_hours(settings.OFFICE_HOURS)


@lru_cache(maxsize=4)
def _parsed_office_hours(text: str) -> OfficeHours:
    return OfficeHours.parse(text)
