"""In the browser: the public tracking of a group file shows the group's status
and each procedure's, and passes the accessibility audit."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from dossiers import services
from dossiers.models import Dossier
from procedure_groups.models import GroupFiling
from tests.conftest import login, serious_accessibility_issues
from tests.factories import demo_user

from .test_groups import (  # noqa: F401 (group: the fixture)
    file_group,
    group,
    staff,
    take_to_result,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/interagency")


def test_the_citizen_tracks_the_birth_group(audited_page, group):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    filing = file_group(group)
    page = audited_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/track/group/")
    page.get_by_label("Mã hồ sơ").fill(filing.code)
    page.get_by_label("Mã tra cứu").fill(filing.lookup_pin)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("heading", name=filing.code)).to_be_visible()
    expect(page.locator("li[data-state=received]")).to_have_count(3)
    expect(page.get_by_text("Chờ kết quả của:").first).to_be_visible()
    assert serious_accessibility_issues(page) == []
    page.screenshot(path=str(SHOTS / "group-tracking.png"), full_page=True)
    page.goto("/procedure-groups/")
    expect(page.get_by_role("heading", name=group.name)).to_be_visible()
    assert serious_accessibility_issues(page) == []
    page.screenshot(path=str(SHOTS / "group-list.png"), full_page=True)
    page.goto("/track/group/")
    page.get_by_label("Mã hồ sơ").fill(filing.code)
    page.get_by_label("Mã tra cứu").fill(filing.lookup_pin)
    page.get_by_role("button", name="Tra cứu").click()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "group-tracking-phone.png"), full_page=True)


def test_the_clerk_receives_the_group_once_and_prints_its_form_01(page, group):  # noqa: F811
    """At the counter the clerk fills one form for the three procedures, the
    group's Form 01 opens with one appointment; a child's page links back to it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(page, "clerk")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"/staff/groups/{group.code}/intake/")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Họ, chữ đệm, tên của trẻ").fill("Nguyễn Minh Khang")
    page.get_by_role("button", name="Tiếp nhận và in Mẫu 01").click()
    expect(page.locator("#error-summary")).to_contain_text("còn thiếu")
    page.screenshot(path=str(SHOTS / "group-intake-error.png"), full_page=True)
    rows = page.locator("tbody tr").filter(has=page.locator(".badge"))
    for row in rows.all():
        row.locator("input").first.fill("1")
    page.get_by_role("button", name="Tiếp nhận và in Mẫu 01").click()
    expect(page.get_by_text("Hồ sơ liên thông · Mã hồ sơ")).to_be_visible()
    expect(page.locator("table").first.locator("tbody tr")).to_have_count(3)
    page.screenshot(path=str(SHOTS / "group-form-01.png"), full_page=True)
    response = page.request.get(page.url + "?format=pdf")
    assert response.status == 200
    assert response.body().startswith(b"%PDF")
    filing = GroupFiling.objects.get()
    page.goto(f"/staff/dossiers/{filing.children.first().dossier_id}/")
    page.get_by_role("link", name="Mẫu 01 của hồ sơ liên thông").click()
    expect(page.get_by_text(filing.code).first).to_be_visible()


def test_the_birth_group_from_the_counter_to_three_results(page, group):  # noqa: F811
    """Filed once at the counter; the ward, the ward police and the provincial
    social insurance each decide their procedure in turn (the next waits for the
    result before it); the desk hands back the three results; the public tracking
    then says the whole group is done."""

    filing = file_group(group)
    officers = {
        "1.001193": (demo_user("officer"), demo_user("leader")),
        "1.004222": (
            staff("000.21.33.H99", "cu-tru", Role.OFFICER, "police_officer"),
            staff("000.21.33.H99", "cu-tru", Role.LEADER, "police_leader"),
        ),
        "1.014137": (
            staff("000.00.40.H99", "thu-so-the", Role.OFFICER, "bhxh_officer"),
            staff("000.00.40.H99", "lanh-dao", Role.LEADER, "bhxh_leader"),
        ),
    }
    for child in filing.children.select_related("dossier__procedure"):
        take_to_result(child.dossier, *officers[child.dossier.procedure.code])
    for child in filing.children.all():
        services.dossier_return_result(
            dossier=Dossier.objects.get(pk=child.dossier_id),
            actor=demo_user("clerk"),
            channel="counter",
            collected_by="Nguyễn Thị Hoa",
            id_checked=True,
        )
    page.goto(f"/track/group/?code={filing.code}")
    page.get_by_label("Mã tra cứu").fill(filing.lookup_pin)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_text("Đã trả đủ kết quả")).to_be_visible()
    expect(page.locator("li[data-state=returned]")).to_have_count(3)
    page.screenshot(path=str(SHOTS / "group-completed.png"), full_page=True)
