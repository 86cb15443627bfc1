"""Staff endpoints: the dossiers in the caller's scope, keyset pages and filters,
and the workflow's actions with the version read (409, 403, 422)."""

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from dossiers.models import Dossier, State
from dossiers.selectors import dossiers_visible_to
from tests.factories import demo_user

from .conftest import error_of

pytestmark = pytest.mark.django_db

JSON = "application/json"
LIST = "/api/v1/staff/dossiers/"


def every_page(client: Client, **params) -> list[dict]:
    rows, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = client.get(LIST, query).json()
        rows += body["results"]
        cursor = body["next"]
        if cursor is None:
            return rows


@pytest.mark.parametrize("username", ["clerk", "officer", "leader", "manager"])
def test_each_role_lists_exactly_its_scope(as_user, username):
    """The same scope as the staff worklist: a clerk their desk's, an officer
    their department's steps, a leader their agency's, a manager the subtree."""
    client = as_user(username)
    for state in (State.PROCESSING, State.RETURNED, State.SUBMITTED):
        listed = {row["id"] for row in every_page(client, state=state, page_size=3)}
        expected = set(
            dossiers_visible_to(demo_user(username))
            .filter(state=state)
            .values_list("pk", flat=True)
        )
        assert listed == expected, state


def test_a_clerk_never_reaches_another_desks_dossier(as_user):
    clerk = demo_user("clerk")
    other = (
        Dossier.objects.exclude(receiving_desk=clerk.agency)
        .exclude(state=State.DRAFT)
        .first()
    )
    assert other is not None
    client = as_user("clerk")
    assert other.pk not in {row["id"] for row in every_page(client, state=other.state)}
    assert error_of(client.get(f"{LIST}{other.pk}/"))["code"] == "not_found"
    response = client.post(
        f"{LIST}{other.pk}/actions/receive/",
        {"version": other.version},
        content_type=JSON,
    )
    assert response.status_code == 404


def test_drafts_are_never_listed_to_staff(as_user, demo):
    draft = Dossier.objects.filter(state=State.DRAFT).first()
    assert as_user("manager").get(f"{LIST}{draft.pk}/").status_code == 404


@pytest.mark.parametrize("username", ["citizen"])
def test_citizens_cannot_use_the_staff_endpoints(as_user, username, file_online):
    dossier = file_online()
    client = as_user(username)
    assert error_of(client.get(LIST))["code"] == "permission_denied"
    assert client.get(f"{LIST}{dossier.pk}/").status_code == 403
    response = client.post(
        f"{LIST}{dossier.pk}/actions/receive/",
        {"version": dossier.version},
        content_type=JSON,
    )
    assert response.status_code == 403


def test_anonymous_callers_cannot_use_the_staff_endpoints(anon, file_online):
    dossier = file_online()
    assert anon.get(LIST).status_code == 401
    assert anon.get(f"{LIST}{dossier.pk}/").status_code == 401
    response = anon.post(
        f"{LIST}{dossier.pk}/actions/receive/", {"version": 0}, content_type=JSON
    )
    assert response.status_code == 401


def test_keyset_pages_cover_the_queue_once_in_due_order(as_user):
    client = as_user("manager")
    rows = every_page(client, page_size=2)
    whole = client.get(LIST, {"page_size": 100}).json()["results"]
    assert [r["id"] for r in rows] == [r["id"] for r in whole]
    assert len(rows) == len({r["id"] for r in rows}) > 2


def test_a_cursor_the_api_did_not_give_is_422(as_user):
    body = error_of(as_user("manager").get(LIST, {"cursor": "garbage"}))
    assert body["status"] == 422 and "cursor" in body["fields"]


def test_filters(as_user, demo):
    client = as_user("manager")
    processing = every_page(client, state="processing")
    assert processing and {r["state"] for r in processing} == {"processing"}
    overdue = every_page(client, due="overdue")
    # Compared as moments: the API writes local time (+07:00), so comparing the
    # text with a UTC one was wrong whenever the two fell on different hours.
    now = timezone.now()
    assert all(
        datetime.fromisoformat(r["current_due_at"]) < now
        for r in overdue
        if r["current_due_at"]
    )
    code = processing[0]["procedure_code"]
    by_procedure = every_page(client, state="processing", procedure=code)
    assert by_procedure and {r["procedure_code"] for r in by_procedure} == {code}
    agency = processing[0]["deciding_agency"]
    at_agency = every_page(client, state="processing", agency=agency)
    assert at_agency and all(
        agency in (r["deciding_agency"], r["receiving_desk"]) for r in at_agency
    )
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert every_page(client, updated_since=future) == []
    assert every_page(client, updated_since="2000-01-01T00:00:00Z")
    assert client.get(LIST, {"due": "someday"}).status_code == 422


def test_the_list_costs_a_fixed_number_of_queries(
    as_user, django_assert_max_num_queries
):
    client = as_user("manager")
    client.get(LIST)  # session, calendar and the like warm up
    with django_assert_max_num_queries(12):
        assert client.get(LIST, {"page_size": 50}).status_code == 200


def test_detail_has_the_actions_allowed_now_and_is_audited(as_user, file_online):
    from audit.models import AuditEvent

    dossier = file_online()
    body = as_user("clerk").get(f"{LIST}{dossier.pk}/").json()
    assert "receive" in body["actions"] and "approve" not in body["actions"]
    assert body["papers"][0]["files"]
    assert AuditEvent.objects.filter(
        action="dossier_viewed", dossier_id=dossier.pk, actor__username="clerk"
    ).exists()


def act(client, dossier, action, **data):
    return client.post(
        f"{LIST}{dossier.pk}/actions/{action}/",
        {"version": dossier.version, **data},
        content_type=JSON,
    )


def test_an_action_runs_through_the_registrys_service(as_user, file_online):
    dossier = file_online()
    response = act(as_user("clerk"), dossier, "receive", note="Đủ giấy tờ")
    assert response.status_code == 200, response.content
    assert response.json()["dossier"]["state"] == State.RECEIVED
    log = dossier.transitions.get(transition="receive")
    assert log.actor.username == "clerk" and log.note == "Đủ giấy tờ"


def test_a_stale_version_is_409_and_changes_nothing(as_user, file_online):
    dossier = file_online()
    dossier.version -= 1
    body = error_of(act(as_user("clerk"), dossier, "receive"))
    assert body["status"] == 409 and body["code"] == "stale_version"
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED


def test_a_refused_action_is_403_with_the_reason(as_user, file_online):
    dossier = file_online()
    body = error_of(act(as_user("clerk"), dossier, "approve"))
    assert body["status"] == 403 and body["code"] == "refused"
    assert "Đã nộp" in body["detail"]
    officer = error_of(act(as_user("officer"), dossier, "receive"))
    assert officer["status"] in (403, 404)


def test_an_invalid_action_input_is_422_with_the_fields(as_user, file_online):
    dossier = file_online()
    client = as_user("clerk")
    refused = error_of(act(client, dossier, "refuse"))
    assert refused["status"] == 422 and "reasons" in refused["fields"]
    supplement = error_of(act(client, dossier, "request_intake_supplement"))
    assert supplement["status"] == 422 and "message" in supplement["fields"]
    no_version = client.post(
        f"{LIST}{dossier.pk}/actions/receive/", {}, content_type=JSON
    )
    assert "version" in error_of(no_version)["fields"]
    assert client.post(f"{LIST}{dossier.pk}/actions/nope/", {}).status_code == 404


def test_form_02_items_reach_the_service(as_user, file_online):
    dossier = file_online()
    response = act(
        as_user("clerk"),
        dossier,
        "request_intake_supplement",
        message="Bổ sung giấy tờ",
        items=[{"paper_index": 0, "guidance": "Ký lại tờ khai"}],
    )
    assert response.status_code == 200, response.content
    request_ = dossier.supplement_requests.get()
    assert request_.items[0]["guidance"] == "Ký lại tờ khai"


def test_a_staff_session_without_the_second_factor_is_refused(demo):
    """Logged in with the password only, as the login form leaves a session until
    the code page: every API request is a JSON 403, never a redirect."""
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "clerk", "password": "onecenter-demo"}
    )
    assert response.status_code == 302
    for url in (LIST, "/api/v1/fields/", "/api/v1/me/notifications/"):
        refused = client.get(url)
        assert refused.status_code == 403, url
        assert error_of(refused)["code"] == "second_factor_required"


def test_the_authentication_class_refuses_it_too(demo, rf):
    """Even without the middleware, the API's session authentication refuses a
    staff session that has not passed the second factor."""
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework.request import Request

    from api.authentication import SecondFactorRequired, SessionAuthentication

    request = rf.get(LIST)
    request.session = SessionStore()
    request.user = demo_user("clerk")
    request.user.is_verified = lambda: False
    request._dont_enforce_csrf_checks = True
    with pytest.raises(SecondFactorRequired):
        SessionAuthentication().authenticate(Request(request))
    assert demo_user("clerk").role == Role.CLERK
