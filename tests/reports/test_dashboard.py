"""The manager's per-agency figures for the workspace's landing page, from the
summary rows (reports/dashboard.py and its template include)."""

import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from reports import summaries
from reports.dashboard import manager_summary, summary_for
from reports.indicators import Period, Source, indicators, scope_of
from tests.factories import demo_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_rows_per_agency_add_up_to_the_month_indicators(demo):
    """Each deciding agency's row, summed, gives the indicators of the month:
    received, resolved early or on time, late, open and overdue."""
    summaries.refresh()
    manager = demo_user("manager")
    today = timezone.localdate()
    summary = manager_summary(manager)
    values = indicators(
        Period(today.replace(day=1), today), scope_of(manager), Source()
    )
    total = summary.total
    assert total.received == values.received == sum(r.received for r in summary.rows)
    assert total.in_time == values.early + values.on_time
    assert total.late == values.late
    assert total.on_time_rate == values.on_time_rate
    assert total.open_now == values.open_at_end
    assert total.overdue_now == values.overdue_at_end
    assert summary.rows, "the demo centre has dossiers this month"
    overdue = [r.overdue_now for r in summary.rows]
    assert overdue == sorted(overdue, reverse=True)


@pytest.mark.parametrize("username", ["clerk", "officer", "citizen"])
def test_no_summary_for_those_without_statistics(demo, username):
    assert manager_summary(demo_user(username)) is None
    html = Template("{% load statistics %}{% manager_summary user %}").render(
        Context({"user": demo_user(username)})
    )
    assert html.strip() == ""


def test_leader_sees_only_their_agency(demo):
    summaries.refresh()
    leader = demo_user("leader")
    summary = manager_summary(leader)
    assert {row.agency_id for row in summary.rows} <= {leader.agency_id}


def test_include_renders_the_table_and_is_cached(demo):
    """The include shows a row per agency with links to the statistics; a second
    rendering within the minute reads nothing from the database."""
    summaries.refresh()
    template = Template("{% load statistics %}{% manager_summary user %}")
    manager = demo_user("manager")
    with translation.override("en"):
        html = template.render(Context({"user": manager}))
        assert 'id="manager-summary"' in html
        assert "/staff/statistics/?agency=" in html
        assert "On-time rate" in html
        with CaptureQueriesContext(connection) as captured:
            template.render(Context({"user": manager}))
    assert not any("reports_" in q["sql"] or "dossiers_" in q["sql"] for q in captured)


def test_summary_queries_do_not_grow(demo):
    """As many queries with the demo's dossiers as with a few hundred more."""
    from dossiers.management.commands.bench import Command as DossierBench
    from reports.management.commands.bench_statistics import Command as Bench

    scope = scope_of(demo_user("manager"))
    today = timezone.localdate()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            summary_for(scope, today)
        return len(captured)

    bench = Bench(stdout=io.StringIO())
    bench.build()
    queries()
    bench.build()
    cold, warm = queries(), queries()
    DossierBench(stdout=io.StringIO()).generate(300, demo_user("clerk"))
    bench.build()
    assert (queries(), queries()) == (cold, warm)


def test_overdue_now_is_what_the_worklist_calls_overdue(demo):
    """A dossier paused for a supplement, past its due date, is not overdue: the
    summary on the manager's landing page and the overdue queue above it agree."""
    from datetime import timedelta

    from dossiers.models import Dossier, State
    from dossiers.queues import queue_counts
    from dossiers.selectors import due_windows

    manager = demo_user("manager")
    now = timezone.now()
    paused = Dossier.objects.filter(state=State.RECEIVED).first()
    Dossier.objects.filter(pk=paused.pk).update(
        state=State.AWAITING_SUPPLEMENT, current_due_at=now - timedelta(days=3)
    )
    summaries.refresh()
    summary = manager_summary(manager)
    queues = queue_counts(manager, due_windows(now))
    assert summary.total.overdue_now == queues["overdue"]
