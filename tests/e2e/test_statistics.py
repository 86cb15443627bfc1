"""Browser journey of the statistics: a manager filters and downloads the tables;
anyone reads the public board."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import login, serious_accessibility_issues

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manager_filters_the_statistics_and_downloads_them(
    audited_page, demo, tmp_path
):
    """The manager opens the statistics, picks an agency and this month, sees the
    cards and charts with their tables, and downloads the XLSX and the CSV."""
    page = audited_page
    login(page, "manager")
    page.goto("/staff/statistics/")
    expect(
        page.get_by_role("heading", name=re.compile("Statistics|Thống kê"))
    ).to_be_visible()
    today = timezone.localdate()
    page.select_option("#id_kind", "month")
    page.fill("#id_year", str(today.year))
    page.select_option("#id_month", str(today.month))
    page.select_option("#id_agency", label="UBND phường Đông Sơn")
    page.locator("form[method=get] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"agency=\d+"))
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.locator("#table-procedures")).to_be_visible()
    # The charts, their tables and the filters: no serious accessibility issue.
    assert serious_accessibility_issues(page) == []
    for output in ("xlsx", "csv"):
        with page.expect_download() as download:
            page.locator(
                f"a[href*='export=procedures'][href*='format={output}']"
            ).click()
        saved = tmp_path / f"procedures.{output}"
        download.value.save_as(saved)
        assert saved.stat().st_size > 0
    assert saved.read_text(encoding="utf-8-sig").count("\n") >= 2
    # The periodic report of the same period and agency, and its XLSX.
    page.locator("a[href*='/staff/statistics/report/']").click()
    expect(page).to_have_url(re.compile(r"/staff/statistics/report/\?.*agency=\d+"))
    expect(page.get_by_text("Biểu số II.06a/VPCP/KSTT")).to_be_visible()
    expect(page.locator("table.form thead th", has_text="(13)")).to_be_visible()
    assert serious_accessibility_issues(page) == []
    with page.expect_download() as download:
        page.locator("a[href*='format=xlsx']").click()
    report = tmp_path / "report.xlsx"
    download.value.save_as(report)
    assert download.value.suggested_filename.startswith("bao-cao-06a-")
    assert report.read_bytes()[:2] == b"PK"
    page.screenshot(path=str(tmp_path / "statistics.png"), full_page=True)


def test_public_board_without_login(audited_page, demo):
    """The transparency board opens from the footer without logging in."""
    page = audited_page
    page.goto("/")
    page.locator("footer").get_by_role(
        "link", name=re.compile("Thống kê|Statistics")
    ).click()
    expect(page).to_have_url(re.compile(r"/statistics/$"))
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("table").first).to_be_visible()
    assert serious_accessibility_issues(page) == []


SIZES = {"desktop": (1366, 768), "phone": (390, 844)}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_statistics_pages_fit_desktop_and_phone(audited_page, demo, language, tmp_path):
    """The staff page and the public board, in Vietnamese and English, on a
    desktop and a phone: the page itself never scrolls sideways (wide tables
    scroll inside their own region). Screenshots go to SCREENSHOTS_DIR if set."""
    from reports import summaries

    summaries.refresh()
    page = audited_page
    shots = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    login(page, "manager")  # the login form speaks Vietnamese
    page.context.add_cookies(
        [
            {
                "name": settings.LANGUAGE_COOKIE_NAME,
                "value": language,
                "url": page.evaluate("() => location.origin"),
            }
        ]
    )
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        for url, label in (
            ("/staff/statistics/?kind=year", "staff"),
            ("/statistics/", "board"),
            ("/staff/statistics/report/?kind=year", "report"),
        ):
            page.goto(url)
            # The report is the filed form, in Vietnamese; its toolbar is not.
            speaks = page.locator("nav.toolbar" if label == "report" else "html")
            expect(speaks).to_have_attribute("lang", language)
            expect(page.locator("h1")).to_be_visible()
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{url} at {width}px scrolls sideways by {overflow}px"
            page.screenshot(
                path=str(shots / f"{label}-{language}-{name}.png"), full_page=True
            )
