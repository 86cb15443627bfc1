"""Browser journeys of the staff: counter intake, intake check, processing, return."""

import re

import pytest
from playwright.sync_api import expect

from dossiers import services
from dossiers.models import Dossier, State
from tests.conftest import login
from tests.factories import UserFactory, demo_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def opened(page, action: str) -> None:
    """Wait until the action's panel has finished unfolding: a click on its button
    while it still moves can miss."""
    expect(page.locator(f"#act-{action}")).to_have_class(re.compile(r"\bshow\b"))


def test_clerk_receives_a_walk_in_dossier_and_opens_form_01(page, demo, media):
    """At the counter the clerk picks the procedure, ticks the papers, receives,
    and gets the receipt slip with its PDF."""
    login(page, "clerk")
    page.get_by_role("link", name="Tiếp nhận tại quầy").click()
    # The searchable box replaces the list once its script has run.
    picker = page.locator("#procedure-search")
    expect(picker).to_be_visible()
    expect(picker).to_have_accessible_name("Thủ tục")
    picker.fill("dang ky khai sinh 1.001193")
    picker.press("Enter")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Họ và tên").fill("Lê Thị Mai")
    page.get_by_label("Số định danh cá nhân").fill("001190099999")
    page.get_by_label("Số điện thoại").fill("0912345000")
    expect(page.locator("input[name$='-received']").first).to_be_visible()
    for checkbox in page.locator("input[name$='-received']").all()[:3]:
        checkbox.check()
    # The first paper: no original, two certified copies and one copy.
    page.fill("#id_paper-0-originals", "0")
    page.fill("#id_paper-0-certified_copies", "2")
    page.fill("#id_paper-0-copies", "1")
    page.get_by_role("button", name="Tiếp nhận và in Mẫu 01").click()
    expect(page.get_by_text("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")).to_be_visible()
    dossier = Dossier.objects.get(applicant_name="Lê Thị Mai")
    expect(page.get_by_text(dossier.code).first).to_be_visible()
    rows = page.locator("table.papers tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first.locator("td")).to_have_text(
        ["1", re.compile("Tờ khai"), "0", "2", "1"]
    )
    response = page.request.get(page.url + "?format=pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_clerk_requests_a_supplement_for_an_online_dossier(page, file_online):
    """The clerk marks a paper as needing correction and sends Form 02."""
    dossier = file_online()
    login(page, "clerk")
    page.goto(f"/staff/dossiers/{dossier.pk}/")
    page.locator("label[for='v-0-invalid']").click()
    page.fill("#note-0", "Tờ khai chưa có chữ ký")
    page.get_by_role("button", name="Lưu kết quả kiểm tra").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu kết quả kiểm tra")
    page.get_by_role("button", name="Yêu cầu bổ sung hồ sơ (Mẫu 02)").click()
    opened(page, "request_intake_supplement")
    expect(page.locator("#id_paper-0-guidance")).to_have_value("Tờ khai chưa có chữ ký")
    page.get_by_label("Nội dung gửi người nộp hồ sơ").fill("Vui lòng ký tờ khai.")
    page.locator("#act-request_intake_supplement button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi yêu cầu bổ sung")
    dossier.refresh_from_db()
    assert dossier.state == State.SUPPLEMENT_REQUESTED


def test_officer_and_leader_take_a_dossier_to_its_result(page, in_processing):
    """The officer forwards, the leader approves, the clerk hands back the result;
    a citizen and an officer of another department are refused on the way."""
    url = f"/staff/dossiers/{in_processing.pk}/"
    login(page, "officer")
    page.goto(url)
    page.get_by_role("button", name="Chuyển bước tiếp theo").click()
    opened(page, "forward")
    page.locator("#act-forward button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "Đã chuyển hồ sơ sang bước tiếp theo"
    )
    page.context.clear_cookies()

    officer = demo_user("officer")
    outsider = UserFactory(
        username="outsider",
        role="officer",
        agency=officer.agency,
        department=officer.agency.departments.get(code="van-hoa-xa-hoi"),
    )
    login(page, outsider.username)
    assert page.goto(url).status == 404
    page.context.clear_cookies()

    login(page, "citizen")
    assert page.goto(url).status == 403
    page.context.clear_cookies()

    login(page, "leader")
    page.goto(url)
    page.get_by_role("button", name="Chấp thuận", exact=True).click()
    opened(page, "approve")
    page.locator("#act-approve button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "Đã ghi nhận kết quả: chấp thuận"
    )
    in_processing.refresh_from_db()
    assert in_processing.state == State.RESULT_READY
    page.context.clear_cookies()

    login(page, "clerk")
    page.goto(url)
    page.get_by_role("button", name="Trả kết quả").click()
    opened(page, "return_result")
    page.get_by_label("Hình thức trả").select_option("counter")
    page.get_by_label("Người nhận kết quả").fill("Nguyễn Văn An")
    page.get_by_label("Đã kiểm tra giấy tờ tùy thân").check()
    page.locator("#act-return_result button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã trả kết quả")
    in_processing.refresh_from_db()
    assert in_processing.state == State.RETURNED
    assert services.refusal_reason(in_processing, "return_result", demo_user("clerk"))


def test_clerk_guides_a_walk_in_and_records_the_supplement_brought_back(
    page, demo, media
):
    """Papers missing: the clerk registers the walk-in without receiving, issues
    Form 02 from the dossier's page, then records the paper brought back and
    receives the dossier (Form 01)."""
    login(page, "clerk")
    page.goto("/staff/intake/?procedure=1.001193")
    page.get_by_label("Họ và tên").fill("Phan Văn Hậu")
    page.get_by_label("Số định danh cá nhân").fill("001190088888")
    page.locator("#id_paper-0-received").check()
    page.get_by_role("button", name=re.compile("ghi nhận, chưa tiếp nhận")).click()
    expect(page).to_have_url(re.compile(r"/staff/dossiers/\d+/$"))
    dossier = Dossier.objects.get(applicant_name="Phan Văn Hậu")
    assert dossier.state == State.SUBMITTED

    # The papers are judged in one place, the paper check; Form 02 lists its
    # findings.
    page.locator("label[for='v-1-missing']").click()
    page.fill("#note-1", "Mang giấy chứng sinh bản chính")
    page.get_by_role("button", name="Lưu kết quả kiểm tra").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu kết quả kiểm tra")
    page.get_by_role("button", name="Yêu cầu bổ sung hồ sơ (Mẫu 02)").click()
    opened(page, "request_intake_supplement")
    expect(page.get_by_test_id("form02-from-check")).to_contain_text(
        "Mang giấy chứng sinh bản chính"
    )
    page.get_by_label("Nội dung gửi người nộp hồ sơ").fill("Đề nghị Ông/Bà bổ sung.")
    page.locator("#act-request_intake_supplement button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Mẫu 02")
    form_02 = page.request.get(f"/staff/dossiers/{dossier.pk}/forms/02/1/")
    assert "Mang giấy chứng sinh bản chính" in form_02.text()

    page.get_by_role("button", name=re.compile("bổ sung nộp tại quầy")).click()
    opened(page, "supplement_at_counter")
    panel = page.locator("#act-supplement_at_counter")
    expect(panel.locator("#id_paper-1-received")).to_be_checked()
    for index in (0, 2):
        panel.locator(f"#id_paper-{index}-received").check()
    panel.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED

    page.get_by_role("button", name=re.compile("Tiếp nhận hồ sơ")).first.click()
    opened(page, "receive")
    page.locator("#act-receive button[type=submit]").click()
    expect(page.get_by_text("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")).to_be_visible()
    expect(page.locator("table.papers tbody tr")).to_have_count(3)
