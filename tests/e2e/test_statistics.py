"""Browser journey of the statistics: a manager filters and downloads the tables;
anyone reads the public board."""

import re

import pytest
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
