"""Every API endpoint against every kind of caller, Open Zaak style.

The test walks the API's URL patterns rather than a hand-written list, so an
endpoint added later is covered without anyone remembering to: anonymous callers
reach only the public ones, a citizen only their own dossiers, staff only the
dossiers in their scope, and a key only what its scopes allow.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from api.services import api_key_issue
from dossiers.models import Dossier, State
from procedures.models import Agency
from procedures.selectors import agency_subtree
from tests.factories import UserFactory, demo_user

pytestmark = pytest.mark.django_db

# Not endpoints of the API's resources: its schema, its readers, the JSON 404.
NOT_RESOURCES = {"schema", "swagger", "redoc", "not_found"}
PUBLIC = {
    "procedures",
    "procedure",
    "fields",
    "agencies",
    "rating_criteria",
    "tracking",
}
JSON = "application/json"


def endpoints() -> list[tuple[str, URLPattern, str]]:
    """(name, pattern, method) of every endpoint of the API."""
    _prefix, sub = get_resolver().namespace_dict["api"]
    found = []
    for pattern in sub.url_patterns:
        if pattern.name in NOT_RESOURCES:
            continue
        view = pattern.callback.cls
        for method in ("get", "post"):
            if hasattr(view, method):
                found.append((pattern.name, pattern, method))
    return found


def test_the_walk_covers_every_endpoint():
    """Guard against a vacuous walk."""
    names = {name for name, _pattern, _method in endpoints()}
    assert names == PUBLIC | {
        "my_dossiers",
        "my_dossier",
        "my_timeline",
        "my_papers",
        "my_submit",
        "my_supplement",
        "my_withdraw",
        "my_rating",
        "my_notifications",
        "staff_dossiers",
        "staff_dossier",
        "staff_action",
    }


def request(client: Client, name: str, pattern: URLPattern, method: str, dossier):
    values = {"pk": dossier.pk, "code": "1.001193", "action": "receive"}
    url = reverse(
        f"api:{name}", kwargs={k: values[k] for k in pattern.pattern.converters}
    )
    if method == "get":
        return client.get(url)
    return client.post(url, {"version": dossier.version}, content_type=JSON)


def kind(name: str) -> str:
    if name in PUBLIC:
        return "public"
    if name == "my_notifications":
        return "signed_in"
    return "citizen" if name.startswith("my_") else "staff"


@pytest.fixture
def target(file_online) -> Dossier:
    """The demo citizen's dossier, submitted at the clerk's desk."""
    return file_online()


def key(username: str, scopes: list[str]) -> Client:
    _key, secret = api_key_issue(name="matrix", user=demo_user(username), scopes=scopes)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# What each caller may get from each kind of endpoint: "ok" is any answer past
# authorisation (2xx, or a refusal of the input: 409, 422, the workflow's 403
# "refused"); otherwise the exact status.
MATRIX = {
    "anonymous": {"public": "ok", "signed_in": 401, "citizen": 401, "staff": 401},
    "owner": {"public": "ok", "signed_in": "ok", "citizen": "ok", "staff": 403},
    "other citizen": {"public": "ok", "signed_in": "ok", "citizen": 404, "staff": 403},
    "desk clerk": {"public": "ok", "signed_in": "ok", "citizen": 403, "staff": "ok"},
    "other desk's clerk": {
        "public": "ok",
        "signed_in": "ok",
        "citizen": 403,
        "staff": 404,
    },
    "officer (not yet his)": {
        "public": "ok",
        "signed_in": "ok",
        "citizen": 403,
        "staff": 404,
    },
    "clerk's read-only key": {
        "public": "ok",
        "signed_in": 403,
        "citizen": 403,
        "staff": "ok-read",
    },
    "manager's key for another agency": {
        "public": "ok",
        "signed_in": 403,
        "citizen": 403,
        "staff": 404,
    },
    "citizen's read-only key": {
        "public": "ok",
        "signed_in": 403,
        "citizen": "ok-read",
        "staff": 403,
    },
}


def caller(name: str, target: Dossier) -> Client:
    if name == "anonymous":
        return Client()
    if name == "owner":
        return session(demo_user("citizen"))
    if name == "other citizen":
        return session(UserFactory(username="other", role="applicant"))
    if name == "desk clerk":
        return session(demo_user("clerk"))
    if name == "other desk's clerk":
        other_desk = (
            Dossier.objects.exclude(receiving_desk=target.receiving_desk)
            .exclude(receiving_desk=None)
            .first()
            .receiving_desk
        )
        return session(UserFactory(username="clerk2", role="clerk", agency=other_desk))
    if name == "officer (not yet his)":
        return session(demo_user("officer"))
    if name == "clerk's read-only key":
        return key("clerk", ["dossiers:read"])
    if name == "manager's key for another agency":
        inside = {target.receiving_desk_id, target.deciding_agency_id}
        elsewhere = next(
            a for a in Agency.objects.all() if not (agency_subtree(a.pk) & inside)
        )
        _key, secret = api_key_issue(
            name="matrix",
            user=demo_user("manager"),
            scopes=["dossiers:read", "dossiers:write"],
            agency=elsewhere,
        )
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return key("citizen", ["dossiers:read"])


PAST_AUTHORISATION = {200, 201, 409, 415, 422}


@pytest.mark.parametrize("who", list(MATRIX))
def test_every_endpoint_answers_each_caller_as_the_matrix_says(who, target):
    client = caller(who, target)
    for name, pattern, method in endpoints():
        expected = MATRIX[who][kind(name)]
        response = request(client, name, pattern, method, target)
        label = f"{who}: {method.upper()} {name} → {response.status_code}"
        if expected == "ok-read":
            expected = "ok" if method == "get" else 403
        if expected == 404 and "pk" not in pattern.pattern.converters:
            # A list answers, without the dossier in it; a POST to it is the
            # caller's own new draft.
            expected = "not listed" if method == "get" else "ok"
        if expected == "not listed":
            assert response.status_code == 200, label
            assert target.pk not in {r["id"] for r in response.json()["results"]}
        elif expected == "ok":
            refused = response.status_code == 403 and (
                response.json().get("code") == "refused"
            )
            assert (
                response.status_code in PAST_AUTHORISATION
                or refused
                or (name == "tracking" and response.status_code == 422)
                or (name == "my_rating" and response.status_code == 422)
            ), label
        else:
            assert response.status_code == expected, label
    target.refresh_from_db()
    assert target.state != State.DRAFT
