"""A signed-in request reads its session, its user and its device in one round
trip to the cache (accounts/session_hint.py), and the hint that makes it possible
never decides who is signed in."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.session_hint import DEVICE_KEY, USER_KEY, hint_cookie_name
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"


@pytest.fixture(autouse=True)
def _cached(settings):
    settings.AUTH_CACHE_SECONDS = 300
    if settings.SESSION_ENGINE != "accounts.session_hint":
        pytest.skip("sessions are not in the shared cache (no REDIS_URL)")


@pytest.fixture
def reads(monkeypatch):
    """Each read of the cache made for the session or the sign-in: the keys of
    one round trip per entry."""
    found: list[list[str]] = []
    get, get_many = cache.get, cache.get_many

    def wanted(key: str) -> bool:
        return key.startswith(("auth:", "django.contrib.sessions"))

    def counting_get(key, *args, **kwargs):
        if wanted(key):
            found.append([key])
        return get(key, *args, **kwargs)

    def counting_get_many(keys, *args, **kwargs):
        keys = list(keys)
        if any(wanted(key) for key in keys):
            found.append(keys)
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    monkeypatch.setattr(cache, "get_many", counting_get_many)
    return found


def test_staff_session_user_and_device_are_read_in_one_round_trip(client, reads):
    clerk = UserFactory(username="clerk-hint", role="clerk")
    client.force_login(clerk)
    device = TOTPDevice.objects.get(user=clerk)
    client.get(PROFILE)  # caches the user and device, and sets the hint
    hint = client.cookies[hint_cookie_name()].value
    assert hint == f"{clerk.pk}:{device.persistent_id}"
    reads.clear()
    response = client.get(PROFILE)
    assert response.status_code == 200
    assert response.context["user"].pk == clerk.pk
    assert len(reads) == 1, reads
    assert set(reads[0][1:]) == {
        USER_KEY.format(clerk.pk),
        DEVICE_KEY.format(device.persistent_id),
    }
    # Right already: not set again.
    assert hint_cookie_name() not in response.cookies


def test_a_citizen_is_read_with_the_session(client, reads):
    citizen = UserFactory(username="lan-hint")
    client.force_login(citizen)
    client.get(PROFILE)
    assert client.cookies[hint_cookie_name()].value == f"{citizen.pk}:"
    reads.clear()
    client.get(PROFILE)
    assert reads == [[reads[0][0], USER_KEY.format(citizen.pk)]]


def test_a_forged_hint_signs_nobody_in_as_someone_else(client, reads):
    """The hint names another user, whose copy is in the cache: the session's own
    user is signed in, and the hint is put right."""
    victim, citizen = UserFactory(username="victim"), UserFactory(username="lan2")
    client.force_login(victim)
    client.get(PROFILE)  # the victim's copy is now in the cache
    assert cache.get(USER_KEY.format(victim.pk)) is not None
    client.logout()
    client.force_login(citizen)
    client.cookies[hint_cookie_name()] = f"{victim.pk}:"
    response = client.get(PROFILE)
    assert response.context["user"].pk == citizen.pk
    assert response.cookies[hint_cookie_name()].value == f"{citizen.pk}:"
    for nonsense in ("x:y", "1:../../etc", ":", "9" * 40):
        client.cookies[hint_cookie_name()] = nonsense
        assert client.get(PROFILE).context["user"].pk == citizen.pk


def test_a_deactivated_account_with_a_hint_is_signed_out(client):
    citizen = UserFactory(username="lan3")
    client.force_login(citizen)
    client.get(PROFILE)
    assert client.cookies[hint_cookie_name()].value
    citizen.is_active = False
    citizen.save()
    response = client.get(PROFILE)
    assert response.status_code == 302
    # Signed out: the hint goes too.
    follow = client.get(response["Location"])
    assert follow.cookies[hint_cookie_name()]["max-age"] == 0


def test_the_hint_is_host_only_and_http_only(client):
    citizen = UserFactory(username="lan4")
    client.force_login(citizen)
    cookie = client.get(PROFILE).cookies[hint_cookie_name()]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE
