"""Login lockout: five failures lock an account and an address for 15 minutes, on
the site's login and the admin's; a manager or administrator unlocks."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from tests.factories import UserFactory, demo_user

pytestmark = pytest.mark.django_db

SITE_LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
LOCKED = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def attempt(client, username, password, *, url=SITE_LOGIN, ip="10.0.0.1"):
    return client.post(
        url,
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, demo):
    """The issue's probe: after 30 wrong passwords the right one does not log in;
    from the fifth failure on every answer is the login page with the lockout
    message, HTTP 429."""
    statuses = [attempt(client, "citizen", f"wrong-{n}").status_code for n in range(30)]
    assert statuses[:4] == [200] * 4
    assert statuses[4:] == [429] * 26
    response = attempt(client, "citizen", DEMO_PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert LOCKED in page and "15 minutes" in page
    assert 'id="lockout-message"' in page
    assert 'name="password"' in page  # the login page, not a bare text


def test_the_admin_login_locks_too(client, demo):
    """Five wrong passwords on the admin's login page lock the administrator out of
    it, with the message on the admin's own login page."""
    for n in range(4):
        assert attempt(client, "admin", f"x{n}", url=ADMIN_LOGIN).status_code == 200
    assert attempt(client, "admin", "x4", url=ADMIN_LOGIN).status_code == 429
    response = attempt(client, "admin", DEMO_PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert LOCKED in page
    assert 'class="errornote"' in page  # the admin's template


def test_the_lock_ends_after_the_cool_off(client, demo):
    """Fifteen minutes after the last failure the right password works again."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(5):
            attempt(client, "citizen", f"wrong-{n}")
        assert attempt(client, "citizen", DEMO_PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert attempt(client, "citizen", DEMO_PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        response = attempt(client, "citizen", DEMO_PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_cool_off_and_limit_come_from_settings(client, demo, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    attempt(client, "citizen", "wrong")
    response = attempt(client, "citizen", "wrong")
    assert response.status_code == 429
    assert "1 minute." in response.content.decode()


def test_an_account_locks_whatever_the_address(client, demo):
    """Guesses from five machines lock the account for every machine."""
    for n in range(5):
        attempt(client, "citizen", "wrong", ip=f"10.0.1.{n}")
    assert attempt(client, "citizen", DEMO_PASSWORD, ip="10.0.2.1").status_code == 429


def test_an_address_locks_whatever_the_account(client, demo):
    """Five failures from one address, each on another account, lock that address
    for every account (password spraying); other addresses are unaffected."""
    for n in range(5):
        attempt(client, f"nobody{n}", "onecenter-demo", ip="10.0.3.1")
    assert attempt(client, "citizen", DEMO_PASSWORD, ip="10.0.3.1").status_code == 429
    assert attempt(client, "citizen", DEMO_PASSWORD, ip="10.0.3.2").status_code == 302


def test_a_login_clears_its_own_account_failures(client, demo):
    """Four failures and then the right password: the count starts again."""
    for n in range(4):
        attempt(client, "citizen", f"wrong-{n}", ip="10.0.4.1")
    assert attempt(client, "citizen", DEMO_PASSWORD, ip="10.0.4.2").status_code == 302
    client.logout()
    for n in range(4):
        response = attempt(client, "citizen", f"again-{n}", ip="10.0.4.3")
    assert response.status_code == 200


def test_logging_in_to_ones_own_account_does_not_clear_guesses_at_another(client, demo):
    """Someone with an account of their own (anyone can sign up) cannot wipe the
    failures they made against another account by logging in between guesses."""
    UserFactory(username="mallory")
    for n in range(4):
        attempt(client, "citizen", f"guess-{n}", ip="10.0.5.1")
    assert (
        attempt(client, "mallory", "onecenter-demo", ip="10.0.5.1").status_code == 302
    )
    client.logout()
    assert attempt(client, "citizen", "guess-4", ip="10.0.5.2").status_code == 429
    assert attempt(client, "citizen", DEMO_PASSWORD, ip="10.0.5.3").status_code == 429


@pytest.mark.parametrize("unlocker", ["manager", "admin"])
def test_a_manager_or_administrator_unlocks_an_account(client, demo, unlocker):
    """The locked account is listed for the manager (and the catalogue
    administrator), who unlocks it; its owner then logs in."""
    for n in range(5):
        attempt(client, "clerk", f"wrong-{n}", ip="10.0.6.1")
    assert attempt(client, "clerk", DEMO_PASSWORD, ip="10.0.6.2").status_code == 429

    client.force_login(demo_user(unlocker))
    page = client.get(reverse("accounts:lockouts"))
    assert page.status_code == 200
    assert "clerk" in page.content.decode()
    response = client.post(
        reverse("accounts:lockouts"), {"kind": "account", "value": "clerk"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="clerk").exists()
    client.logout()

    response = attempt(client, "clerk", DEMO_PASSWORD, ip="10.0.6.2")
    assert response.status_code == 302
    assert logged_in(client)


def test_an_address_is_unlocked_too(client, demo):
    for n in range(5):
        attempt(client, f"nobody{n}", "x", ip="10.0.7.1")
    client.force_login(demo_user("manager"))
    assert "10.0.7.1" in client.get(reverse("accounts:lockouts")).content.decode()
    client.post(reverse("accounts:lockouts"), {"kind": "address", "value": "10.0.7.1"})
    client.logout()
    assert attempt(client, "citizen", DEMO_PASSWORD, ip="10.0.7.1").status_code == 302


@pytest.mark.parametrize("username", ["clerk", "officer", "leader", "citizen"])
def test_others_cannot_unlock(client, demo, username):
    """Only managers, administrators and superusers see or lift lockouts."""
    client.force_login(demo_user(username))
    assert client.get(reverse("accounts:lockouts")).status_code == 403
    response = client.post(
        reverse("accounts:lockouts"), {"kind": "account", "value": "clerk"}
    )
    assert response.status_code == 403
