"""The schema (OpenAPI 3.1) and its two readers, served without any CDN and run
in a real browser under the site's Content-Security-Policy."""

import re

import pytest
import yaml
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_1_and_lists_every_endpoint(demo, anon):
    response = anon.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"] == "3.1.0"
    paths = set(schema["paths"])
    assert {
        "/api/v1/procedures/",
        "/api/v1/procedures/{code}/",
        "/api/v1/fields/",
        "/api/v1/agencies/",
        "/api/v1/tracking/",
        "/api/v1/me/dossiers/",
        "/api/v1/me/dossiers/{id}/papers/",
        "/api/v1/me/notifications/",
        "/api/v1/staff/dossiers/",
        "/api/v1/staff/dossiers/{id}/actions/{action}/",
    } <= paths
    assert set(schema["components"]["securitySchemes"]) == {"apiKey", "session"}
    assert "Error" in schema["components"]["schemas"]


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_readers_load_our_own_copies_of_their_scripts(anon, demo, url):
    page = anon.get(url).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "<script>" not in page
    assert "fonts.googleapis" not in page


@pytest.fixture
def violations(page) -> list[str]:
    found: list[str] = []
    page.context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' '"
        " + e.blockedURI));"
    )
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: found.append(f"page error: {error}"))
    return found


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_and_redoc_work_under_the_policy(page, demo, violations):
    """Both readers render the operations, with no violation of the policy, which
    still forbids inline script on these pages."""
    response = page.goto("/api/v1/docs/")
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in re.search(r"script-src ([^;]*)", policy)[1]
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    expect(page.get_by_text("/api/v1/tracking/").first).to_be_visible()

    page.goto("/api/v1/redoc/")
    expect(page.get_by_role("heading", name="OneCenter API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/tracking/").first).to_be_attached()
    expect(page.get_by_text("API docs by Redocly")).to_be_visible()
    # ReDoc's footer always asks its CDN for a logo; the policy blocks it (no
    # request leaves for a third party) and the logo hides itself on the error.
    cdn_logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    assert [v for v in violations if cdn_logo not in v] == []
