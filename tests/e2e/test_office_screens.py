"""Staff pages on office screens: the header is one bar of at most 80 px at 1280
and 1366 px wide, for every staff role, and the menu never wraps."""

import pytest
from playwright.sync_api import expect

from tests.conftest import login, serious_accessibility_issues

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = [(1280, 720), (1366, 768)]


@pytest.mark.parametrize("username", ["clerk", "officer", "leader", "manager"])
def test_the_staff_header_fits_one_bar(page, demo, username, tmp_path):
    login(page, username)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/staff/")
        nav = page.locator("#main-nav")
        expect(nav).to_be_visible()
        header = page.locator("header.site-header").bounding_box()
        assert header["height"] <= 80, (username, width, header)
        # One row: every menu item sits on the same line as the first.
        tops = page.eval_on_selector_all(
            "#main-nav > ul > li",
            "items => items.map(i => i.getBoundingClientRect().top)",
        )
        assert max(tops) - min(tops) < 10, (username, width, tops)
        # Nothing runs off the right edge.
        right = page.eval_on_selector_all(
            "#main-nav > ul > li",
            "items => Math.max(...items.map(i => i.getBoundingClientRect().right))",
        )
        assert right <= width, (username, width, right)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(tmp_path / f"{username}-{width}.png"))


def test_the_language_switch_is_in_the_staff_bar(audited_page, demo):
    page = audited_page
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, "clerk")
    page.goto("/staff/")
    assert serious_accessibility_issues(page) == []
    page.locator(".staff-lang").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator(".staff-lang").get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
