"""Machine clients' API keys: hashed, scoped, narrowed to an agency, expiring,
revoked in the admin."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiKey, hash_secret
from api.services import api_key_issue, api_key_revoke
from dossiers.models import Dossier, State
from dossiers.selectors import dossiers_visible_to
from procedures.selectors import agency_subtree
from tests.factories import UserFactory, demo_user

from .conftest import error_of

pytestmark = pytest.mark.django_db

JSON = "application/json"
LIST = "/api/v1/staff/dossiers/"


def test_only_a_hash_of_the_secret_is_kept(demo):
    key, secret = api_key_issue(
        name="portal", user=demo_user("manager"), scopes=["dossiers:read"]
    )
    assert secret.startswith(f"oc_{key.prefix}_")
    stored = ApiKey.objects.get(pk=key.pk)
    assert secret not in (stored.secret_hash, stored.prefix)
    assert stored.secret_hash == hash_secret(secret.split("_", 2)[2])


def test_a_key_authenticates_and_records_its_last_use(key_client, demo):
    client = key_client("manager", scopes=["dossiers:read"])
    assert client.get(LIST).status_code == 200
    assert ApiKey.objects.get().last_used_at is not None


def test_a_read_only_key_cannot_act(key_client, file_online):
    dossier = file_online()
    client = key_client("clerk", scopes=["dossiers:read"])
    assert client.get(f"{LIST}{dossier.pk}/").status_code == 200
    response = client.post(
        f"{LIST}{dossier.pk}/actions/receive/",
        {"version": dossier.version},
        content_type=JSON,
    )
    assert error_of(response)["code"] == "permission_denied"
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED


def test_a_write_key_acts_as_its_account(key_client, file_online):
    dossier = file_online()
    client = key_client("clerk", scopes=["dossiers:read", "dossiers:write"])
    response = client.post(
        f"{LIST}{dossier.pk}/actions/receive/",
        {"version": dossier.version},
        content_type=JSON,
    )
    assert response.status_code == 200
    assert dossier.transitions.get(transition="receive").actor.username == "clerk"


def test_a_key_without_the_read_scope_sees_nothing(key_client, demo):
    client = key_client("manager", scopes=["notifications:read"])
    assert client.get(LIST).status_code == 403
    assert client.get("/api/v1/me/notifications/").status_code == 200


def test_an_agency_scope_narrows_what_the_key_sees(key_client, demo):
    """A manager's key limited to the ward sees the ward's dossiers only, though
    the manager sees the province."""
    clerk = demo_user("clerk")
    ward = clerk.agency
    client = key_client("manager", scopes=["dossiers:read"], agency=ward)
    scope = agency_subtree(ward.pk)
    seen = {
        row["id"]
        for state in (State.PROCESSING, State.RETURNED)
        for row in client.get(LIST, {"state": state, "page_size": 100}).json()[
            "results"
        ]
    }
    outside = (
        dossiers_visible_to(demo_user("manager"))
        .exclude(receiving_desk_id__in=scope)
        .exclude(deciding_agency_id__in=scope)
        .first()
    )
    assert seen
    assert all(
        Dossier.objects.filter(pk=pk, receiving_desk_id__in=scope).exists()
        or Dossier.objects.filter(pk=pk, deciding_agency_id__in=scope).exists()
        for pk in seen
    )
    assert outside is not None
    assert client.get(f"{LIST}{outside.pk}/").status_code == 404


def test_a_key_never_does_more_than_its_account(key_client, file_online):
    """A citizen's key with every scope still cannot reach the staff endpoints,
    nor anyone else's dossier."""
    dossier = file_online()
    stranger = UserFactory(username="stranger", role="applicant")
    _key, secret = api_key_issue(
        name="app", user=stranger, scopes=["dossiers:read", "dossiers:write"]
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(LIST).status_code == 403
    assert client.get(f"/api/v1/me/dossiers/{dossier.pk}/").status_code == 404
    own = key_client("citizen", scopes=["dossiers:read"])
    assert own.get(f"/api/v1/me/dossiers/{dossier.pk}/").status_code == 200


@pytest.mark.parametrize("spoil", ["revoked", "expired", "inactive", "wrong", "junk"])
def test_a_spoilt_key_is_401(demo, spoil):
    user = demo_user("manager")
    key, secret = api_key_issue(name="portal", user=user, scopes=["dossiers:read"])
    if spoil == "revoked":
        api_key_revoke(key=key)
    elif spoil == "expired":
        ApiKey.objects.filter(pk=key.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif spoil == "inactive":
        user.is_active = False
        user.save(update_fields=["is_active"])
    elif spoil == "wrong":
        secret = secret[:-4] + "AAAA"
    else:
        secret = "nonsense"
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(LIST)
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_staff_key_needs_no_session_second_factor(key_client, demo):
    """A key is its own credential (issued by a superuser, hashed, expiring);
    the second factor guards sessions."""
    assert key_client("clerk", scopes=["dossiers:read"]).get(LIST).status_code == 200


@pytest.fixture
def superuser_client(demo):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    return client


def test_a_superuser_issues_a_key_in_the_admin_and_sees_it_once(superuser_client):
    clerk = demo_user("clerk")
    response = superuser_client.post(
        "/admin/api/apikey/add/",
        {
            "name": "Kiosk",
            "user": clerk.pk,
            "scopes": ["dossiers:read"],
            "agency": "",
            "expires_at_0": "",
            "expires_at_1": "",
        },
    )
    assert response.status_code == 200, response.content[:500]
    key = ApiKey.objects.get(name="Kiosk")
    page = response.content.decode()
    secret = page.split('value="oc_', 1)[1].split('"', 1)[0]
    assert key.secret_hash == hash_secret(secret.split("_", 1)[1])
    assert key.created_by.username == "root"
    assert Client(HTTP_AUTHORIZATION=f"Bearer oc_{secret}").get(LIST).status_code == 200
    change = superuser_client.get(f"/admin/api/apikey/{key.pk}/change/").content
    assert secret.split("_", 1)[1].encode() not in change


def test_revoking_in_the_admin_stops_the_key_at_once(superuser_client, demo):
    key, secret = api_key_issue(
        name="portal", user=demo_user("manager"), scopes=["dossiers:read"]
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(LIST).status_code == 200
    superuser_client.post(
        "/admin/api/apikey/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
    assert client.get(LIST).status_code == 401


def test_only_superusers_manage_keys(as_user):
    assert as_user("admin").get("/admin/api/apikey/").status_code == 403
