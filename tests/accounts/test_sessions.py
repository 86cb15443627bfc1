"""How long a login lasts: staff 30 minutes idle and 12 hours at most, citizens
14 days from login; "__Host-" cookie names when cookies are Secure."""

import importlib.util
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.session_expiry import LAST_SEEN, STARTED
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"
MINUTE, HOUR, DAY = 60, 3600, 86_400


@pytest.fixture
def clerk(demo):
    return UserFactory(username="clerk2", role="clerk", agency=None)


@pytest.fixture
def citizen():
    return UserFactory(username="lan", email="lan@example.vn")


def visits(client, user, gaps: list[int]) -> list[int | str]:
    """Log in, then a request after each gap (seconds): 200, or where it was sent."""
    answers: list[int | str] = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(user)
        assert client.get(PROFILE).status_code == 200
        for gap in gaps:
            clock.shift(gap)
            response = client.get(PROFILE)
            answers.append(
                response.status_code
                if response.status_code == 200
                else response["Location"]
            )
    return answers


EXPIRED = f"{reverse('accounts:login')}?next=%2Faccounts%2Fprofile%2F"


def test_staff_are_logged_out_after_thirty_idle_minutes(client, clerk, settings):
    """29 minutes without a request keep the session; 31 end it, and the login page
    says why and leads back."""
    assert visits(client, clerk, [29 * MINUTE, 31 * MINUTE]) == [200, EXPIRED]
    assert "_auth_user_id" not in client.session
    page = client.get(EXPIRED).content.decode()
    assert "Phiên làm việc đã hết hạn" in page


def test_staff_are_logged_out_twelve_hours_after_login_however_active(client, clerk):
    """A request every 20 minutes keeps the session until 12 hours are past."""
    answers = visits(client, clerk, [20 * MINUTE] * 39)
    assert answers[:36] == [200] * 36  # up to 12:00
    assert answers[36] == EXPIRED  # 12:20


def test_citizens_have_no_idle_limit_but_fourteen_days_at_most(client, citizen):
    """A citizen idle for a day stays logged in; 14 days after login, even with a
    request every day, the session ends."""
    answers = visits(client, citizen, [DAY] * 15)
    assert answers[:14] == [200] * 14
    assert answers[14] == EXPIRED


def test_the_limits_come_from_the_settings(client, clerk, settings):
    """STAFF_SESSION_IDLE_SECONDS sets the idle limit."""
    settings.STAFF_SESSION_IDLE_SECONDS = 5 * MINUTE
    assert visits(client, clerk, [4 * MINUTE, 6 * MINUTE]) == [200, EXPIRED]


def test_an_htmx_request_is_sent_to_the_login_page_whole(client, clerk):
    """A partial update gets HX-Redirect, so the whole page goes to the login."""
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(clerk)
        client.get(PROFILE)
        clock.shift(HOUR)
        response = client.get(PROFILE, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == EXPIRED


def test_the_session_is_written_at_most_once_a_minute(client, citizen):
    """Requests within a minute do not rewrite the last-seen time."""
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(citizen)
        client.get(PROFILE)
        seen = client.session[LAST_SEEN]
        clock.shift(30)
        client.get(PROFILE)
        assert client.session[LAST_SEEN] == seen
        clock.shift(40)
        client.get(PROFILE)
        assert client.session[LAST_SEEN] == seen + 70
    assert STARTED in client.session


def test_a_login_through_the_form_starts_the_clock(client, citizen):
    """The login page's answer already carries the login time."""
    client.post(
        reverse("accounts:login"), {"username": "lan", "password": "onecenter-demo"}
    )
    assert STARTED in client.session and LAST_SEEN in client.session


# --- cookie names ----------------------------------------------------------------


def load_settings(monkeypatch, **variables: str):
    """onecenter/settings.py executed afresh with these variables (the running
    settings are left alone)."""
    for name in (
        "DEBUG",
        "ALLOW_PLAIN_HTTP",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    path = Path(settings.BASE_DIR) / "onecenter" / "settings.py"
    spec = importlib.util.spec_from_file_location("settings_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("variables", "names"),
    [
        ({"DEBUG": "false"}, ("__Host-sessionid", "__Host-csrftoken")),
        ({"DEBUG": "false", "ALLOW_PLAIN_HTTP": "true"}, ("sessionid", "csrftoken")),
        ({"DEBUG": "true"}, ("sessionid", "csrftoken")),
        (
            {"DEBUG": "false", "CSRF_COOKIE_SECURE": "false"},
            ("__Host-sessionid", "csrftoken"),
        ),
    ],
    ids=["https", "plain-http", "debug", "csrf-not-secure"],
)
def test_secure_cookies_get_host_only_names(monkeypatch, variables, names):
    """Secure session and CSRF cookies are named "__Host-…" (browsers then refuse
    them from a subdomain or over plain HTTP); cookies that are not Secure keep
    Django's names, which a browser would otherwise refuse."""
    module = load_settings(monkeypatch, **variables)
    actual = (module.SESSION_COOKIE_NAME, module.CSRF_COOKIE_NAME)
    assert actual == names
    assert module.SESSION_COOKIE_AGE == 14 * DAY
    assert module.STAFF_SESSION_IDLE_SECONDS == 30 * MINUTE
    assert module.STAFF_SESSION_MAX_AGE == 12 * HOUR
