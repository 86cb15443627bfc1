"""Route step due dates for every processing-time unit: a table per unit.

Vietnam's national calendar for 2026–2027 (Vietnam Cultural Day Tue 24 Nov 2026 off;
Tết 2027 Thu 4 – Wed 10 Feb; Tết 2026 Mon 16 – Fri 20 Feb). Office hours
07:30–11:30 and 13:00–17:00. Unless a row says otherwise the route has three steps
weighted 1, 2 and 1, and the dossier is transferred the moment it is received.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from dossiers.deadlines import ProcessingTime, due_for, route_step_dues
from workcalendar.calendar import build_calendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
WD, CD, WH, SD = "working_days", "calendar_days", "working_hours", "same_day"
NATIONAL = build_calendar((2026, 2027))
ONE_TWO_ONE = (Decimal(1), Decimal(2), Decimal(1))


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=VN)


def dues_for(
    received: datetime,
    value: int | None,
    unit: str,
    steps: tuple[Decimal, ...] = ONE_TWO_ONE,
    transferred: datetime | None = None,
) -> tuple[list[datetime], datetime]:
    processing_time = ProcessingTime(value, unit)
    due = due_for(received, processing_time, NATIONAL)
    dues = route_step_dues(
        received,
        processing_time,
        list(steps),
        NATIONAL,
        transferred_at=transferred or received,
        due=due,
    )
    return dues, due


def assert_route_shape(dues: list[datetime], start: datetime, due: datetime) -> None:
    assert all(earlier < later for earlier, later in pairwise(dues))
    assert dues[0] >= start
    assert dues[-1] == due


# (received at, working days, step days, expected step dues)
WORKING_DAYS = [
    pytest.param(
        at(2026, 11, 30, 10),
        3,
        (Decimal("0.5"), Decimal(1), Decimal("1.5")),
        [at(2026, 12, 1, 11, 30), at(2026, 12, 2, 11, 30), at(2026, 12, 3, 17)],
        id="mon-3wd-half-one-one-and-a-half",
    ),
    pytest.param(
        at(2026, 11, 23, 9),
        3,
        (Decimal(1), Decimal(2)),
        [at(2026, 11, 25, 17), at(2026, 11, 27, 17)],
        id="cultural-day-skipped",
    ),
    pytest.param(
        at(2026, 2, 12, 10),
        2,
        (Decimal(1), Decimal(1)),
        [at(2026, 2, 13, 17), at(2026, 2, 23, 17)],
        id="step-waits-for-tet-2026",
    ),
    pytest.param(
        at(2026, 11, 30, 10),
        2,
        (Decimal("0.25"), Decimal("1.75")),
        [at(2026, 12, 1, 9, 30), at(2026, 12, 2, 17)],
        id="quarter-day-is-two-office-hours",
    ),
]


@pytest.mark.parametrize(("received", "value", "steps", "expected"), WORKING_DAYS)
def test_working_day_steps_take_their_days_of_office_time(
    received, value, steps, expected
):
    """A step of d working days takes d days of office hours after the previous
    one, counted from closing time of the receipt day; the route ends with the
    dossier."""
    dues, due = dues_for(received, value, WD, steps)
    assert dues == expected
    assert_route_shape(dues, received, due)


# (received at, transferred at or None, expected step dues); weights 1/2/1.
SAME_DAY = [
    # 7 h 30 of office time left: 1 h 52 min 30 s, then 5 h 37 min 30 s.
    pytest.param(
        at(2026, 11, 30, 8),
        None,
        [
            at(2026, 11, 30, 9, 52, 30),
            at(2026, 11, 30, 15, 7, 30),
            at(2026, 11, 30, 17),
        ],
        id="08h00",
    ),
    # 5 h 15 min left; the first share runs over the lunch break.
    pytest.param(
        at(2026, 11, 30, 10, 15),
        None,
        [
            at(2026, 11, 30, 13, 3, 45),
            at(2026, 11, 30, 15, 41, 15),
            at(2026, 11, 30, 17),
        ],
        id="10h15",
    ),
    # Before the fix step 1 was due at 11:30, before the dossier even arrived.
    pytest.param(
        at(2026, 11, 30, 14),
        None,
        [at(2026, 11, 30, 14, 45), at(2026, 11, 30, 16, 15), at(2026, 11, 30, 17)],
        id="14h00",
    ),
    pytest.param(
        at(2026, 11, 30, 16, 50),
        None,
        [
            at(2026, 11, 30, 16, 52, 30),
            at(2026, 11, 30, 16, 57, 30),
            at(2026, 11, 30, 17),
        ],
        id="16h50-ten-minutes-left",
    ),
    # After closing: counted from Tuesday, the whole of its 8 office hours.
    pytest.param(
        at(2026, 11, 30, 17, 30),
        None,
        [at(2026, 12, 1, 9, 30), at(2026, 12, 1, 15), at(2026, 12, 1, 17)],
        id="after-closing-next-day",
    ),
    # Before opening: the day's whole office time, from 07:30.
    pytest.param(
        at(2026, 11, 30, 6),
        None,
        [at(2026, 11, 30, 9, 30), at(2026, 11, 30, 15), at(2026, 11, 30, 17)],
        id="before-opening",
    ),
    # Received at 08:00, transferred at 14:00: the route shares 14:00–17:00.
    pytest.param(
        at(2026, 11, 30, 8),
        at(2026, 11, 30, 14),
        [at(2026, 11, 30, 14, 45), at(2026, 11, 30, 16, 15), at(2026, 11, 30, 17)],
        id="transferred-later-counts-from-transfer",
    ),
]


@pytest.mark.parametrize(("received", "transferred", "expected"), SAME_DAY)
def test_same_day_steps_share_the_office_time_left(received, transferred, expected):
    """Same-day steps share, by weight, the office time from the later of receipt
    and transfer to closing time; none is due before it starts."""
    dues, due = dues_for(received, None, SD, transferred=transferred)
    assert dues == expected
    assert_route_shape(dues, transferred or received, due)


# (received at, calendar days, transferred at or None, expected step dues);
# weights 1/2/1 of the wall-clock time from the clock's start (closing time of the
# receipt day) or the transfer, whichever is later, to the due date.
CALENDAR_DAYS = [
    # 15 days from Mon 16 Nov 17:00: a quarter ends Fri 20 Nov 11:00 (office
    # time, kept); three quarters end Sat 28 Nov 23:00, moved back to Fri 27 Nov
    # 17:00. The span crosses two weekends and Vietnam Cultural Day (24 Nov).
    pytest.param(
        at(2026, 11, 16, 10),
        15,
        None,
        [at(2026, 11, 20, 11), at(2026, 11, 27, 17), at(2026, 12, 1, 17)],
        id="15cd-weekend-and-cultural-day",
    ),
    # 5 days land on Saturday, so due Monday 7 Dec: 7 days shared. Three
    # quarters end Sun 6 Dec 23:00, moved back to Fri 4 Dec 17:00.
    pytest.param(
        at(2026, 11, 30, 10),
        5,
        None,
        [at(2026, 12, 2, 11), at(2026, 12, 4, 17), at(2026, 12, 7, 17)],
        id="5cd-last-day-saturday",
    ),
    # 10 days from Mon 1 Feb 2027 17:00 over Tết: a quarter ends Thu 4 Feb 05:00
    # (a holiday), moved back to Wed 3 Feb 17:00; three quarters end Tue 9 Feb
    # 05:00, also in Tết, but moving it back to Wed 3 Feb 17:00 would tie with
    # step 1, so it stays.
    pytest.param(
        at(2027, 2, 1, 9),
        10,
        None,
        [at(2027, 2, 3, 17), at(2027, 2, 9, 5), at(2027, 2, 11, 17)],
        id="10cd-over-tet-2027",
    ),
    # Transferred Tue 1 Dec 09:00, after the clock's start (Mon 17:00): 6 days
    # 8 hours shared from the transfer. A quarter ends Wed 2 Dec 23:00, moved
    # back to 17:00; three quarters end Sun 6 Dec 07:00, moved back to Fri 17:00.
    pytest.param(
        at(2026, 11, 30, 10),
        5,
        at(2026, 12, 1, 9),
        [at(2026, 12, 2, 17), at(2026, 12, 4, 17), at(2026, 12, 7, 17)],
        id="transferred-next-morning",
    ),
]


@pytest.mark.parametrize(
    ("received", "value", "transferred", "expected"), CALENDAR_DAYS
)
def test_calendar_day_steps_share_the_calendar_time(
    received, value, transferred, expected
):
    """Calendar-day steps share, by weight, the calendar time to the due date
    (before the fix every step was due on the final date); a share ending outside
    office hours moves back to the last closing time when that keeps the order."""
    dues, due = dues_for(received, value, CD, transferred=transferred)
    assert dues == expected
    assert_route_shape(dues, transferred or received, due)


# (received at, working hours, expected step dues); weights 1/2/1.
WORKING_HOURS = [
    # 8 hours from Mon 16:00: 2 h end Tue 08:30, 6 h Tue 14:00, due Tue 16:00.
    pytest.param(
        at(2026, 11, 30, 16),
        8,
        [at(2026, 12, 1, 8, 30), at(2026, 12, 1, 14), at(2026, 12, 1, 16)],
        id="8h-overnight",
    ),
    # 40 hours from Mon 10:00: 10 h end Tue 13:30, 30 h Fri 08:00, due Mon 10:00.
    pytest.param(
        at(2026, 11, 30, 10),
        40,
        [at(2026, 12, 1, 13, 30), at(2026, 12, 4, 8), at(2026, 12, 7, 10)],
        id="40h-a-working-week",
    ),
    # 16 hours from Fri 20 Nov 15:00 skip the weekend and Cultural Day (Tue 24):
    # 4 h end Mon 09:30, 12 h Wed 09:30, due Wed 15:00.
    pytest.param(
        at(2026, 11, 20, 15),
        16,
        [at(2026, 11, 23, 9, 30), at(2026, 11, 25, 9, 30), at(2026, 11, 25, 15)],
        id="16h-weekend-and-cultural-day",
    ),
    # Received Saturday: counted from Monday's opening.
    pytest.param(
        at(2026, 11, 28, 10),
        8,
        [at(2026, 11, 30, 9, 30), at(2026, 11, 30, 15), at(2026, 11, 30, 17)],
        id="8h-received-saturday",
    ),
]


@pytest.mark.parametrize(("received", "value", "expected"), WORKING_HOURS)
def test_hour_based_steps_share_the_office_hours(received, value, expected):
    """Hour-based steps share, by weight, the N office hours from the clock's
    start; the last is due with the dossier."""
    dues, due = dues_for(received, value, WH)
    assert dues == expected
    assert_route_shape(dues, received, due)


@pytest.mark.parametrize(
    ("unit", "value"), [(SD, None), (WH, 8), (CD, 5)], ids=["same-day", "8h", "5cd"]
)
def test_zero_weights_share_the_time_equally(unit, value):
    """A route whose steps all weigh nothing splits the time into equal parts."""
    received = at(2026, 11, 30, 8)
    zero = dues_for(received, value, unit, (Decimal(0),) * 3)
    ones = dues_for(received, value, unit, (Decimal(1),) * 3)
    assert zero == ones
    dues, due = zero
    assert_route_shape(dues, received, due)


@pytest.mark.parametrize("unit", [WD, SD, WH, CD])
def test_no_step_is_due_after_the_dossier(unit):
    """With a due date in force earlier than the route's end, steps stop at it."""
    received = at(2026, 11, 30, 8)
    processing_time = ProcessingTime(None if unit == SD else 5, unit)
    cap = at(2026, 11, 30, 12)
    dues = route_step_dues(
        received,
        processing_time,
        [Decimal(2), Decimal(2), Decimal(1)],
        NATIONAL,
        transferred_at=received,
        due=cap,
    )
    assert all(received <= step_due <= cap for step_due in dues)
    assert dues[-1] == cap


@pytest.mark.parametrize("unit", [WD, SD, WH, CD])
def test_a_late_transfer_makes_no_step_due_before_it(unit):
    """Transferred three working days after receipt, no step is due before the
    transfer, and none after the dossier."""
    received = at(2026, 11, 30, 8)
    transferred = at(2026, 12, 3, 9)
    processing_time = ProcessingTime(None if unit == SD else 5, unit)
    due = due_for(received, processing_time, NATIONAL) + timedelta(days=7)
    dues = route_step_dues(
        received,
        processing_time,
        list(ONE_TWO_ONE),
        NATIONAL,
        transferred_at=transferred,
        due=due,
    )
    assert all(transferred <= step_due <= due for step_due in dues)


def test_transferred_after_the_due_date_every_step_is_due_with_the_dossier():
    """The cap wins over the start: a same-day dossier handed on after closing is
    already late, and so is every one of its steps."""
    received = at(2026, 11, 30, 9)
    dues, due = dues_for(received, None, SD, transferred=at(2026, 11, 30, 17, 30))
    assert dues == [due, due, due]


def test_an_empty_route_has_no_dues_and_a_negative_weight_is_an_error():
    """No steps, no dues; a step cannot take negative time in any unit."""
    assert dues_for(at(2026, 11, 30, 8), None, SD, ())[0] == []
    for unit, value in [(WD, 2), (SD, None), (WH, 8), (CD, 5)]:
        with pytest.raises(ValueError, match="negative"):
            dues_for(at(2026, 11, 30, 8), value, unit, (Decimal(1), Decimal(-1)))


def test_dues_are_in_the_office_time_zone():
    """Moments given in UTC (as the ORM returns them) come back in Vietnam's zone."""
    received = at(2026, 11, 30, 14)
    processing_time = ProcessingTime(None, SD)
    due = due_for(received, processing_time, NATIONAL)
    dues = route_step_dues(
        received.astimezone(ZoneInfo("UTC")),
        processing_time,
        list(ONE_TWO_ONE),
        NATIONAL,
        transferred_at=received.astimezone(ZoneInfo("UTC")),
        due=due.astimezone(ZoneInfo("UTC")),
    )
    assert dues == [at(2026, 11, 30, 14, 45), at(2026, 11, 30, 16, 15), due]
    assert {step_due.utcoffset() for step_due in dues} == {timedelta(hours=7)}
