"""Vietnam's national calendar from the ``holidays`` package: holidays and swaps.

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

from datetime import date
from functools import lru_cache

import holidays
from django.utils.translation import get_language

# holidays names its languages differently from Django.
_HOLIDAY_LANGUAGES = {"vi": "vi", "en": "en_US"}


def national_holiday_name(day: date) -> str | None:
    """The public holiday on ``day`` in the active language, or None."""
    language = _HOLIDAY_LANGUAGES.get((get_language() or "vi")[:2], "vi")
    return _holiday_names(day.year, language).get(day)


def is_national_working_day(day: date) -> bool:
    """Whether ``day`` is worked by the national calendar alone, no exceptions."""
    national_off, national_make_up = national_calendar((day.year,))
    if day in national_make_up:
        return True
    return day.weekday() < 5 and day not in national_off


@lru_cache(maxsize=32)
def national_calendar(
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
