"""Summary rows against a full recompute from the dossiers: after random
transitions, rebuilt day by day with the live days on top, the figures agree."""

import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dossiers import services, workflow
from dossiers.models import Channel, Dossier, State
from feedback.models import Complaint, Rating
from feedback.services import complaint_answer, complaint_file, rating_submit
from procedures.models import Procedure
from reports import summaries
from reports.facts import COUNTERS, Figures, tenths_bucket
from reports.indicators import (
    Period,
    RecomputeSource,
    Scope,
    Source,
    indicators,
    indicators_by,
    month_spans,
)
from reports.models import (
    DailySummary,
    MonthlyProcessingTimeCount,
    MonthlySummary,
    ProcessingTimeCount,
)
from tests.factories import demo_user, pdf
from workcalendar.types import OFFICE_TZ

pytestmark = pytest.mark.django_db

ACTORS = ("clerk", "officer", "leader", "manager", "citizen")


def key_of(row) -> tuple:
    return (
        row.deciding_agency_id,
        row.receiving_desk_id,
        row.procedure_id,
        row.channel,
    )


def rows_as_figures(rows=DailySummary, times=ProcessingTimeCount) -> dict:
    found = {}
    for row in rows.objects.all():
        key = key_of(row)
        figures = Figures(processing_days=row.processing_days)
        figures.counts.update({name: getattr(row, name) for name in COUNTERS})
        figures.criteria.update(row.criteria_totals)
        figures.criteria_counts.update(row.criteria_counts)
        found[(row.day, key)] = figures
    for count in times.objects.all():
        key = key_of(count)
        found[(count.day, key)].histogram[tenths_bucket(count.tenths)] += count.dossiers
    return {key: figures.as_comparable() for key, figures in found.items()}


def daily_rows_per_month() -> dict:
    """The daily rows summed per month and key, as the monthly rows should be."""
    found: dict = {}
    for row in DailySummary.objects.all():
        key = key_of(row)
        figures = found.setdefault((row.day.replace(day=1), key), Figures())
        figures.processing_days += row.processing_days
        figures.counts.update({name: getattr(row, name) for name in COUNTERS})
        figures.criteria.update(row.criteria_totals)
        figures.criteria_counts.update(row.criteria_counts)
    for count in ProcessingTimeCount.objects.all():
        key = key_of(count)
        found[(count.day.replace(day=1), key)].histogram[
            tenths_bucket(count.tenths)
        ] += count.dossiers
    return {key: figures.as_comparable() for key, figures in found.items()}


class Walker:
    """Random legal moves on random dossiers, at a simulated clock moving forward."""

    def __init__(self, seed: int, start) -> None:
        self.random = random.Random(seed)
        self.now = start
        self.users = {name: demo_user(name) for name in ACTORS}
        self.procedure = Procedure.objects.get(code="1.004873")
        self.dossiers: list[int] = []

    def tick(self) -> None:
        self.now += timedelta(minutes=self.random.randint(10, 60 * 5))

    def actor(self, dossier: Dossier, action: str):
        for name in ACTORS:
            if not workflow.refusal_reason(dossier, action, self.users[name]):
                return self.users[name]
        return None

    def file(self) -> None:
        citizen = self.users["citizen"]
        dossier = services.dossier_create_draft(
            applicant=citizen, procedure=self.procedure
        )
        for paper in dossier.papers:
            if paper["mandatory"]:
                services.dossier_attach_paper(
                    dossier=dossier,
                    actor=citizen,
                    paper_index=paper["index"],
                    upload=pdf(),
                )
        services.dossier_submit(dossier=dossier, actor=citizen, at=self.now)
        self.dossiers.append(dossier.pk)

    def complain(self, dossier: Dossier) -> None:
        """A complaint at the simulated time, answered at once half the time."""
        try:
            complaint = complaint_file(
                dossier=dossier,
                subject="Chậm trả kết quả",
                text="Đề nghị trung tâm xem xét.",
                actor=self.users["citizen"],
            )
        except ValidationError:  # too many awaiting an answer
            return
        Complaint.objects.filter(pk=complaint.pk).update(created_at=self.now)
        if self.random.random() < 0.5:
            complaint_answer(
                complaint=complaint, actor=self.users["manager"], answer="Đã xử lý."
            )

    def move(self, dossier: Dossier) -> None:
        at, pick = self.now, self.random.choice
        if dossier.state != State.DRAFT and self.random.random() < 0.1:
            self.complain(dossier)
            return
        options = {
            State.SUBMITTED: ["receive"] * 6 + ["refuse", "withdraw"],
            State.RECEIVED: ["transfer"] * 6 + ["stop"],
            State.PROCESSING: [
                "forward",
                "approve",
                "approve",
                "deny",
                "request_supplement",
            ],
            State.AWAITING_SUPPLEMENT: ["supplement", "supplement", "stop"],
            State.RESULT_READY: ["return_result"],
            State.RETURNED: ["rate"],
        }.get(dossier.state, [])
        if not options:
            return
        action = pick(options)
        if action == "rate":
            if not Rating.objects.filter(dossier=dossier).exists():
                scores = {
                    name: self.random.randint(1, 5)
                    for name in ("guidance", "courtesy", "timeliness", "fees")
                }
                rating = rating_submit(
                    dossier=dossier, scores=scores, actor=self.users["citizen"]
                )
                Rating.objects.filter(pk=rating.pk).update(created_at=at)
            return
        actor = self.actor(dossier, action)
        if actor is None:
            return
        reasons = {"reasons": "Lý do thử nghiệm."}
        call = {
            "receive": lambda: services.dossier_receive(
                dossier=dossier, actor=actor, at=at
            ),
            "refuse": lambda: services.dossier_refuse(
                dossier=dossier, actor=actor, at=at, **reasons
            ),
            "withdraw": lambda: services.dossier_withdraw(
                dossier=dossier, actor=actor, at=at
            ),
            "transfer": lambda: services.dossier_transfer(
                dossier=dossier, actor=actor, at=at
            ),
            "forward": lambda: services.dossier_forward(
                dossier=dossier, actor=actor, at=at
            ),
            "approve": lambda: services.dossier_approve(
                dossier=dossier,
                actor=actor,
                at=at,
                result_files=[pdf("ket-qua.pdf")] if self.random.random() < 0.7 else [],
            ),
            "deny": lambda: services.dossier_deny(
                dossier=dossier, actor=actor, at=at, **reasons
            ),
            "request_supplement": lambda: services.dossier_request_supplement(
                dossier=dossier,
                actor=actor,
                items=[{"paper_index": None, "name": "Tờ khai", "guidance": "Ký"}],
                message="Đề nghị Ông/Bà bổ sung.",
                at=at,
            ),
            "supplement": lambda: services.dossier_supplement(
                dossier=dossier, actor=actor, at=at
            ),
            "stop": lambda: services.dossier_stop(
                dossier=dossier, actor=actor, at=at, **reasons
            ),
            "return_result": lambda: services.dossier_return_result(
                dossier=dossier,
                actor=actor,
                channel=Channel.ONLINE
                if dossier.attachments.filter(kind="result").exists()
                else Channel.POST,
                at=at,
            ),
        }[action]
        call()

    def step(self) -> None:
        self.tick()
        if not self.dossiers or self.random.random() < 0.12:
            self.file()
            return
        dossier = Dossier.objects.get(pk=self.random.choice(self.dossiers))
        self.move(dossier)


def local_day(moment) -> date:
    return moment.astimezone(OFFICE_TZ).date()


@pytest.mark.parametrize("seed", [14, 766])
def test_summaries_equal_a_full_recompute_after_random_transitions(demo, media, seed):
    """Whatever the transitions, rebuilt summary rows (each finished day, with the
    beat task's incremental refresh) plus the live days give the same figures as a
    recompute from every dossier, for any period, scope and grouping."""
    Dossier.objects.all().delete()
    start = timezone.now() - timedelta(days=45)
    walker = Walker(seed, start)
    refreshed = 0
    while walker.now < timezone.now() - timedelta(days=1):
        walker.step()
        if walker.random.random() < 0.04:
            summaries.refresh(today=local_day(walker.now))
            refreshed += 1
    assert refreshed, "the walk never refreshed the summaries"
    assert len(walker.dossiers) > 20
    assert Complaint.objects.exists(), "the walk filed no complaint"
    built = summaries.built_through()
    assert built is not None

    # The rows of the built days are exactly the recompute of those days.
    recomputed = {
        key: figures.as_comparable()
        for key, figures in summaries.full_recompute(last=built).items()
    }
    assert rows_as_figures() == recomputed
    # The monthly rows, rolled up at each refresh, are the daily rows' sums.
    monthly = rows_as_figures(MonthlySummary, MonthlyProcessingTimeCount)
    assert monthly == daily_rows_per_month()
    assert len(monthly) < len(recomputed)

    # Every indicator, over random periods and scopes, from both sources: the
    # periods from a random day and the months of the walk (read from the
    # monthly rows, with days before or after them from the daily rows).
    summary_source, full_source = Source(), RecomputeSource()
    agency = Procedure.objects.get(code="1.004873").deciding_agency_id
    first_day, last_day = local_day(start), local_day(walker.now)
    periods = [Period.month(day.year, day.month) for day in (first_day, last_day)]
    periods.append(Period(first_day, last_day))
    periods.append(Period(first_day.replace(day=1), built))
    for _ in range(6):
        a = first_day + timedelta(days=walker.random.randint(0, 40))
        b = a + timedelta(days=walker.random.randint(0, 20))
        periods.append(Period(a, min(b, last_day)))
    for period in periods:
        for scope in (
            Scope(),
            Scope(agencies=frozenset({agency}), desk_too=False),
            Scope(channel=Channel.ONLINE),
        ):
            assert (
                indicators(period, scope, summary_source).as_dict()
                == indicators(period, scope, full_source).as_dict()
            )
            for group in ("procedure", "agency", "sector", "month"):
                by_summary = indicators_by(period, scope, group, summary_source)
                by_full = indicators_by(period, scope, group, full_source)
                assert {k: v.as_dict() for k, v in by_summary.items()} == {
                    k: v.as_dict() for k, v in by_full.items()
                }


def test_refresh_twice_changes_nothing(demo):
    """The beat task is idempotent: a second run on the same day rebuilds nothing,
    and a full rebuild gives the same rows."""
    summaries.refresh()
    before = rows_as_figures()
    assert before
    assert summaries.refresh() == 0
    monthly = rows_as_figures(MonthlySummary, MonthlyProcessingTimeCount)
    assert monthly == daily_rows_per_month()
    summaries.rebuild_all()
    assert rows_as_figures() == before
    assert rows_as_figures(MonthlySummary, MonthlyProcessingTimeCount) == monthly


@pytest.mark.parametrize(
    ("first", "last", "built", "months", "days"),
    [
        # A year up to the last day built: every month from the monthly rows,
        # the month of ``built`` too (its row holds its days built so far).
        ("2026-01-01", "2026-11-29", "2026-11-29", ("2026-01-01", "2026-11-01"), []),
        # Mid-month edges: the days around the whole months.
        (
            "2026-01-15",
            "2026-04-10",
            "2026-11-29",
            ("2026-02-01", "2026-03-01"),
            ["2026-01-15", "2026-01-31", "2026-04-01", "2026-04-10"],
        ),
        # No whole month: days only.
        ("2026-03-03", "2026-03-20", "2026-11-29", None, ["2026-03-03", "2026-03-20"]),
        # Everything before a day (the stock carried over).
        (None, "2026-05-31", "2026-11-29", (None, "2026-05-01"), []),
        (
            None,
            "2026-05-30",
            "2026-11-29",
            (None, "2026-04-01"),
            ["2026-05-01", "2026-05-30"],
        ),
        # Nothing built yet: days only.
        ("2026-01-01", "2026-03-31", None, None, ["2026-01-01", "2026-03-31"]),
    ],
)
def test_month_spans(demo, first, last, built, months, days):
    """Which months a period reads from the monthly rows and which days from the
    daily rows: the two never overlap and together cover the period."""

    def day(text):
        return None if text is None else date.fromisoformat(text)

    found_months, found_days = month_spans(day(first), day(last), day(built))
    assert found_months == (
        None if months is None else (day(months[0]), day(months[1]))
    )
    # The daily rows the filter reads, over a row for each day of 400.
    procedure = Procedure.objects.get(code="1.004873")
    DailySummary.objects.bulk_create(
        DailySummary(
            day=date(2025, 12, 1) + timedelta(days=n),
            deciding_agency_id=procedure.deciding_agency_id,
            receiving_desk_id=procedure.deciding_agency_id,
            procedure=procedure,
            channel=Channel.ONLINE,
        )
        for n in range(400)
    )
    read = (
        set(DailySummary.objects.filter(found_days).values_list("day", flat=True))
        if found_days
        else set()
    )
    expected = set()
    for start, end in zip(days[::2], days[1::2], strict=True):
        d = day(start)
        while d <= day(end):
            expected.add(d)
            d += timedelta(days=1)
    assert read == expected
