"""What the statistics keep in the cache: sums of built days until the next
rebuild, and the live days computed ahead by the beat task."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dossiers.models import Dossier, State
from feedback.models import Rating
from feedback.services import rating_submit
from reports import summaries, tasks
from reports.indicators import Period, Scope, Source, indicators

pytestmark = pytest.mark.django_db
SCORES = {"guidance": 5, "courtesy": 5, "timeliness": 5, "fees": 5}


def month() -> Period:
    today = timezone.localdate()
    return Period(today.replace(day=1), today)


def test_live_days_come_from_the_beat_task_while_young(demo, settings):
    """After the task ran, a page reads the live days from the cache, without
    touching the dossiers; running the task twice gives the same figures."""
    settings.REPORTS_LIVE_MAX_AGE_SECONDS = 60
    summaries.refresh()
    first = tasks.refresh_live_days()
    assert tasks.refresh_live_days() == first
    with CaptureQueriesContext(connection) as captured:
        Source().live()
    assert not any('"dossiers_dossier"' in q["sql"] for q in captured)


def test_stale_live_days_are_recomputed_once_something_happened(demo, settings):
    """Older than the allowed age, the cached live days are used only if no
    transition or rating happened since; a new rating is then counted."""
    settings.REPORTS_LIVE_MAX_AGE_SECONDS = 0
    summaries.refresh()
    tasks.refresh_live_days()
    before = indicators(month(), Scope(), Source()).rated
    dossier = Dossier.objects.filter(state=State.RETURNED, ratings__isnull=True).first()
    rating_submit(dossier=dossier, scores=SCORES)
    assert Rating.objects.filter(dossier=dossier).exists()
    assert indicators(month(), Scope(), Source()).rated == before + 1


def test_a_rebuild_forgets_the_cached_sums(demo):
    """Sums of built days are cached under a generation that every rebuild renews."""
    summaries.refresh()
    generation = summaries.generation()
    indicators(month(), Scope(), Source())
    summaries.rebuild_all()
    assert summaries.generation() != generation


def test_the_refresh_task_warms_the_common_views(demo):
    """After the beat task rebuilt the rows, the statistics of each manager's scope
    (this month, this year) and the board are read without summing the rows."""
    from reports.indicators import scope_of
    from reports.models import SummaryState
    from reports.warmup import page_reads
    from tests.factories import demo_user

    SummaryState.objects.all().delete()
    assert tasks.refresh_summaries() > 0
    scope = scope_of(demo_user("manager"))
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as captured:
        page_reads(Period.year(today.year), scope, Source())
    assert not any('"reports_dailysummary"' in q["sql"] for q in captured)
