"""Public endpoints: the catalogue, its fields and agencies, and tracking."""

import pytest

from dossiers.models import Dossier, State

from .conftest import error_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query", ["dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "đăng ký khai sinh"]
)
def test_search_is_accent_insensitive_like_the_catalogue_page(demo, anon, query):
    """The whole phrase in the name ranks first, whatever the accents and case."""
    response = anon.get("/api/v1/procedures/", {"q": query})
    assert response.status_code == 200
    assert response.json()["results"][0]["name"] == "Thủ tục đăng ký khai sinh"


def test_filters_narrow_the_list(demo, anon):
    everything = anon.get("/api/v1/procedures/").json()
    online = anon.get("/api/v1/procedures/", {"online": "true"}).json()
    assert 0 < online["count"] < everything["count"]
    assert all(p["online"] for p in online["results"])
    sector = everything["results"][0]["sector"]["code"]
    in_sector = anon.get("/api/v1/procedures/", {"sector": sector}).json()
    assert {p["sector"]["code"] for p in in_sector["results"]} == {sector}


def test_an_unknown_filter_value_answers_422_with_the_field(demo, anon):
    body = error_of(anon.get("/api/v1/procedures/", {"sector": "no-such-field"}))
    assert body["code"] == "invalid"
    assert "sector" in body["fields"]


def test_detail_has_papers_fees_route_and_expected_result(demo, anon):
    body = anon.get("/api/v1/procedures/1.001193/").json()
    assert body["name"] == "Thủ tục đăng ký khai sinh"
    assert body["papers"] and body["papers"][0]["name"]
    assert isinstance(body["fees"], list)
    assert body["route"]
    assert body["processing_time"]["unit"]
    assert body["expected_result_at"]


def test_an_unpublished_or_unknown_procedure_is_404(demo, anon):
    from procedures.models import Procedure, PublicationStatus

    Procedure.objects.filter(code="1.001193").update(status=PublicationStatus.WITHDRAWN)
    assert error_of(anon.get("/api/v1/procedures/1.001193/"))["code"] == "not_found"
    assert anon.get("/api/v1/procedures/9.999999/").status_code == 404


def test_fields_and_agencies(demo, anon):
    fields = anon.get("/api/v1/fields/").json()
    agencies = anon.get("/api/v1/agencies/").json()
    assert fields and {"code", "name", "name_en"} <= set(fields[0])
    assert any(a["is_receiving_desk"] for a in agencies)
    assert any(a["parent"] for a in agencies)


@pytest.fixture
def received(demo):
    return Dossier.objects.filter(state=State.PROCESSING).exclude(code=None).first()


def track(client, code, pin):
    return client.post(
        "/api/v1/tracking/", {"code": code, "pin": pin}, content_type="application/json"
    )


def test_tracking_with_code_and_pin_says_status_and_nothing_personal(anon, received):
    response = track(anon, received.code.lower(), received.lookup_pin)
    body = response.json()
    assert response.status_code == 200
    assert body["state"] == State.PROCESSING
    assert body["stages"]
    assert received.applicant_name not in response.content.decode()


def test_tracking_refuses_a_wrong_pin_and_is_limited_like_the_page(
    anon, received, settings
):
    """After TRACKING_MAX_FAILURES misses, even the right PIN gets 429 with
    Retry-After: the page's own counters."""
    settings.TRACKING_MAX_FAILURES = 2
    wrong = "000000" if received.lookup_pin != "000000" else "111111"
    assert error_of(track(anon, received.code, wrong))["code"] == "not_found"
    assert track(anon, received.code, wrong).status_code == 404
    blocked = track(anon, received.code, received.lookup_pin)
    assert error_of(blocked)["code"] == "throttled"
    assert int(blocked["Retry-After"]) > 0


def test_tracking_needs_code_and_pin(demo, anon):
    body = error_of(track(anon, "", ""))
    assert body["status"] == 422
    assert {"code", "pin"} <= set(body["fields"])


def test_public_endpoints_are_throttled_per_client(demo, anon, monkeypatch):
    from api.throttles import PublicThrottle

    monkeypatch.setattr(
        PublicThrottle,
        "THROTTLE_RATES",
        {**PublicThrottle.THROTTLE_RATES, "public": "2/minute"},
    )
    assert anon.get("/api/v1/fields/").status_code == 200
    assert anon.get("/api/v1/fields/").status_code == 200
    response = anon.get("/api/v1/fields/")
    assert error_of(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize(
    "url", ["/api/v1/nothing/", "/api/v1/staff/dossiers/null,null/actions/approve/"]
)
def test_any_other_api_address_is_a_json_404(demo, anon, url):
    assert error_of(anon.post(url))["code"] == "not_found"


def test_a_body_refused_before_any_view_still_answers_json(demo, as_user, settings):
    """The upload limit (413) and a malformed form (400) answer in the API's shape;
    the portal's pages keep their own answers."""
    client = as_user("clerk")
    url = "/api/v1/staff/dossiers/1/actions/approve/"
    malformed = client.post(url, "x", content_type="multipart/form-data")
    assert error_of(malformed)["code"] == "parse_error"
    settings.UPLOAD_MAX_REQUEST_BYTES = 10
    too_large = client.post(url, {"note": "x" * 100})
    assert error_of(too_large)["code"] == "too_large"
    page = client.post("/my/dossiers/new/1.000894/", {"name": "x" * 100})
    assert page.status_code == 413
    assert page["Content-Type"].startswith("text/html")
