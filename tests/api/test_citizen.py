"""Citizens' endpoints: their own dossiers only, and the portal's writes through
the portal's services (drafts, papers, submit, supplement, withdraw, rating)."""

import pytest
from django.test import Client

from dossiers import services
from dossiers.models import Dossier, State
from procedures.models import Procedure
from tests.citizen.conftest import NO_FORM, upload
from tests.factories import demo_user

from .conftest import error_of

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def citizen_client(as_user):
    return as_user("citizen")


@pytest.fixture
def draft(demo, media):
    return services.dossier_create_draft(
        applicant=demo_user("citizen"),
        procedure=Procedure.objects.get(code=NO_FORM),
    )


def own_urls(pk: int) -> list[tuple[str, str]]:
    base = f"/api/v1/me/dossiers/{pk}"
    return [
        ("get", f"{base}/"),
        ("get", f"{base}/timeline/"),
        ("post", f"{base}/papers/"),
        ("post", f"{base}/submit/"),
        ("post", f"{base}/supplement/"),
        ("post", f"{base}/withdraw/"),
        ("post", f"{base}/rating/"),
    ]


def call(client: Client, method: str, url: str):
    if method == "get":
        return client.get(url)
    return client.post(url, {"version": 0}, content_type=JSON)


def test_the_list_holds_only_the_callers_dossiers(citizen_client, stranger):
    body = citizen_client.get("/api/v1/me/dossiers/").json()
    mine = Dossier.objects.filter(applicant__username="citizen").count()
    assert body["count"] == mine > 0
    other = Client()
    other.force_login(stranger)
    assert other.get("/api/v1/me/dossiers/").json()["count"] == 0


def test_a_citizen_never_reaches_anothers_dossier(demo, stranger, draft):
    """Every citizen endpoint answers 404 for someone else's dossier."""
    other = Client()
    other.force_login(stranger)
    for method, url in own_urls(draft.pk):
        response = call(other, method, url)
        assert response.status_code == 404, url
        assert error_of(response)["code"] == "not_found"
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


@pytest.mark.parametrize("username", ["clerk", "officer", "leader", "manager"])
def test_staff_cannot_use_the_citizen_endpoints(as_user, draft, username):
    client = as_user(username)
    assert client.get("/api/v1/me/dossiers/").status_code == 403
    for method, url in own_urls(draft.pk):
        assert call(client, method, url).status_code == 403, url


def test_anonymous_callers_get_401(demo, anon, draft):
    assert error_of(anon.get("/api/v1/me/dossiers/"))["code"] == "not_authenticated"
    assert anon.get("/api/v1/me/notifications/").status_code == 401
    for method, url in own_urls(draft.pk):
        assert call(anon, method, url).status_code == 401, url


def test_file_online_from_draft_to_submitted(citizen_client, media):
    """Create a draft, attach the mandatory papers, submit with the version."""
    created = citizen_client.post(
        "/api/v1/me/dossiers/", {"procedure": NO_FORM}, content_type=JSON
    )
    assert created.status_code == 201
    dossier = created.json()
    assert dossier["state"] == State.DRAFT
    url = f"/api/v1/me/dossiers/{dossier['id']}"
    for paper in dossier["papers"]:
        if paper["mandatory"]:
            response = citizen_client.post(
                f"{url}/papers/",
                {"paper_index": paper["index"], "file": upload("to-khai.pdf")},
            )
            assert response.status_code == 201, response.content
            assert response.json()["name"] == "to-khai.pdf"
    submitted = citizen_client.post(
        f"{url}/submit/", {"version": dossier["version"]}, content_type=JSON
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == State.SUBMITTED
    assert submitted.json()["code"]
    timeline = citizen_client.get(f"{url}/timeline/").json()
    assert [event["action"] for event in timeline] == ["submit"]


def test_a_draft_with_details_is_checked_by_the_portals_form(citizen_client):
    response = citizen_client.post(
        "/api/v1/me/dossiers/",
        {
            "procedure": NO_FORM,
            "applicant": {"name": "A", "id_number": "123", "phone": "0912345678"},
        },
        content_type=JSON,
    )
    body = error_of(response)
    assert response.status_code == 422
    assert "id_number" in body["fields"]


def test_a_procedure_not_filed_online_is_refused(citizen_client):
    body = error_of(
        citizen_client.post(
            "/api/v1/me/dossiers/", {"procedure": "9.999999"}, content_type=JSON
        )
    )
    assert body["status"] == 422 and "procedure" in body["fields"]


def test_uploads_get_the_browsers_checks(citizen_client, draft):
    """An HTML page named .pdf, or a file of a type the paper does not accept,
    is refused with the portal's message; nothing is stored."""
    url = f"/api/v1/me/dossiers/{draft.pk}/papers/"
    fake = upload("to-khai.pdf", b"<html><script>alert(1)</script></html>")
    body = error_of(citizen_client.post(url, {"paper_index": 0, "file": fake}))
    assert body["status"] == 422 and body["fields"]["file"]
    wrong_kind = upload("to-khai.exe", b"%PDF-1.4\n")
    assert (
        citizen_client.post(url, {"paper_index": 0, "file": wrong_kind}).status_code
        == 422
    )
    assert (
        citizen_client.post(url, {"paper_index": 99, "file": upload()}).status_code
        == 422
    )
    assert not draft.attachments.exists()


def test_submit_with_a_stale_version_is_409(citizen_client, draft):
    for paper in draft.papers:
        if paper["mandatory"]:
            services.dossier_attach_paper(
                dossier=draft,
                actor=demo_user("citizen"),
                paper_index=paper["index"],
                upload=upload(),
            )
    response = citizen_client.post(
        f"/api/v1/me/dossiers/{draft.pk}/submit/",
        {"version": draft.version + 1},
        content_type=JSON,
    )
    assert error_of(response)["code"] == "stale_version"
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_submit_without_the_mandatory_papers_is_refused_with_the_reason(
    citizen_client, draft
):
    response = citizen_client.post(
        f"/api/v1/me/dossiers/{draft.pk}/submit/",
        {"version": draft.version},
        content_type=JSON,
    )
    body = error_of(response)
    assert response.status_code == 403 and body["code"] == "refused"
    assert body["detail"]


def test_withdraw_through_the_service(citizen_client, file_online):
    dossier = file_online()
    response = citizen_client.post(
        f"/api/v1/me/dossiers/{dossier.pk}/withdraw/",
        {"version": dossier.version, "note": "Nộp nhầm"},
        content_type=JSON,
    )
    assert response.status_code == 200
    assert response.json()["state"] == State.WITHDRAWN


def test_answer_a_supplement_request(citizen_client, file_online):
    dossier = file_online()
    services.dossier_request_intake_supplement(
        dossier=dossier,
        actor=demo_user("clerk"),
        items=[{"paper_index": 0, "guidance": "Ký lại tờ khai"}],
        message="Bổ sung tờ khai",
    )
    url = f"/api/v1/me/dossiers/{dossier.pk}"
    detail = citizen_client.get(f"{url}/").json()
    assert detail["supplement_request"]["items"][0]["paper_index"] == 0
    early = citizen_client.post(f"{url}/supplement/", {}, content_type=JSON)
    assert error_of(early)["status"] == 422
    citizen_client.post(f"{url}/papers/", {"paper_index": 0, "file": upload()})
    answered = citizen_client.post(
        f"{url}/supplement/", {"note": "Đã ký"}, content_type=JSON
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["state"] == State.SUBMITTED


def test_rate_a_returned_dossier_once(citizen_client, demo):
    dossier = Dossier.objects.filter(
        applicant__username="citizen", state=State.RETURNED, ratings__isnull=True
    ).first()
    url = f"/api/v1/me/dossiers/{dossier.pk}/rating/"
    scores = {"guidance": 5, "courtesy": 4, "timeliness": 5, "fees": 5}
    first = citizen_client.post(url, scores, content_type=JSON)
    assert first.status_code == 201 and first.json()["courtesy"] == 4
    again = citizen_client.post(url, scores, content_type=JSON)
    assert error_of(again)["status"] == 422
    bad = citizen_client.post(url, {**scores, "fees": 9}, content_type=JSON)
    assert "fees" in error_of(bad)["fields"]


def test_notifications_are_the_callers_own(citizen_client, demo):
    from notifications.models import Notification

    body = citizen_client.get("/api/v1/me/notifications/").json()
    assert (
        body["count"]
        == Notification.objects.filter(recipient__username="citizen").count()
    )


def test_session_writes_need_the_csrf_token(demo, draft):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(demo_user("citizen"))
    response = strict.post(
        f"/api/v1/me/dossiers/{draft.pk}/withdraw/",
        {"version": draft.version},
        content_type=JSON,
    )
    assert response.status_code == 403
    assert "CSRF" in error_of(response)["detail"]


def test_the_citizens_list_costs_a_fixed_number_of_queries(
    citizen_client, django_assert_max_num_queries, new_drafts
):
    """As many queries for 50 dossiers as for a handful."""
    citizen_client.get("/api/v1/me/dossiers/")
    with django_assert_max_num_queries(8) as few:
        citizen_client.get("/api/v1/me/dossiers/")
    new_drafts(50)
    with django_assert_max_num_queries(len(few)):
        body = citizen_client.get("/api/v1/me/dossiers/").json()
    assert body["count"] > 50


@pytest.fixture
def new_drafts(demo, media):
    def make(count: int) -> None:
        procedure = Procedure.objects.get(code=NO_FORM)
        for _ in range(count):
            services.dossier_create_draft(
                applicant=demo_user("citizen"), procedure=procedure
            )

    return make


def test_a_rating_that_is_not_an_object_is_422(citizen_client, demo):
    """Found by schemathesis: a JSON list as the body once answered 500."""
    dossier = Dossier.objects.filter(applicant__username="citizen").first()
    response = citizen_client.post(
        f"/api/v1/me/dossiers/{dossier.pk}/rating/", "[null, null]", content_type=JSON
    )
    assert error_of(response)["status"] == 422
