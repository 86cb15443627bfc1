"""In the browser, on a phone: a citizen files the demo birth group online, each
paper once, sees the error summary when a paper is missing, submits, and finds
the group as one entry in "My dossiers"; every page passes the accessibility
audit (screenshots in /tmp/shots/groupsonline/)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from procedure_groups.models import GroupFiling
from tests.conftest import login, serious_accessibility_issues

from .test_groups import group  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/groupsonline")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def shot(page, name: str) -> None:
    assert serious_accessibility_issues(page) == []
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_citizen_files_the_birth_group_online_on_a_phone(
    audited_page,
    group,  # noqa: F811
    tmp_path,
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n%test\n")
    page = audited_page
    page.set_viewport_size(PHONE)
    login(page, "citizen")
    page.goto("/procedure-groups/")
    page.get_by_role("link", name="Nộp trực tuyến nhóm thủ tục này").click()
    expect(
        page.get_by_role("heading", name="Nộp hồ sơ liên thông trực tuyến")
    ).to_be_visible()
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Số định danh cá nhân (CCCD)").fill("001090012345")
    page.get_by_label("Điện thoại").fill("0912345678")
    shot(page, "start-phone")
    page.get_by_role("button", name="Tiếp tục: đính kèm giấy tờ").click()
    expect(
        page.get_by_role("heading", name="Thông tin và giấy tờ của hồ sơ liên thông")
    ).to_be_visible()
    page.get_by_label("Họ, chữ đệm, tên của trẻ").fill("Nguyễn Minh Khang")
    mandatory = page.locator("[data-testid=group-paper]").filter(
        has=page.locator(".badge")
    )
    count = mandatory.count()
    assert count >= 2
    # All but one mandatory paper: the error summary names the last one, and
    # the files already sent are kept.
    for i in range(count - 1):
        mandatory.nth(i).locator("input[type=file]").set_input_files(str(scan))
    page.get_by_role("button", name="Nộp hồ sơ liên thông").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.get_by_text("Đã đính kèm:")).to_have_count(count - 1)
    shot(page, "draft-error-phone")
    mandatory.nth(count - 1).locator("input[type=file]").set_input_files(str(scan))
    page.get_by_role("button", name="Nộp hồ sơ liên thông").click()
    filing = GroupFiling.objects.get()
    expect(
        page.get_by_role("heading", name=f"Hồ sơ liên thông {filing.code}")
    ).to_be_visible()
    expect(page.get_by_test_id("group-child")).to_have_count(3)
    expect(page.get_by_test_id("group-pin")).to_have_text(filing.lookup_pin)
    shot(page, "group-file-phone")
    page.goto("/my/dossiers/")
    expect(page.get_by_test_id("my-group-file")).to_have_count(1)
    expect(page.get_by_test_id("my-group-file")).to_contain_text(filing.code)
    shot(page, "my-dossiers-phone")
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / "my-dossiers-1366.png"), full_page=True)
    page.goto(f"/my/groups/{filing.pk}/")
    page.screenshot(path=str(SHOTS / "group-file-1366.png"), full_page=True)
    page.goto("/procedure-groups/")
    shot(page, "group-list-1366")
