"""In the browser: the desk receives the death group at the counter (the removal
from residence, online only alone, comes with its group), the papers the death
extract provides are not asked, and the group's Form 01 says who provides them
(docs/interagency.md, "The group's rules")."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from procedure_groups.models import GroupFiling
from tests.conftest import login, serious_accessibility_issues

from .test_death_group import death_group  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/grouprules")


def test_the_clerk_receives_the_death_group(audited_page, death_group):  # noqa: F811
    page = audited_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(page, "clerk")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"/staff/groups/{death_group.code}/intake/")
    provided = page.get_by_test_id("provided-papers")
    expect(provided).to_be_visible()
    expect(provided).to_contain_text("Bản sao Giấy chứng tử hoặc Trích lục khai tử")
    # The procedure whose result provides it (the sentence around it is
    # translated once the catalogue is compiled).
    expect(provided).to_contain_text("Thủ tục đăng ký khai tử")
    assert serious_accessibility_issues(page) == []
    page.screenshot(path=str(SHOTS / "death-group-intake.png"), full_page=True)
    page.get_by_label("Họ và tên").fill("Trần Văn Bình")
    rows = page.locator("tbody tr").filter(has=page.locator(".badge"))
    for row in rows.all():
        row.locator("input").first.fill("1")
    page.get_by_role("button", name="Tiếp nhận và in Mẫu 01").click()
    expect(page.get_by_text("Hồ sơ liên thông · Mã hồ sơ")).to_be_visible()
    expect(page.locator("table").first.locator("tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("provided-papers")).to_be_visible()
    page.screenshot(path=str(SHOTS / "death-group-form-01.png"), full_page=True)
    filing = GroupFiling.objects.get()
    assert filing.children.filter(dossier__procedure__code="1.003197").exists()
