"""The HTTP benchmark's parts: the bare view, the logged-in sessions it drives the
pages with, and the synthetic dossiers (manage.py bench_http, docs/performance.md).

The whole command (gunicorn, a scratch database, a million rows) takes minutes and
is run by hand, as docs/performance.md says; wrk and its script are driven here
against the live test server.
"""

import shutil
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.urls import path

from accounts.models import User
from dossiers.models import FINAL_STATES, Dossier, DossierStep, State, TransitionLog
from dossiers.selectors import received_register
from onecenter.urls import urlpatterns as site_urlpatterns
from portal.benchmark import data, runner
from portal.benchmark.runner import BARE_PATH, Page
from portal.benchmark.sessions import logged_in_session
from portal.benchmark.views import bare
from tests.conftest import IN_CI

# This module is the URL configuration of the bare-view test: the site's, plus the
# route BENCH_BARE_VIEW=true adds.
urlpatterns = [*site_urlpatterns, path("bench/bare/", bare, name="bench_bare")]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_bare_view_answers_through_the_middleware(client):
    """The bare view answers a tiny body with every header the middleware adds."""
    response = client.get("/bench/bare/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "Content-Security-Policy" in response
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_bare_view_is_not_routed_by_default(client):
    """Without BENCH_BARE_VIEW the site has no benchmark route."""
    assert client.get("/bench/bare/").status_code == 404


@pytest.mark.parametrize(
    ("username", "page"),
    [
        ("clerk", "/staff/"),
        ("manager", "/staff/dossiers/"),
        ("citizen", "/my/dossiers/"),
    ],
)
def test_session_is_logged_in_past_the_second_factor(client, demo, username, page):
    """A benchmark session opens the user's pages, staff ones without the code page."""
    client.cookies[settings.SESSION_COOKIE_NAME] = logged_in_session(username)
    response = client.get(page)
    assert response.status_code == 200
    assert response.wsgi_request.user.username == username


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the generator writes PostgreSQL SQL"
)
def test_generator_writes_dossiers_as_the_pages_read_them(demo):
    """Generated dossiers follow their state: codes and PINs that track, steps and
    log rows once transferred, a register month, the citizen's twenty."""
    before = Dossier.objects.count()
    generated = data.generate(600)

    dossiers = Dossier.objects.exclude(pk__lte=0).filter(code__regex=r"-[0-9]{7}$")
    assert Dossier.objects.count() == before + 600
    assert dossiers.count() == 600
    states = set(dossiers.values_list("state", flat=True))
    assert {State.RETURNED, State.PROCESSING, State.SUBMITTED} <= states
    open_ones = dossiers.exclude(state__in=FINAL_STATES)
    assert not open_ones.filter(state=State.PROCESSING, steps__isnull=True).exists()
    for dossier in dossiers.filter(state=State.RETURNED)[:20]:
        assert dossier.returned_at and dossier.timeliness and dossier.outcome
        assert dossier.steps.filter(finished_at__isnull=True).count() == 0
        assert set(dossier.transitions.values_list("transition", flat=True)) == {
            "receive",
            "transfer",
            "approve",
            "return_result",
        }
    assert DossierStep.objects.filter(dossier__in=dossiers).exists()
    assert TransitionLog.objects.filter(dossier__in=dossiers).exists()

    tracked = Dossier.objects.get(code=generated.tracked_code)
    assert tracked.lookup_pin == generated.tracked_pin
    assert User.objects.get(username="citizen").dossiers.count() == 20

    start, end = generated.month_bounds
    assert end - start >= timedelta(days=27)
    manager = User.objects.get(username="manager")
    in_month = received_register(manager, start, end).count()
    assert in_month == generated.register_dossiers
    assert 0.05 * 600 < in_month < 0.15 * 600
    assert data.load_meta() == generated


@pytest.mark.skipif(
    shutil.which("wrk") is None and not IN_CI,
    reason="wrk is not installed (apt-get install wrk)",
)
@pytest.mark.urls(__name__)
def test_wrk_measures_a_get_and_a_csrf_protected_post(live_server, demo):
    """wrk with the command's script measures the bare view, and posts the tracking
    form with its CSRF cookie and token without an error; without them every
    request is refused, and wrk counts it."""
    port = urlsplit(live_server.url).port
    bare_page = Page("bare", BARE_PATH, "anonymous", "bare")
    result = runner.measure(
        port, bare_page, cookie="", connections=1, threads=1, seconds=1, body=""
    )
    assert result.requests > 0
    assert result.errors == 0
    assert result.p50_ms > 0

    dossier = Dossier.objects.exclude(code=None).exclude(lookup_pin="").first()
    cookie, token = runner.csrf_pair(port, "/track/")
    body = urlencode(
        {"code": dossier.code, "pin": dossier.lookup_pin, "csrfmiddlewaretoken": token}
    )
    answer = runner.get(port, "/track/", cookie=cookie, method="POST", body=body)
    assert answer.status == 200
    assert dossier.code in answer.body.decode()
    tracking = Page("tracking", "/track/", "anonymous", "bare", method="POST")
    posted = runner.measure(
        port, tracking, cookie=cookie, connections=1, threads=1, seconds=1, body=body
    )
    assert posted.requests > 0
    assert posted.errors == 0
    refused = runner.measure(
        port, tracking, cookie="", connections=1, threads=1, seconds=1, body=body
    )
    assert refused.errors == refused.requests > 0


def test_a_run_no_faster_than_one_connection_is_made_again():
    """Two workers serve 16 connections about twice as fast as one: a run that
    is not (every connection accepted by one worker) is measured again."""
    page = Page("x", "/x/", "anonymous", "x")

    def result(connections: int, requests: int) -> runner.Result:
        return runner.Result(page, connections, requests, 10.0, 1.0, 2.0, 0)

    single = result(1, 3000)
    assert runner.one_worker(result(16, 3300), single, workers=2)
    assert not runner.one_worker(result(16, 5800), single, workers=2)
    # One worker, or nothing to compare with: nothing to suspect.
    assert not runner.one_worker(result(16, 3300), single, workers=1)
    assert not runner.one_worker(result(16, 3300), None, workers=2)
    assert not runner.one_worker(single, single, workers=2)
