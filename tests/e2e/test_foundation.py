"""Browser journeys of the portal shell: languages and each role's landing page."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_page_in_vietnamese_then_english(page):
    """A visitor sees the home page in Vietnamese and switches to English."""
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Tra cứu hồ sơ").first).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Track a dossier")).to_be_visible()
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")


@pytest.mark.parametrize(
    ("username", "path", "marker"),
    [
        ("citizen", "/my/dossiers/", "Hồ sơ của tôi"),
        ("clerk", "/staff/", "Công chức Bộ phận Một cửa"),
        ("officer", "/staff/", "Công chức xử lý"),
        ("leader", "/staff/", "Lãnh đạo"),
        ("manager", "/staff/", "Quản lý Trung tâm"),
        ("admin", "/admin/", "Quản trị OneCenter"),
    ],
)
def test_each_demo_role_lands_on_its_page(page, demo, username, path, marker):
    """Each demo account logs in through the form and lands on its own page."""
    login(page, username)
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.locator("#main, #site-name").get_by_text(marker).first).to_be_visible()
