"""Complaints in the statistics: counted on the day filed, and a dossier with a
complaint is not satisfied (issue 14), without ever changing a finished day."""

import json
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from dossiers.models import Dossier, State
from feedback.models import Complaint, active_criteria
from feedback.services import complaint_file, rating_submit
from reports import summaries
from reports.facts import DossierRecord, Figures, facts_of
from reports.indicators import Indicators, Period, RecomputeSource, Scope, indicators
from workcalendar.types import OFFICE_TZ, WorkCalendar

GOOD = {"guidance": 5, "courtesy": 4}
BAD = {"guidance": 1, "courtesy": 2}


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=OFFICE_TZ)


RATED = at(10)


def record(scores=GOOD, rated=RATED, complaints=()) -> DossierRecord:
    return DossierRecord(
        pk=1,
        key=(1, 2, 3, "online"),
        state=State.RETURNED,
        outcome="",
        timeliness="on_time",
        submitted_at=None,
        received_at=None,
        returned_at=None,
        closed_at=None,
        mandatory_papers=frozenset(),
        rating={"scores": scores, "created_at": rated} if scores is not None else None,
        complaints=list(complaints),
    )


def per_day(rec: DossierRecord) -> dict[date, Counter]:
    found: dict[date, Counter] = {}
    for fact in facts_of(rec, WorkCalendar()):
        found.setdefault(fact.day, Counter()).update(
            {k: v for k, v in fact.figures.counts.items() if v}
        )
    return found


@pytest.mark.parametrize(
    ("scores", "complaints", "expected"),
    [
        # (scores, complaint days, {day: counters})
        (GOOD, (), {10: {"rated": 1, "satisfied": 1}}),
        (BAD, (), {10: {"rated": 1}}),
        # A complaint before the rating: not satisfied on the rating's day.
        (GOOD, (at(5),), {5: {"complaints": 1}, 10: {"rated": 1}}),
        # After a satisfied rating: withdrawn on the complaint's day, once.
        (
            GOOD,
            (at(12), at(14)),
            {
                10: {"rated": 1, "satisfied": 1},
                12: {"complaints": 1, "complained_after_rating": 1},
                14: {"complaints": 1},
            },
        ),
        # After a dissatisfied rating: nothing to withdraw.
        (BAD, (at(12),), {10: {"rated": 1}, 12: {"complaints": 1}}),
        # Not rated: only counted.
        (None, (at(12), at(12, 15)), {12: {"complaints": 2}}),
    ],
)
def test_complaint_facts(scores, complaints, expected):
    found = per_day(record(scores=scores, complaints=complaints))
    assert found == {date(2026, 3, d): Counter(c) for d, c in expected.items()}


def test_the_satisfaction_rate_subtracts_complained_dossiers():
    """Four rated, three with good scores, one of which was complained about
    later: two satisfied of four."""
    figures = Figures(
        Counter(rated=4, satisfied=3, complaints=2, complained_after_rating=1)
    )
    values = Indicators(figures)
    assert values.satisfaction_rate == Decimal("0.5")
    assert values.complaints == 2


def test_a_complaint_alone_never_makes_the_rate_negative():
    values = Indicators(Figures(Counter(rated=1, complained_after_rating=2)))
    assert values.satisfaction_rate == Decimal(0)


@pytest.mark.django_db
def test_the_command_prints_the_number_of_complaints_and_the_rate_drops(demo):
    """``manage.py indicators`` prints the complaints filed in the period (not
    null), the same as a recompute, and a complaint about a rated dossier lowers
    the satisfaction rate."""
    today = timezone.localdate()
    period = ("--from", str(today - timedelta(days=400)), "--to", str(today))

    def printed() -> dict:
        out = StringIO()
        call_command("indicators", *period, "--format", "json", stdout=out)
        return json.loads(out.getvalue())

    dossier = Dossier.objects.filter(state=State.RETURNED, ratings__isnull=True).first()
    rating_submit(
        dossier=dossier,
        scores={c.code: 5 for c in active_criteria()},
    )
    before = printed()
    assert before["complaints"] == 0
    assert before["satisfaction_rate"] is not None
    complaint_file(dossier=dossier, subject="Phí", text="Thu thêm.")
    assert Complaint.objects.count() == 1
    summaries.refresh()
    after = printed()
    assert after["complaints"] == 1
    assert after["rated"] == before["rated"]
    assert Decimal(str(after["satisfaction_rate"])) < Decimal(
        str(before["satisfaction_rate"])
    )
    recomputed = indicators(
        Period(today - timedelta(days=400), today), Scope(), RecomputeSource()
    )
    assert recomputed.complaints == 1
