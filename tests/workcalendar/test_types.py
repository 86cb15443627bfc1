"""The working calendar's types: which days are worked, and the office hours."""

from datetime import date, time, timedelta

import pytest

from workcalendar.types import OfficeHours, WorkCalendar


def test_work_calendar_days():
    """Weekdays work unless off; weekend days only when made working days."""
    plain = WorkCalendar(
        days_off=frozenset({date(2026, 12, 8)}),
        extra_working_days=frozenset({date(2026, 12, 5)}),
    )
    assert plain.is_working_day(date(2026, 12, 7))
    assert not plain.is_working_day(date(2026, 12, 8))
    assert plain.is_working_day(date(2026, 12, 5))
    assert not plain.is_working_day(date(2026, 12, 6))
    assert plain.next_working_day(date(2026, 12, 4)) == date(2026, 12, 5)
    assert plain.next_working_day(date(2026, 12, 7)) == date(2026, 12, 9)
    assert plain.add_working_days(date(2026, 12, 4), 0) == date(2026, 12, 4)
    assert plain.add_working_days(date(2026, 12, 4), 3) == date(2026, 12, 9)


def test_office_hours_parse():
    """Office hours are read from "HH:MM-HH:MM" periods; closing is the last end."""
    hours = OfficeHours.parse("07:30-11:30, 13:00-17:00")
    assert hours == OfficeHours()
    assert hours.closing == time(17)
    assert hours.opening == time(7, 30)
    assert hours.per_day == timedelta(hours=8)
    assert OfficeHours.parse("08:00-16:30").per_day == timedelta(hours=8, minutes=30)
    for bad in ("", "7-11", "08:00", "13:00-11:00", "07:30-12:00,11:00-17:00"):
        with pytest.raises(ValueError):
            OfficeHours.parse(bad)
