"""The pure parts of the indicators: processing time, the median, rates, the 766
points and who may count what."""

from collections import Counter
from datetime import date, datetime
from decimal import Decimal

import pytest

from procedures.selectors import agency_subtree
from reports.facts import Figures, processing_working_days
from reports.indicators import (
    Indicators,
    Period,
    index_766,
    index_total,
    median,
    rate,
    scope_of,
)
from tests.factories import demo_user
from workcalendar.types import OFFICE_TZ, WorkCalendar

CALENDAR = WorkCalendar(days_off=frozenset({date(2026, 4, 30), date(2026, 5, 1)}))


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=OFFICE_TZ)


@pytest.mark.parametrize(
    ("received", "returned", "pauses", "expected"),
    [
        # Same morning: two office hours of eight.
        (at("2026-05-04", "08:00"), at("2026-05-04", "10:00"), [], "0.25"),
        # Monday 07:30 to Tuesday 17:00: two full working days.
        (at("2026-05-04", "07:30"), at("2026-05-05", "17:00"), [], "2.00"),
        # Over a weekend: Friday 13:00 to Monday 11:30 is 4 + 4 hours.
        (at("2026-05-08", "13:00"), at("2026-05-11", "11:30"), [], "1.00"),
        # Over the 30/4–1/5 holidays: Wednesday 17:00 to Monday 07:30 is nothing.
        (at("2026-04-29", "17:00"), at("2026-05-04", "07:30"), [], "0.00"),
        # A pause of one working day (Tuesday) is not counted.
        (
            at("2026-05-04", "07:30"),
            at("2026-05-06", "17:00"),
            [(at("2026-05-05", "07:30"), at("2026-05-05", "17:00"))],
            "2.00",
        ),
        # Overlapping pauses count once; a pause still open ends at the return.
        (
            at("2026-05-04", "07:30"),
            at("2026-05-06", "17:00"),
            [
                (at("2026-05-05", "07:30"), at("2026-05-05", "17:00")),
                (at("2026-05-05", "13:00"), None),
            ],
            "1.00",
        ),
    ],
)
def test_processing_working_days(received, returned, pauses, expected):
    """Office time from receipt to return, less paused time, in 8-hour days."""
    assert processing_working_days(received, returned, pauses, CALENDAR) == Decimal(
        expected
    )


def test_median_of_a_histogram():
    assert median(Counter()) is None
    assert median(Counter({"1.0": 1, "3.0": 1, "2.0": 1})) == Decimal("2.00")
    assert median(Counter({"1.0": 2, "4.0": 2})) == Decimal("2.50")


def test_a_rate_without_denominator_is_no_data():
    assert rate(0, 0) is None
    assert rate(1, 3) == Decimal("0.3333")


def test_index_766_never_invents_a_group():
    """Groups without data have no points and leave the maximum too."""
    figures = Figures(Counter(returned=3, early=1, on_time=1, late=1, received=4))
    groups = {g.key: g for g in index_766(Indicators(figures))}
    assert len(groups) == 6
    assert sum(g.max_points for g in groups.values()) == 100
    assert groups["progress"].points == Decimal("13.33")
    for key in ("transparency", "online_payment", "satisfaction"):
        assert groups[key].points is None
    _scored, possible = index_total(groups.values())
    assert possible == 20 + 12 + 22


def test_periods():
    assert Period.month(2026, 2) == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert Period.quarter(2026, 4) == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert Period.month(2026, 12).last == date(2026, 12, 31)
    assert len(Period.year(2026).months()) == 12


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("manager", True),
        ("leader", True),
        ("clerk", False),
        ("officer", False),
        ("citizen", False),
        ("admin", False),
    ],
)
def test_who_counts_what(demo, username, allowed):
    """A manager counts their agency's subtree; a leader their agency's
    decisions; other roles nothing."""
    scope = scope_of(demo_user(username))
    assert (scope is not None) == allowed
    if username == "manager":
        # The province's subtree (the social insurance agency sits outside it).
        assert scope.agencies == frozenset(
            agency_subtree(demo_user("manager").agency_id)
        )
    if username == "leader":
        assert scope.agencies == frozenset({demo_user("leader").agency_id})
        assert not scope.desk_too
