"""In the browser: the ward leader transfers a dossier to the provincial land
registration office (chuyển liên thông), whose officer finds it in their own
workspace and may send it back (docs/interagency.md)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dossiers import services
from dossiers.models import AgencyTransfer
from tests.conftest import login
from tests.factories import received_mandatory

from .scenario import fresh

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/interagency")


def test_the_ward_hands_the_dossier_to_the_land_office(page, procedure, people):
    """The ward leader's transfer reaches the land office's worklist, with both
    agencies on the dossier's route and the hand-off on Form 06."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    dossier = services.dossier_receive_at_counter(
        clerk=people.clerk,
        procedure=procedure,
        details=services.ApplicantDetails(name="Nguyễn Văn An"),
        applicant=people.citizen,
        received=received_mandatory(procedure),
    )
    services.dossier_transfer(dossier=dossier, actor=people.clerk)
    services.dossier_forward(dossier=fresh(dossier), actor=people.officer)
    dossier = fresh(dossier)
    url = f"/staff/dossiers/{dossier.pk}/"

    login(page, "leader")
    page.goto(url)
    button = page.get_by_role("button", name="Chuyển liên thông đến cơ quan tiếp theo")
    expect(page.get_by_role("button", name="Chuyển bước tiếp theo")).to_have_count(0)
    button.click()
    expect(page.locator("#act-transfer_to_agency")).to_have_class(
        re.compile(r"\bshow\b")
    )
    panel = page.locator("#act-transfer_to_agency")
    panel.get_by_label("Giao cho").select_option(label=str(people.land_officer))
    panel.get_by_label("Ghi chú").fill("Đã niêm yết thông báo mất tại UBND phường")
    panel.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã chuyển liên thông")
    row = AgencyTransfer.objects.get(dossier=dossier)
    assert row.to_agency.code == "000.00.20.H99"
    page.set_viewport_size({"width": 1366, "height": 768})
    page.screenshot(path=str(SHOTS / "ward-leader-after-transfer.png"), full_page=True)

    page.context.clear_cookies()
    login(page, "land_officer")
    page.goto("/staff/dossiers/")
    page.get_by_role("link", name=dossier.code).click()
    expect(page).to_have_url(re.compile(rf"/staff/dossiers/{dossier.pk}/$"))
    route = page.locator("ol").filter(has_text="Thẩm định hồ sơ, lập Giấy chứng nhận")
    expect(route).to_contain_text("UBND phường Đông Sơn")
    expect(route).to_contain_text("VP Đăng ký đất đai")
    expect(
        page.get_by_role("button", name="Trả lại cơ quan chuyển liên thông")
    ).to_be_visible()
    page.screenshot(path=str(SHOTS / "land-officer-dossier.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "land-officer-dossier-phone.png"), full_page=True)

    page.goto(f"/staff/dossiers/{dossier.pk}/forms/06/")
    expect(
        page.get_by_text("Đã niêm yết thông báo mất tại UBND phường")
    ).to_be_visible()
    handoff = page.locator("tr").filter(has_text="Đã niêm yết thông báo mất")
    expect(handoff).to_contain_text("Giao: Lãnh đạo UBND phường – UBND phường Đông Sơn")
    expect(handoff).to_contain_text("Nhận: Phòng Đăng ký và Cấp giấy chứng nhận")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.screenshot(path=str(SHOTS / "form-06.png"), full_page=True)
