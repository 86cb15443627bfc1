"""Public tracking by code and PIN: each stage, no personal data, the PIN never in
an address, and guesses limited per client and per code, atomically."""

import re
import threading
from datetime import time, timedelta

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dossiers import services, tracking
from dossiers.models import Dossier
from feedback.models import Rating
from tests.factories import demo_user
from workcalendar.calendar import calendar_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def track(client, dossier, pin=None, **extra):
    return client.post(
        reverse("dossiers:track"),
        {"code": dossier.code, "pin": dossier.lookup_pin if pin is None else pin},
        **extra,
    )


def page(response) -> str:
    """The page without its per-response CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)


def current_stage(response):
    return [s.label for s in response.context["stages"] if s.status == "current"]


def test_tracking_follows_each_stage_to_the_result(client, in_processing, media):
    """Received → processing → result ready → returned, each shown as it comes."""
    dossier = in_processing
    clerk, officer, leader = (demo_user(u) for u in ("clerk", "officer", "leader"))
    response = track(client, dossier)
    assert response.context["status"].state == "processing"
    assert len(current_stage(response)) == 1
    stages_seen = [current_stage(response)]
    services.dossier_forward(dossier=dossier, actor=officer)
    services.dossier_approve(dossier=dossier, actor=leader)
    response = track(client, dossier)
    assert response.context["status"].state == "result_ready"
    stages_seen.append(current_stage(response))
    services.dossier_return_result(
        dossier=dossier,
        actor=clerk,
        channel="counter",
        collected_by="An",
        id_checked=True,
    )
    response = track(client, dossier)
    assert response.context["status"].state == "returned"
    assert all(s.status == "done" for s in response.context["stages"])
    assert response.context["rating_form"] is not None
    assert stages_seen[0] != stages_seen[1]


def test_tracking_shows_no_personal_data(client, in_processing):
    """The applicant's name, ID number and phone never appear."""
    content = track(client, in_processing).content.decode()
    for private in (
        in_processing.applicant_name,
        in_processing.applicant_id_number,
        in_processing.applicant_phone,
    ):
        assert private not in content


def test_wrong_pin_reads_exactly_like_an_unknown_code(client, in_processing):
    """A real code with a wrong PIN gets the same page as a code that does not exist."""
    wrong = track(client, in_processing, pin="999999")
    unknown = client.post(reverse("dossiers:track"), {"code": "X-1", "pin": "999999"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["not_found"] and unknown.context["not_found"]
    assert "status" not in wrong.context
    assert page(wrong).replace(in_processing.code, "X-1") == page(unknown)


def test_repeated_guessing_is_refused_with_429_and_the_wait(
    client, in_processing, settings
):
    """After TRACKING_MAX_FAILURES misses, even the right PIN gets 429 for a while,
    and the page says how long to wait."""
    settings.TRACKING_MAX_FAILURES = 3
    settings.TRACKING_BLOCK_SECONDS = 900
    for _ in range(3):
        assert track(client, in_processing, pin="000000").status_code == 200
    refused = track(client, in_processing)
    assert refused.status_code == 429
    assert "status" not in refused.context
    assert refused.context["wait_minutes"] == 15
    assert 0 < int(refused["Retry-After"]) <= 900
    assert 'data-testid="tracking-blocked"' in refused.text
    assert "15" in refused.text
    assert client.get(reverse("dossiers:track")).status_code == 429


def test_the_pin_is_sent_by_post_and_never_read_from_the_address(client, in_processing):
    """The form posts (with a CSRF token); a PIN in the query string is ignored,
    while the code from the QR link on Form 01 fills the form."""
    form = client.get(reverse("dossiers:track"), {"code": in_processing.code})
    assert re.search(r'<form method="post" action="/track/"', form.text)
    assert 'name="csrfmiddlewaretoken"' in form.text
    assert f'value="{in_processing.code}"' in form.text
    with_pin = client.get(
        reverse("dossiers:track"),
        {"code": in_processing.code, "pin": in_processing.lookup_pin},
    )
    assert with_pin.status_code == 302
    assert with_pin["Location"] == f"/track/?code={in_processing.code}"


def test_the_tracking_form_needs_its_csrf_token(in_processing):
    """A cross-site POST of code and PIN is refused (403)."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert track(strict, in_processing).status_code == 403


def test_a_found_dossier_does_not_count_as_a_failure(client, in_processing, settings):
    """Only misses count: a citizen checking often is never blocked."""
    settings.TRACKING_MAX_FAILURES = 2
    for _ in range(5):
        assert track(client, in_processing).status_code == 200
    track(client, in_processing, pin="000000")
    assert track(client, in_processing).status_code == 200


def test_concurrent_guesses_never_pass_the_limit(settings):
    """30 guesses at once from one client: exactly TRACKING_MAX_FAILURES go ahead.

    The limiter is called directly from 30 threads on the configured cache (locmem
    here, Redis in CI), as 30 requests would call it.
    """
    settings.TRACKING_MAX_FAILURES = 10
    request = RequestFactory().post("/track/", REMOTE_ADDR="203.0.113.7")
    limits = tracking.limits_for(request, "000.00.00.H99-261201-0001")
    start = threading.Barrier(30)
    allowed: list[int] = []

    def guess() -> None:
        start.wait()
        if tracking.reserve(limits) == 0:
            allowed.append(1)

    threads = [threading.Thread(target=guess) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 10
    assert tracking.blocked_for(request) > 0


def test_the_proxy_header_counts_only_from_a_trusted_proxy(settings):
    """Behind a trusted proxy each citizen has a counter of their own (the
    right-most address the proxies did not add); from anyone else the header is
    ignored, so it cannot be used to dodge the limit."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    factory = RequestFactory()

    def key(remote: str, forwarded: str = "") -> str:
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
        return tracking.client_key(factory.get("/", REMOTE_ADDR=remote, **extra))

    assert key("10.0.0.5", "198.51.100.1") == "198.51.100.1"
    assert key("10.0.0.5", "198.51.100.2") == "198.51.100.2"
    # A client writing its own header: the left-most value is not believed.
    assert key("10.0.0.5", "1.2.3.4, 198.51.100.1, 10.0.0.9") == "198.51.100.1"
    # Not from our proxy: the header is anyone's to write.
    assert key("198.51.100.9", "1.2.3.4") == "198.51.100.9"
    settings.TRUSTED_PROXIES = []
    assert key("10.0.0.5", "198.51.100.1") == "10.0.0.5"
    # One IPv6 subscriber holds a whole /64.
    assert key("2001:db8:1:2::1") == key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"


def test_citizens_behind_the_proxy_do_not_share_a_counter(
    client, in_processing, settings
):
    """One citizen's misses behind the reverse proxy do not block the next one."""
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    settings.TRACKING_MAX_FAILURES = 2
    guesser = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    other = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    for _ in range(2):
        track(client, in_processing, pin="000000", **guesser)
    assert track(client, in_processing, **guesser).status_code == 429
    assert track(client, in_processing, **other).status_code == 200
    spoofed = {"REMOTE_ADDR": "198.51.100.1", "HTTP_X_FORWARDED_FOR": "192.0.2.77"}
    assert track(client, in_processing, **spoofed).status_code == 429


def test_one_code_cannot_be_guessed_from_many_addresses(
    client, in_processing, settings
):
    """Each address stays under its own limit, but the code's limit stops them."""
    settings.TRACKING_MAX_FAILURES = 3
    settings.TRACKING_MAX_FAILURES_PER_CODE = 5
    for n in range(5):
        address = {"REMOTE_ADDR": f"192.0.2.{n}"}
        assert track(client, in_processing, pin="000000", **address).status_code == 200
    fresh = {"REMOTE_ADDR": "198.51.100.50"}
    assert track(client, in_processing, **fresh).status_code == 429
    lower = {"code": in_processing.code.lower(), "pin": in_processing.lookup_pin}
    assert client.post(reverse("dossiers:track"), lower, **fresh).status_code == 429
    # Another dossier's code is not blocked, and the refused tries cost nothing.
    other = Dossier.objects.exclude(pk=in_processing.pk).exclude(code="").first()
    assert track(client, other, **fresh).status_code == 200


def test_the_rating_panel_works_without_the_pin_in_any_address(client, returned):
    """A returned dossier's tracking page carries code and PIN in the rating form's
    hidden fields, posted to the survey; no link holds the PIN."""
    page_text = track(client, returned).text
    form = re.search(
        r'<form method="post" action="(?P<action>[^"]+)"[^>]*>(?P<body>.*?)</form>',
        page_text[page_text.index('id="rating"') :],
        re.S,
    )
    assert form["action"] == reverse("feedback:track_rate")
    hidden = dict(
        re.findall(r'<input type="hidden" name="(code|pin)" value="([^"]*)"', form[0])
    )
    assert hidden == {"code": returned.code, "pin": returned.lookup_pin}
    assert not re.search(rf"[?&]pin={returned.lookup_pin}", page_text)
    scores = {"guidance": 5, "courtesy": 5, "timeliness": 4, "fees": 5}
    response = client.post(form["action"], {**hidden, **scores})
    assert response["Location"] == reverse("dossiers:track")
    assert Rating.objects.filter(dossier=returned).exists()


def overdue(dossier, hours: int = 30) -> None:
    """Move the dossier's date in force into the past (the clock is running)."""
    Dossier.objects.filter(pk=dossier.pk).update(
        current_due_at=timezone.now() - timedelta(hours=hours)
    )
    dossier.refresh_from_db()


def test_an_overdue_dossier_is_shown_overdue_with_the_apology(client, in_processing):
    """Not "being processed": overdue, with the apology the centre owes."""
    overdue(in_processing)
    response = track(client, in_processing)
    status = response.context["status"]
    assert status.overdue
    assert status.state_label != str(in_processing.get_state_display())
    content = response.content.decode()
    assert 'data-testid="overdue-apology"' in content
    assert "Mẫu 04" in content or "Form 04" in content


def test_an_extended_dossier_shows_its_form_04_date(client, in_processing):
    due = in_processing.current_due_at
    calendar = calendar_for(due)
    later = calendar.add_working_days(timezone.localtime(due).date(), 5)
    services.dossier_extend(
        dossier=in_processing,
        actor=demo_user("leader"),
        new_due=calendar.at(later, time(10, 0)),
        reason="Cần xác minh thêm.",
        at=in_processing.received_at,
    )
    in_processing.refresh_from_db()
    response = track(client, in_processing)
    assert response.context["status"].extended_to == in_processing.extended_due_at
    assert not response.context["status"].overdue


def test_a_paused_dossier_is_not_overdue_on_tracking(client, in_processing):
    services.dossier_request_supplement(
        dossier=in_processing,
        actor=demo_user("officer"),
        items=[{"paper_index": 0, "guidance": "Ký tên"}],
        message="Bổ sung chữ ký.",
    )
    overdue(in_processing)
    status = track(client, in_processing).context["status"]
    assert not status.overdue
    assert status.state == "awaiting_supplement"


def test_the_code_matches_whatever_its_case(client, in_processing):
    for code in (in_processing.code.lower(), in_processing.code.upper()):
        response = client.post(
            reverse("dossiers:track"), {"code": code, "pin": in_processing.lookup_pin}
        )
        # The second lookup may be served from the kept page (no context).
        assert (
            f'<h2 id="status-heading" class="h5 fw-bold">{in_processing.code}</h2>'
            in (response.content.decode())
        )


def test_the_kept_status_follows_the_dossier(client, in_processing):
    """The page drawn for a dossier is kept while nothing changes (the second
    lookup draws no template) and drawn again as soon as the dossier changes."""
    url = reverse("dossiers:track")
    form = {"code": in_processing.code, "pin": in_processing.lookup_pin}
    first = client.post(url, form)
    assert 'data-state="processing"' in first.content.decode()
    assert "stages" in first.context
    again = client.post(url, form)
    assert 'data-state="processing"' in again.content.decode()
    assert not again.context
    before = timezone.localtime(in_processing.current_due_at).strftime("%d/%m/%Y")
    later = in_processing.current_due_at + timedelta(days=3)
    Dossier.objects.filter(pk=in_processing.pk).update(current_due_at=later)
    content = client.post(url, form).content.decode()
    assert timezone.localtime(later).strftime("%d/%m/%Y") in content
    assert before not in content


def test_a_kept_tracking_page_carries_each_visitors_own_token(in_processing):
    """Two visitors look up the same dossier: the second is served the kept page
    with a CSRF token of its own, which its next lookup is accepted with."""
    from django.test import Client

    url = reverse("dossiers:track")
    form = {"code": in_processing.code, "pin": in_processing.lookup_pin}
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for visitor in (first, second):
        form["csrfmiddlewaretoken"] = token.search(
            visitor.get(url).content.decode()
        ).group(1)
        response = visitor.post(url, form)
        assert response.status_code == 200
        tokens.append(token.search(response.content.decode()).group(1))
    assert not response.context  # the second was served the kept page
    assert tokens[0] != tokens[1]
    form["csrfmiddlewaretoken"] = tokens[1]
    assert second.post(url, form).status_code == 200


def test_a_returned_dossiers_page_is_never_kept(client, returned):
    """Its rating form holds the PIN: drawn for each lookup."""
    url = reverse("dossiers:track")
    form = {"code": returned.code, "pin": returned.lookup_pin}
    for _ in range(2):
        response = client.post(url, form)
        assert response.context["status"].state == "returned"
