"""The signed-in user and their second-factor device come from the shared cache
(accounts/auth_cache.py), and every change to either is seen on the next request."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.auth_cache import DEVICE_KEY, USER_KEY
from onecenter.redis_cache import ReusingRedisCacheClient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"
# The login page, where a request that is no longer signed in is sent.
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _cached(settings):
    settings.AUTH_CACHE_SECONDS = 300


def user_queries(client, path: str = PROFILE) -> list[str]:
    """The queries of one request that load the signed-in user or their device by
    id (what authentication does; the page's own queries are not counted)."""
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return [
        q["sql"]
        for q in queries.captured_queries
        if 'WHERE "accounts_user"."id" =' in q["sql"]
        or 'WHERE "otp_totp_totpdevice"."id" =' in q["sql"]
    ]


def test_a_signed_in_request_reads_neither_user_nor_device_once_cached(client, demo):
    """The first request after login loads both rows; the next ones load neither."""
    clerk = UserFactory(username="clerk9", role="clerk")
    client.force_login(clerk)
    client.get(PROFILE)
    assert cache.get(USER_KEY.format(clerk.pk)).pk == clerk.pk
    device = TOTPDevice.objects.get(user=clerk)
    assert cache.get(DEVICE_KEY.format(device.persistent_id)).pk == device.pk
    assert user_queries(client) == []
    assert client.get(PROFILE).status_code == 200


def test_nothing_is_cached_when_turned_off(client, settings):
    settings.AUTH_CACHE_SECONDS = 0
    citizen = UserFactory(username="lan")
    client.force_login(citizen)
    client.get(PROFILE)
    assert cache.get(USER_KEY.format(citizen.pk)) is None
    assert len(user_queries(client)) == 1


def test_a_deactivated_account_is_signed_out_on_its_next_request(client):
    citizen = UserFactory(username="lan")
    client.force_login(citizen)
    assert client.get(PROFILE).status_code == 200
    citizen.is_active = False
    citizen.save()
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_changed_password_ends_the_other_sessions(client, django_user_model):
    citizen = UserFactory(username="lan")
    client.force_login(citizen)
    assert client.get(PROFILE).status_code == 200
    citizen.set_password("another-long-passphrase-2026")
    citizen.save()
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_changed_role_is_seen_on_the_next_request(client, demo):
    """The copy is dropped when the row changes: a role taken away goes at once."""
    clerk = UserFactory(username="clerk9", role="clerk")
    client.force_login(clerk)
    assert client.get("/staff/").status_code == 200
    clerk.role = "applicant"
    clerk.save()
    assert client.get("/staff/").status_code in (302, 403)


def test_a_removed_authenticator_unverifies_the_session(client, demo):
    """Staff whose device is deleted must pass a second factor again."""
    clerk = UserFactory(username="clerk9", role="clerk")
    client.force_login(clerk)
    assert client.get("/staff/").status_code == 200
    TOTPDevice.objects.filter(user=clerk).delete()  # a queryset delete: signals too
    response = client.get("/staff/")
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_the_redis_cache_keeps_one_client_per_server():
    client = ReusingRedisCacheClient(["redis://127.0.0.1:6379/15"])
    assert client.get_client("a") is client.get_client("b")
    assert client.get_client("a", write=True) is client.get_client("b")
