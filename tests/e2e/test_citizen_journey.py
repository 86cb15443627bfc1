"""The whole journey of an online dossier across roles, in a browser.

A citizen signs up and confirms the e-mail, finds a procedure typed without accents,
files it with two uploads and submits; the clerk asks for a supplement; the citizen
supplies it; the clerk receives and transfers; the officer forwards; the leader
approves with a result file; the clerk returns it online; the citizen downloads it
and rates the service. Public tracking, by code and PIN, follows every stage.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from dossiers.models import Dossier, State
from feedback.models import Rating
from tests.conftest import ARTIFACTS, browser_context, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "khoa.pham@example.vn"
PASSWORD = "Sen-vang-ven-song-2026"
# Marital status certificate: two mandatory papers, filed online, no online form
# (the declaration is a scan, paper 0).
MARITAL_STATUS = "1.004873"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
    b"\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02"
    b"\xfe\xa7\x9a\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)


def open_action(page, dossier: Dossier, action: str) -> None:
    """Open a staff action's panel on the dossier page."""
    page.goto(f"/staff/dossiers/{dossier.pk}/")
    page.locator(f"button[aria-controls='act-{action}']").click()
    expect(page.locator(f"#act-{action}")).to_be_visible()
    # Unfolded: a click on the panel's button while it still moves can miss.
    expect(page.locator(f"#act-{action}")).to_have_class(re.compile(r"\bshow\b"))


def submit_action(page, dossier: Dossier, action: str) -> None:
    """Send the action's form and wait for the page it redirects to: Form 01 after
    a receipt, else a page saying the action succeeded."""
    page.locator(f"#act-{action} button[type=submit]").click()
    if action == "receive":
        expect(page).to_have_url(re.compile(rf"/staff/dossiers/{dossier.pk}/forms/01/"))
    else:
        expect(page.locator("#main [role=alert].alert-success")).to_be_visible()


def log_out(page) -> None:
    page.context.clear_cookies()


def track(browser, base_url: str, dossier: Dossier, state: str) -> int:
    """Public tracking in a fresh browser (no login): the state and current stage."""
    context = browser_context(browser, base_url)
    visitor = context.new_page()
    visitor.goto("/track/")
    visitor.fill("#code", dossier.code)
    visitor.fill("#pin", dossier.lookup_pin)
    visitor.get_by_role("button", name="Tra cứu", exact=True).click()
    expect(visitor.locator(f"section[data-state='{state}']")).to_be_visible()
    visitor.wait_for_load_state()
    assert dossier.lookup_pin not in visitor.url
    page_text = visitor.locator("main").inner_text()
    assert dossier.applicant_id_number not in page_text
    current = visitor.locator(".stage[aria-current='step']")
    stage = int(current.get_attribute("data-stage")) if current.count() else 99
    context.close()
    return stage


def test_online_dossier_from_sign_up_to_rating(
    page, browser, live_server, demo, tmp_path, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # E-mailed links are built from SITE_URL.
    settings.SITE_URL = live_server.url
    (tmp_path / "to-khai.pdf").write_bytes(PDF)
    (tmp_path / "cccd.png").write_bytes(PNG)
    (tmp_path / "cccd-ro.png").write_bytes(PNG)
    (tmp_path / "ket-qua.pdf").write_bytes(PDF)

    # --- the citizen signs up and confirms the address ------------------------------
    page.goto("/")
    page.locator("a[href='/accounts/signup/']").first.click()
    page.fill("#id_full_name", "Phạm Minh Khoa")
    page.fill("#id_email", EMAIL)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/sent/$"))
    link = re.search(r"https?://\S+/accounts/verify/\S+", mail.outbox[-1].body).group(0)
    # The password is chosen on the page the e-mailed link opens.
    page.goto(link)
    expect(page.locator("#id_full_name")).to_have_value("Phạm Minh Khoa")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    login(page, EMAIL, PASSWORD)

    # --- finds the procedure without typing accents, and files it ----------------
    page.goto("/")
    page.fill("#home-q", "xac nhan tinh trang hon nhan")
    page.press("#home-q", "Enter")
    page.get_by_role(
        "link", name="Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", exact=True
    ).click()
    page.locator(f"a[href='/my/dossiers/new/{MARITAL_STATUS}/']").click()
    expect(page.locator("#id_name")).to_have_value("Phạm Minh Khoa")
    page.fill("#id_id_number", "001095012345")
    page.fill("#id_phone", "0987001122")
    page.fill("#id_address", "Số 5 đường Trần Phú, phường Đông Sơn")
    page.locator("main form button[type=submit].btn-primary").click()
    expect(page).to_have_url(re.compile(r"/my/dossiers/\d+/edit/$"))
    expect(page.locator("form[data-uploads-ready]")).to_have_count(1)
    page.set_input_files("#id_paper-0", str(tmp_path / "to-khai.pdf"))
    expect(page.locator("#paper-row-0")).to_contain_text("to-khai.pdf")
    page.set_input_files("#id_paper-1", str(tmp_path / "cccd.png"))
    expect(page.locator("#paper-row-1")).to_contain_text("cccd.png")
    page.set_viewport_size({"width": 390, "height": 844})
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "citizen-filing-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#submit-dossier").click()
    expect(page).to_have_url(re.compile(r"/my/dossiers/\d+/submitted/$"))
    dossier = Dossier.objects.get(applicant__email=EMAIL)
    assert dossier.state == State.SUBMITTED
    assert dossier.attachments.count() == 2
    # The system has it: the code is on the confirmation page and titles the mail.
    expect(page.get_by_test_id("dossier-reference")).to_contain_text(dossier.code)
    assert any(
        m.to == [EMAIL]
        and dossier.code in m.subject
        and dossier.procedure_snapshot["name"] in m.subject
        for m in mail.outbox
    )
    log_out(page)

    # --- the clerk asks for a supplement (Form 02) --------------------------------
    login(page, "clerk")
    # The papers are judged in one place, the paper check; Form 02 lists what it
    # found.
    page.goto(f"/staff/dossiers/{dossier.pk}/")
    page.locator("label[for='v-1-invalid']").click()
    page.fill("#note-1", "Ảnh căn cước bị lóa, chụp lại rõ nét")
    page.get_by_role("button", name="Lưu kết quả kiểm tra").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu kết quả kiểm tra")
    open_action(page, dossier, "request_intake_supplement")
    expect(page.get_by_test_id("form02-from-check")).to_contain_text(
        "Ảnh căn cước bị lóa"
    )
    page.fill(
        "#act-request_intake_supplement textarea[name=message]", "Vui lòng bổ sung."
    )
    submit_action(page, dossier, "request_intake_supplement")
    dossier.refresh_from_db()
    assert dossier.state == State.SUPPLEMENT_REQUESTED
    log_out(page)

    # --- the citizen supplies the paper --------------------------------------------
    login(page, EMAIL, PASSWORD)
    expect(page.locator("#nav-inbox .badge")).to_be_visible()
    page.goto("/my/dossiers/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "citizen-my-dossiers-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator(f"a[href='/my/dossiers/{dossier.pk}/supplement/']").click()
    expect(page.locator("#paper-row-1")).to_contain_text("Ảnh căn cước bị lóa")
    expect(page.locator("form[data-uploads-ready]")).to_have_count(1)
    page.set_input_files("#id_paper-1", str(tmp_path / "cccd-ro.png"))
    expect(page.locator("#paper-row-1")).to_contain_text("cccd-ro.png")
    page.locator("#send-supplement").click()
    expect(page).to_have_url(re.compile(rf"/my/dossiers/{dossier.pk}/$"))
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    log_out(page)

    # --- the clerk receives and transfers --------------------------------------------
    login(page, "clerk")
    open_action(page, dossier, "receive")
    submit_action(page, dossier, "receive")
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED
    stages = [track(browser, live_server.url, dossier, "received")]
    open_action(page, dossier, "transfer")
    submit_action(page, dossier, "transfer")
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING
    stages.append(track(browser, live_server.url, dossier, "processing"))
    log_out(page)

    # --- the officer forwards, the leader approves with the result ---------------
    login(page, "officer")
    open_action(page, dossier, "forward")
    submit_action(page, dossier, "forward")
    log_out(page)
    login(page, "leader")
    open_action(page, dossier, "approve")
    page.set_input_files("#act-approve input[type=file]", str(tmp_path / "ket-qua.pdf"))
    submit_action(page, dossier, "approve")
    dossier.refresh_from_db()
    assert dossier.state == State.RESULT_READY
    stages.append(track(browser, live_server.url, dossier, "result_ready"))
    log_out(page)

    # --- the clerk returns the result online ----------------------------------------
    login(page, "clerk")
    open_action(page, dossier, "return_result")
    page.select_option("#act-return_result select[name=channel]", "online")
    submit_action(page, dossier, "return_result")
    dossier.refresh_from_db()
    assert dossier.state == State.RETURNED
    stages.append(track(browser, live_server.url, dossier, "returned"))
    assert stages == sorted(stages) and len(set(stages)) == len(stages)
    log_out(page)

    # --- the citizen downloads the result and rates the service ------------------
    login(page, EMAIL, PASSWORD)
    page.goto(f"/my/dossiers/{dossier.pk}/")
    with page.expect_download() as download:
        page.locator("a[download]").first.click()
    with open(download.value.path(), "rb") as result:
        assert result.read().startswith(b"%PDF")
    for criterion, score in (
        ("guidance", 5),
        ("courtesy", 5),
        ("timeliness", 4),
        ("fees", 5),
    ):
        page.locator(f"label[for='id_{criterion}_{score - 1}']").click()
    page.fill("#id_comment", "Nhanh và rõ ràng.")
    page.locator(f"form[action='/my/dossiers/{dossier.pk}/rate/'] button").click()
    expect(page).to_have_url(re.compile(rf"/my/dossiers/{dossier.pk}/#rating$"))
    rating = Rating.objects.get(dossier=dossier)
    assert rating.scores == {"guidance": 5, "courtesy": 5, "timeliness": 4, "fees": 5}
    assert rating.rated_by.email == EMAIL
    expect(page.locator("#rating form")).to_have_count(0)
