"""Deadline rules: a table of (received at, processing time, calendar, expected due).

The calendar is Vietnam's national one from the ``holidays`` package for 2026–2027
(Tết 2026 is Mon 16 – Fri 20 Feb; Tết 2027 Thu 4 – Wed 10 Feb; Hùng Kings' 2026
observed Mon 27 Apr; 2/9/2026 with Mon 31 Aug off and Sat 22 Aug made up;
Vietnam Cultural Day Tue 24 Nov 2026), plus per-row calendar exceptions.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from dossiers.deadlines import (
    EARLY,
    LATE,
    ON_TIME,
    TIMELINESS_LABELS,
    add_working_time,
    classify,
    clock_start,
    due_at,
    extend_for_pauses,
    receipt_day,
    step_due_dates,
    working_time_between,
)
from procedures.models import TimeUnit
from workcalendar.calendar import build_calendar
from workcalendar.types import CalendarRangeError, WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = ZoneInfo("UTC")
WD, CD, WH, SD = "working_days", "calendar_days", "working_hours", "same_day"
NOON = time(15, 0)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def calendar(off: tuple[date, ...] = (), work: tuple[date, ...] = ()) -> WorkCalendar:
    return build_calendar((2026, 2027), days_off=off, working_days=work)


NATIONAL = calendar()

# (received at, value, unit, cut-off, extra days off, make-up days, expected due)
DUE_DATES = [
    # Ordinary weeks.
    pytest.param(at(2026, 11, 30, 10), 1, WD, None, (), (), at(2026, 12, 1, 17),
                 id="mon-10h-1wd-tue"),
    pytest.param(at(2026, 11, 30, 8), 5, WD, None, (), (), at(2026, 12, 7, 17),
                 id="mon-5wd-next-mon"),
    pytest.param(at(2026, 11, 30, 17), 1, WD, None, (), (), at(2026, 12, 1, 17),
                 id="exactly-closing-counts-same-day"),
    pytest.param(at(2026, 11, 30, 17, 1), 1, WD, None, (), (), at(2026, 12, 2, 17),
                 id="one-minute-after-closing"),
    pytest.param(at(2026, 11, 30, 6), 1, WD, None, (), (), at(2026, 12, 1, 17),
                 id="before-opening-counts-same-day"),
    # Weekends and after-hours receipt.
    pytest.param(at(2026, 11, 27, 18), 1, WD, None, (), (), at(2026, 12, 1, 17),
                 id="fri-18h-counts-from-mon"),
    pytest.param(at(2026, 11, 28, 9), 1, WD, None, (), (), at(2026, 12, 1, 17),
                 id="saturday-receipt"),
    pytest.param(at(2026, 11, 29, 9), 3, WD, None, (), (), at(2026, 12, 3, 17),
                 id="sunday-receipt"),
    pytest.param(at(2026, 11, 26, 10), 2, WD, None, (), (), at(2026, 11, 30, 17),
                 id="thu-2wd-skips-weekend"),
    # Vietnam Cultural Day, New Year across the year end.
    pytest.param(at(2026, 11, 23, 10), 1, WD, None, (), (), at(2026, 11, 25, 17),
                 id="cultural-day-24-11"),
    pytest.param(at(2026, 12, 30, 10), 2, WD, None, (), (), at(2027, 1, 4, 17),
                 id="new-year-2027-across-year-end"),
    # Tết 2026: Mon 16 – Fri 20 Feb.
    pytest.param(at(2026, 2, 13, 10), 1, WD, None, (), (), at(2026, 2, 23, 17),
                 id="tet-2026-fri-before"),
    pytest.param(at(2026, 2, 17, 9), 1, WD, None, (), (), at(2026, 2, 24, 17),
                 id="tet-2026-received-on-new-year"),
    pytest.param(at(2026, 2, 12, 10), 3, WD, None, (), (), at(2026, 2, 24, 17),
                 id="tet-2026-3wd-across"),
    # Tết 2027: Thu 4 – Wed 10 Feb (Sat and Sun Tết days shifted).
    pytest.param(at(2027, 2, 3, 10), 1, WD, None, (), (), at(2027, 2, 11, 17),
                 id="tet-2027-wed-before"),
    pytest.param(at(2027, 2, 2, 16), 2, WD, None, (), (), at(2027, 2, 11, 17),
                 id="tet-2027-2wd-across"),
    # Hùng Kings' day.
    pytest.param(at(2026, 4, 24, 10), 1, WD, None, (), (), at(2026, 4, 28, 17),
                 id="hung-kings-2026-observed-mon"),
    pytest.param(at(2027, 4, 15, 10), 1, WD, None, (), (), at(2027, 4, 19, 17),
                 id="hung-kings-2027-fri"),
    # 30/4 and 1/5.
    pytest.param(at(2026, 4, 29, 10), 1, WD, None, (), (), at(2026, 5, 4, 17),
                 id="30-4-1-5-2026-thu-fri"),
    pytest.param(at(2027, 4, 29, 10), 1, WD, None, (), (), at(2027, 5, 4, 17),
                 id="30-4-1-5-2027-sat-observed-mon"),
    # National Day and the day beside it.
    pytest.param(at(2026, 8, 28, 10), 1, WD, None, (), (), at(2026, 9, 3, 17),
                 id="2-9-2026-with-31-8-swap"),
    pytest.param(at(2026, 8, 21, 10), 1, WD, None, (), (), at(2026, 8, 22, 17),
                 id="due-on-package-make-up-saturday-22-8-2026"),
    pytest.param(at(2026, 8, 22, 10), 1, WD, None, (), (), at(2026, 8, 24, 17),
                 id="received-on-package-make-up-saturday"),
    pytest.param(at(2027, 9, 1, 10), 1, WD, None, (), (), at(2027, 9, 6, 17),
                 id="2-9-2027-thu-fri"),
    # Administrators' exceptions.
    pytest.param(at(2026, 12, 4, 10), 1, WD, None, (), (date(2026, 12, 5),),
                 at(2026, 12, 5, 17), id="make-up-saturday-exception"),
    pytest.param(at(2026, 12, 7, 10), 1, WD, None, (date(2026, 12, 8),), (),
                 at(2026, 12, 9, 17), id="extra-day-off-exception"),
    pytest.param(at(2026, 12, 8, 10), 1, WD, None, (date(2026, 12, 8),), (),
                 at(2026, 12, 10, 17), id="received-on-extra-day-off"),
    pytest.param(at(2026, 4, 29, 10), 1, WD, None, (), (date(2026, 4, 30),),
                 at(2026, 4, 30, 17), id="holiday-made-working-day"),
    pytest.param(at(2026, 8, 21, 10), 1, WD, None, (date(2026, 8, 22),), (),
                 at(2026, 8, 24, 17), id="package-make-up-day-cancelled"),
    # Same day, with and without a 15:00 cut-off.
    pytest.param(at(2026, 11, 30, 10), None, SD, None, (), (), at(2026, 11, 30, 17),
                 id="same-day-no-cutoff"),
    pytest.param(at(2026, 11, 30, 14, 59), None, SD, NOON, (), (),
                 at(2026, 11, 30, 17), id="same-day-before-cutoff"),
    pytest.param(at(2026, 11, 30, 15), None, SD, NOON, (), (), at(2026, 11, 30, 17),
                 id="same-day-exactly-at-cutoff"),
    pytest.param(at(2026, 11, 30, 16), None, SD, NOON, (), (), at(2026, 12, 1, 17),
                 id="same-day-after-cutoff"),
    pytest.param(at(2026, 11, 27, 15, 30), None, SD, NOON, (), (),
                 at(2026, 11, 30, 17), id="same-day-fri-after-cutoff"),
    pytest.param(at(2026, 11, 29, 10), None, SD, None, (), (), at(2026, 11, 30, 17),
                 id="same-day-sunday"),
    pytest.param(at(2026, 11, 30, 16), 1, WD, NOON, (), (), at(2026, 12, 2, 17),
                 id="working-days-after-cutoff"),
    # Working hours: lunch, evenings, nights and holidays skipped.
    pytest.param(at(2026, 11, 30, 10), 4, WH, None, (), (), at(2026, 11, 30, 15, 30),
                 id="4h-across-lunch"),
    pytest.param(at(2026, 11, 30, 16), 8, WH, None, (), (), at(2026, 12, 1, 16),
                 id="8h-overnight"),
    pytest.param(at(2026, 11, 30, 12), 2, WH, None, (), (), at(2026, 11, 30, 15),
                 id="received-at-lunch"),
    pytest.param(at(2026, 11, 30, 6), 4, WH, None, (), (), at(2026, 11, 30, 11, 30),
                 id="received-before-opening"),
    pytest.param(at(2026, 11, 30, 11), 1, WH, None, (), (),
                 at(2026, 11, 30, 13, 30), id="1h-across-lunch"),
    pytest.param(at(2026, 11, 27, 18), 4, WH, None, (), (), at(2026, 11, 30, 11, 30),
                 id="hours-fri-evening"),
    pytest.param(at(2026, 2, 13, 16), 4, WH, None, (), (), at(2026, 2, 23, 10, 30),
                 id="hours-across-tet-2026"),
    pytest.param(at(2026, 11, 30, 16), 2, WH, NOON, (), (), at(2026, 12, 1, 9, 30),
                 id="hours-after-cutoff-from-next-opening"),
    # Calendar days: every day counts; a last day off moves to the next working day.
    pytest.param(at(2026, 11, 30, 10), 3, CD, None, (), (), at(2026, 12, 3, 17),
                 id="3cd-weekday"),
    pytest.param(at(2026, 11, 30, 10), 5, CD, None, (), (), at(2026, 12, 7, 17),
                 id="cd-lands-on-saturday"),
    pytest.param(at(2026, 11, 27, 18), 1, CD, None, (), (), at(2026, 12, 1, 17),
                 id="cd-after-hours-friday"),
    pytest.param(at(2026, 2, 13, 10), 3, CD, None, (), (), at(2026, 2, 23, 17),
                 id="cd-lands-in-tet"),
    pytest.param(at(2026, 4, 28, 10), 2, CD, None, (), (), at(2026, 5, 4, 17),
                 id="cd-lands-on-30-4"),
    pytest.param(at(2026, 8, 25, 10), 6, CD, None, (), (), at(2026, 9, 3, 17),
                 id="cd-lands-on-31-8-swap"),
    pytest.param(at(2026, 12, 2, 10), 3, CD, None, (), (date(2026, 12, 5),),
                 at(2026, 12, 5, 17), id="cd-lands-on-make-up-saturday"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("received_at", "value", "unit", "cutoff", "off", "work", "expected"), DUE_DATES
)
def test_due_at(received_at, value, unit, cutoff, off, work, expected):
    """Each row's dossier is due exactly at the expected local moment."""
    due = due_at(received_at, value, unit, calendar(off, work), cutoff)
    assert due == expected
    assert due.utcoffset() == timedelta(hours=7)


def test_table_is_large_enough():
    """The deadline table keeps at least 35 rows."""
    assert len(DUE_DATES) >= 35


def test_due_at_accepts_the_time_unit_enum():
    """A TimeUnit member works like its string value."""
    received = at(2026, 11, 30, 10)
    assert due_at(received, 1, TimeUnit.WORKING_DAYS, NATIONAL) == at(2026, 12, 1, 17)
    assert due_at(received, None, TimeUnit.SAME_DAY, NATIONAL) == at(2026, 11, 30, 17)


def test_utc_input_is_read_in_local_time():
    """A UTC timestamp (as the ORM returns) is judged by its Vietnamese clock time."""
    morning = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội
    evening = datetime(2026, 11, 30, 10, 30, tzinfo=UTC)  # 17:30 in Hà Nội
    assert due_at(morning, 1, WD, NATIONAL) == at(2026, 12, 1, 17)
    assert due_at(evening, 1, WD, NATIONAL) == at(2026, 12, 2, 17)
    assert due_at(evening, 1, WD, NATIONAL).tzinfo == VN


def test_bad_input_is_refused():
    """Naive moments, unknown units and missing values raise ValueError."""
    with pytest.raises(ValueError, match="naive"):
        due_at(datetime(2026, 11, 30, 10), 1, WD, NATIONAL)
    with pytest.raises(ValueError, match="Unknown processing time unit"):
        due_at(at(2026, 11, 30, 10), 1, "fortnights", NATIONAL)
    with pytest.raises(ValueError, match="needs a value"):
        due_at(at(2026, 11, 30, 10), None, WD, NATIONAL)


def test_receipt_day_rule():
    """After closing, after the cut-off or on a day off, the next working day."""
    assert receipt_day(at(2026, 11, 30, 16, 59), NATIONAL) == date(2026, 11, 30)
    assert receipt_day(at(2026, 11, 30, 17, 30), NATIONAL) == date(2026, 12, 1)
    assert receipt_day(at(2026, 11, 30, 15, 1), NATIONAL, NOON) == date(2026, 12, 1)
    assert receipt_day(at(2026, 2, 18, 9), NATIONAL) == date(2026, 2, 23)
    # A cut-off later than closing time does not keep the desk open longer.
    assert receipt_day(at(2026, 11, 30, 17, 30), NATIONAL, time(18)) == date(
        2026, 12, 1
    )


def test_calendar_outside_its_years_refuses():
    """A calendar built for 2026–2027 will not guess about 2028's holidays."""
    with pytest.raises(CalendarRangeError, match="2028"):
        NATIONAL.is_working_day(date(2028, 1, 3))
    with pytest.raises(CalendarRangeError):
        due_at(at(2027, 12, 31, 10), 5, WD, NATIONAL)


# (start, end, expected office time)
BETWEEN = [
    pytest.param(at(2026, 11, 30, 10), at(2026, 11, 30, 15), timedelta(hours=3.5),
                 id="across-lunch"),
    pytest.param(at(2026, 11, 27, 16), at(2026, 11, 30, 8, 30), timedelta(hours=2),
                 id="over-a-weekend"),
    pytest.param(at(2026, 11, 30), at(2026, 12, 5), timedelta(hours=40),
                 id="a-full-week"),
    pytest.param(at(2026, 2, 13), at(2026, 2, 23), timedelta(hours=8),
                 id="tet-2026-week-counts-nothing"),
    pytest.param(at(2026, 11, 30, 18), at(2026, 12, 1, 7), timedelta(0),
                 id="overnight-counts-nothing"),
    pytest.param(at(2026, 11, 30, 12), at(2026, 11, 30, 12, 30), timedelta(0),
                 id="inside-lunch"),
    pytest.param(at(2026, 11, 30, 15), at(2026, 11, 30, 10), -timedelta(hours=3.5),
                 id="reversed-is-negative"),
    pytest.param(at(2026, 11, 30, 10), at(2026, 11, 30, 10), timedelta(0),
                 id="same-moment"),
]  # fmt: skip


@pytest.mark.parametrize(("start", "end", "expected"), BETWEEN)
def test_working_time_between(start, end, expected):
    """Only office hours of working days count between two moments."""
    assert working_time_between(start, end, NATIONAL) == expected


def test_add_working_time_is_the_inverse_of_between():
    """Moving forward by the office time between two moments in hours lands on
    the later one."""
    start = at(2026, 2, 12, 9, 15)
    end = at(2026, 2, 24, 14, 5)
    assert add_working_time(start, working_time_between(start, end, NATIONAL),
                            NATIONAL) == end  # fmt: skip
    assert add_working_time(start, timedelta(0), NATIONAL) == start
    with pytest.raises(ValueError):
        add_working_time(start, -timedelta(hours=1), NATIONAL)


DUE = at(2026, 12, 1, 17)


def test_closed_pause_pushes_due_by_office_time_paused():
    """3.5 office hours paused (Mon 10:00–15:00) move Tue 17:00 to Wed 11:00."""
    pauses = [(at(2026, 11, 30, 10), at(2026, 11, 30, 15))]
    now = at(2026, 12, 3, 9)
    assert extend_for_pauses(DUE, pauses, NATIONAL, now) == at(2026, 12, 2, 11)


def test_open_pause_counts_until_now():
    """A pause not yet resumed counts until now: Mon 16:00 to Tue 10:00 is 3.5 h."""
    pauses = [(at(2026, 11, 30, 16), None)]
    assert extend_for_pauses(DUE, pauses, NATIONAL, at(2026, 12, 1, 10)) == at(
        2026, 12, 2, 11
    )


def test_pause_over_a_weekend_counts_office_time_only():
    """Paused Fri 16:00 to Mon 08:30: two office hours, not three days."""
    pauses = [(at(2026, 11, 27, 16), at(2026, 11, 30, 8, 30))]
    now = at(2026, 12, 3)
    assert extend_for_pauses(DUE, pauses, NATIONAL, now) == at(2026, 12, 2, 9, 30)


def test_overlapping_pauses_count_once_and_several_add_up():
    """Overlapping pauses are merged; separate pauses add up."""
    now = at(2026, 12, 3)
    overlapping = [
        (at(2026, 11, 30, 8), at(2026, 11, 30, 10)),
        (at(2026, 11, 30, 9), at(2026, 11, 30, 11)),
    ]
    # 08:00–11:00 is three office hours: Tue 17:00 becomes Wed 10:30.
    assert extend_for_pauses(DUE, overlapping, NATIONAL, now) == at(2026, 12, 2, 10, 30)
    separate = [
        (at(2026, 11, 30, 8), at(2026, 11, 30, 9)),
        (at(2026, 11, 30, 14), None),
    ]
    # 1 h, plus Mon 14:00–17:00 and Tue 07:30–09:00 until now: 5.5 h in all.
    assert extend_for_pauses(DUE, separate, NATIONAL, at(2026, 12, 1, 9)) == at(
        2026, 12, 2, 14, 30
    )


def test_no_pause_and_future_pause_change_nothing():
    """No pause, or an open pause that starts after now, keeps the due date."""
    assert extend_for_pauses(DUE, [], NATIONAL, at(2026, 12, 1)) == DUE
    later = [(at(2026, 12, 1, 10), None)]
    assert extend_for_pauses(DUE, later, NATIONAL, at(2026, 11, 30, 9)) == DUE


def test_pause_resumed_before_it_began_is_refused():
    """A pause with its end before its start is a data error."""
    with pytest.raises(ValueError, match="before it began"):
        extend_for_pauses(
            DUE, [(at(2026, 11, 30, 10), at(2026, 11, 30, 9))], NATIONAL, DUE
        )


def test_step_due_dates_are_cumulative_and_end_at_the_due_date():
    """Steps of 0.5, 1 and 1.5 working days from Mon's receipt end Tue 11:30, Wed
    11:30 and Thu 17:00, the due date of a 3-working-day procedure."""
    received = at(2026, 11, 30, 10)
    start = clock_start(received, WD, NATIONAL)
    assert start == at(2026, 11, 30, 17)
    steps = [Decimal("0.5"), Decimal("1"), Decimal("1.5")]
    assert step_due_dates(start, steps, NATIONAL) == [
        at(2026, 12, 1, 11, 30),
        at(2026, 12, 2, 11, 30),
        at(2026, 12, 3, 17),
    ]
    assert step_due_dates(start, steps, NATIONAL)[-1] == due_at(
        received, 3, WD, NATIONAL
    )


def test_step_due_dates_fractions_and_holidays():
    """A quarter day is two office hours; a step running into Tết waits for it."""
    start = clock_start(at(2026, 2, 12, 10), WD, NATIONAL)
    assert step_due_dates(start, [Decimal("0.25"), Decimal("1")], NATIONAL) == [
        at(2026, 2, 13, 9, 30),
        at(2026, 2, 23, 9, 30),
    ]
    assert step_due_dates(start, [], NATIONAL) == []


def test_step_due_dates_for_same_day_and_hours():
    """Same-day steps share the receipt day; hour-based steps count from receipt."""
    same_day = clock_start(at(2026, 11, 30, 9), SD, NATIONAL)
    assert step_due_dates(same_day, [Decimal("0.5"), Decimal("0.5")], NATIONAL) == [
        at(2026, 11, 30, 11, 30),
        at(2026, 11, 30, 17),
    ]
    hours = clock_start(at(2026, 11, 30, 10), WH, NATIONAL)
    # 4 working hours = 0.5 working days: the last step is due with the dossier.
    assert step_due_dates(hours, [Decimal("0.5")], NATIONAL) == [
        due_at(at(2026, 11, 30, 10), 4, WH, NATIONAL)
    ]


# (finished at, expected) against a due moment of Tue 1 Dec 2026 17:00
TIMELINESS = [
    pytest.param(at(2026, 11, 30, 16), EARLY, id="day-before"),
    pytest.param(at(2026, 11, 30, 23, 59), EARLY, id="last-minute-of-day-before"),
    pytest.param(at(2026, 12, 1), ON_TIME, id="midnight-of-due-day"),
    pytest.param(at(2026, 12, 1, 8), ON_TIME, id="morning-of-due-day"),
    pytest.param(at(2026, 12, 1, 17), ON_TIME, id="exactly-due"),
    pytest.param(DUE + timedelta(seconds=1), LATE, id="a-second-late"),
    pytest.param(at(2026, 12, 2, 8), LATE, id="next-day"),
    pytest.param(datetime(2026, 11, 30, 17, 30, tzinfo=UTC), ON_TIME,
                 id="utc-evening-is-local-due-day"),
]  # fmt: skip


@pytest.mark.parametrize(("finished_at", "expected"), TIMELINESS)
def test_classify(finished_at, expected):
    """Early before the due day, on time on it until the due moment, late after."""
    assert classify(finished_at, DUE) == expected


def test_classify_reads_days_in_office_time_even_for_utc_due():
    """A due moment stored in UTC is still compared by the Vietnamese day."""
    due_utc = DUE.astimezone(UTC)
    assert classify(at(2026, 12, 1, 0, 30), due_utc) == ON_TIME
    assert classify(at(2026, 11, 30, 23), due_utc) == EARLY
    assert set(TIMELINESS_LABELS) == {EARLY, ON_TIME, LATE}
