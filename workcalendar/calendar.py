"""Build the working calendar from Vietnam's public holidays and the admins' swaps.

The national part comes from the ``holidays`` package (``country_holidays("VN")``,
pinned at 0.108). For each year it gives:

* New Year's Day (1/1); lunar Tết from the last day of the lunar year (giao
  thừa) to the 4th day of the new year, five days computed on the lunar calendar
  (16–20 Feb 2026; 5–9 Feb 2027 before weekend shifts);
* Hùng Kings' Commemoration Day (10th of the 3rd lunar month); 30/4 and 1/5;
  National Day 2/9 plus the adjacent day (1/9 or 3/9, by weekday, since 2021);
  Vietnam Cultural Day 24/11 from 2026;
* observed days (nghỉ bù): a holiday falling on a weekend moves to the next
  working day (Hùng Kings' on Sun 26/4/2026 gives Mon 27/4); a Tết day on a
  Saturday moves to the day before, on a Sunday to the day after (Tết 2027 thus
  runs Thu 4 – Wed 10 Feb);
* the government's swaps decided before its release (2010–2026, e.g. Mon
  31/8/2026 off, made up on Sat 22/8/2026). The day off is a holiday; the make-up
  Saturday is in its ``weekend_workdays``, which we read as extra working days.

It does not know swaps decided after its release, provincial days off, or the
early Tết schedules the Ministry of Home Affairs sets for civil servants each
year: administrators add those as ``CalendarException`` rows, which win over the
package (a working-day row removes a holiday, a day-off row removes a make-up day).
"""

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from dossiers.deadlines import OfficeHours, WorkCalendar

from .models import CalendarException, ExceptionKind

# holidays names its languages differently from Django.
_HOLIDAY_LANGUAGES = {"vi": "vi", "en": "en_US"}


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
    national_off, national_make_up = _national_calendar(covered)
    days_off, working_days = set(days_off), set(working_days)
    return WorkCalendar(
        days_off=frozenset((national_off | days_off) - working_days),
        extra_working_days=frozenset((national_make_up | working_days) - days_off),
        office_hours=office_hours or _office_hours(settings.OFFICE_HOURS),
        tz=ZoneInfo(settings.TIME_ZONE),
        years=frozenset(covered),
    )


def national_holiday_name(day: date) -> str | None:
    """The public holiday on ``day`` in the active language, or None."""
    language = _HOLIDAY_LANGUAGES.get((get_language() or "vi")[:2], "vi")
    return _holiday_names(day.year, language).get(day)


def is_national_working_day(day: date) -> bool:
    """Whether ``day`` is worked by the national calendar alone, no exceptions."""
    national_off, national_make_up = _national_calendar((day.year,))
    if day in national_make_up:
        return True
    return day.weekday() < 5 and day not in national_off


@lru_cache(maxsize=32)
def _national_calendar(
    years: tuple[int, ...],
) -> tuple[frozenset[date], frozenset[date]]:
    """Public holidays (observed days and swaps included) and make-up weekend days."""
    # expand=False: the object is cached, and an expanding one would grow itself
    # when asked about another year.
    national = holidays.country_holidays("VN", years=years, expand=False)
    make_up = frozenset(day for day in national.weekend_workdays if day.year in years)
    return frozenset(national), make_up


@lru_cache(maxsize=32)
def _holiday_names(year: int, language: str) -> dict[date, str]:
    return dict(
        holidays.country_holidays("VN", years=year, language=language, expand=False)
    )


@lru_cache(maxsize=4)
def _office_hours(text: str) -> OfficeHours:
    return OfficeHours.parse(text)
