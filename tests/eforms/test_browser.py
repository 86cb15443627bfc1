"""A citizen files a birth registration with the child's and the parents' data
and the uploads, on a phone-sized screen, typing with the keyboard; the clerk
sees the answers and prints the declaration."""

import re

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier, State
from tests.conftest import (
    ARTIFACTS,
    browser_context,
    login,
    serious_accessibility_issues,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BIRTH = "1.001193"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def type_into(page, selector: str, text: str) -> None:
    """Reach the input and type, as a keyboard user does."""
    page.locator(selector).focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def type_date(page, selector: str, iso: str) -> None:
    """Date inputs show the browser's own order of day, month and year, so the
    date is set as the input's value rather than typed segment by segment."""
    page.locator(selector).focus()
    page.locator(selector).fill(iso)


def choose_radio(page, selector: str) -> None:
    page.locator(selector).focus()
    page.keyboard.press("Space")
    expect(page.locator(selector)).to_be_checked()


def test_citizen_files_a_birth_registration_and_the_clerk_prints_it(
    browser, live_server, demo, tmp_path
):
    for index in range(3):
        (tmp_path / f"giay-{index}.pdf").write_bytes(PDF)
    context = browser_context(
        browser,
        live_server.url,
        viewport={"width": 390, "height": 844},
        locale="vi-VN",
        # Only so the test can add axe-core to the page; the app's CSP is unchanged.
        bypass_csp=True,
    )
    page = context.new_page()
    login(page, "citizen")

    # --- step 1: the details, prefilled from the profile -----------------------
    page.goto(f"/my/dossiers/new/{BIRTH}/")
    assert serious_accessibility_issues(page) == []
    page.locator("#id_phone").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/my/dossiers/\d+/edit/$"))
    expect(page.locator("form[data-uploads-ready]")).to_have_count(1)
    assert serious_accessibility_issues(page) == []
    # Saving half-filled keeps the draft; a wrong answer comes back in the summary.
    type_into(page, "#id_f-requester_id_number", "12345")
    page.locator("#id_f-requester_id_number").press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("12")
    assert serious_accessibility_issues(page) == []

    # --- step 2: the form, prefilled where the profile knows the answer ---------
    expect(page.locator("#id_f-requester_name")).not_to_have_value("")
    type_into(page, "#id_f-requester_id_number", "036095001234")
    type_into(page, "#id_f-requester_address", "Số 12 đường Lê Lợi, Hà Nội")
    choose_radio(page, "#id_f-relationship_1")
    type_into(page, "#id_f-child_name", "Trần Minh An")
    type_date(page, "#id_f-child_date_of_birth", "2026-11-02")
    choose_radio(page, "#id_f-child_sex_1")
    type_into(page, "#id_f-child_ethnicity", "Kinh")
    type_into(page, "#id_f-child_nationality", "Việt Nam")
    # The facility's name is asked only once the child was born at one.
    expect(page.locator("#block-f-facility_name")).to_be_hidden()
    choose_radio(page, "#id_f-born_at_facility_0")
    expect(page.locator("#block-f-facility_name")).to_be_visible()
    type_into(page, "#id_f-facility_name", "Bệnh viện Phụ sản Hà Nội")
    page.locator("#id_f-place_of_birth-province").select_option("01")
    commune = page.locator("#id_f-place_of_birth-commune")
    expect(commune.locator("option[value='00070']")).to_have_count(1)
    commune.select_option("00070")
    # The parents, a repeating group: the mother, then the father.
    choose_radio(page, "#id_f-parents-0-role_1")
    type_into(page, "#id_f-parents-0-full_name", "Nguyễn Thị Hoa")
    type_date(page, "#id_f-parents-0-date_of_birth", "1995-03-15")
    choose_radio(page, "#id_f-parents-1-role_0")
    type_into(page, "#id_f-parents-1-full_name", "Trần Văn Bình")
    type_date(page, "#id_f-parents-1-date_of_birth", "1993-08-20")
    type_into(page, "#id_f-copies", "2")
    for index in range(3):
        page.set_input_files(f"#id_paper-{index}", str(tmp_path / f"giay-{index}.pdf"))
        expect(page.locator(f"#paper-row-{index}")).to_contain_text(f"giay-{index}.pdf")
    choose_radio(page, "#id_result_delivery_1")
    type_into(page, "#id_result_address", "Số 12 đường Lê Lợi, Hà Nội")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "eforms-citizen-form-390.png"), full_page=True)
    page.locator("#submit-dossier").focus()
    page.keyboard.press("Enter")
    # Either page may come back: say what the error summary lists if it does.
    outcome = page.locator("[data-testid=dossier-reference], #error-summary").first
    expect(outcome).to_be_visible()
    summary = page.locator("#error-summary")
    assert summary.count() == 0, summary.inner_text()
    expect(page).to_have_url(re.compile(r"/my/dossiers/\d+/submitted/$"))

    dossier = Dossier.objects.get(pk=int(page.url.rstrip("/").split("/")[-2]))
    assert dossier.state == State.SUBMITTED
    assert dossier.answers["child_date_of_birth"] == "2026-11-02"
    assert dossier.answers["parents"][1]["full_name"] == "Trần Văn Bình"
    assert dossier.answers["place_of_birth"]["commune"] == "00070"
    assert dossier.result_delivery == "post"
    context.close()

    # --- the clerk reads the answers and prints the declaration ----------------
    context = browser_context(
        browser, live_server.url, viewport={"width": 1280, "height": 900}
    )
    clerk = context.new_page()
    login(clerk, "clerk")
    clerk.goto(f"/staff/dossiers/{dossier.pk}/")
    answers = clerk.get_by_test_id("answers")
    expect(answers).to_contain_text("Trần Minh An")
    expect(answers).to_contain_text("Phường Hoàn Kiếm, Thành phố Hà Nội")
    expect(answers).to_contain_text("Số 12 đường Lê Lợi, Hà Nội")
    clerk.get_by_role(
        "link", name=re.compile("declaration|tờ khai", re.I)
    ).first.click()
    expect(clerk.locator("h1")).to_contain_text("Tờ khai đăng ký khai sinh")
    expect(clerk.locator("main")).to_contain_text(dossier.code)
    clerk.screenshot(path=str(ARTIFACTS / "eforms-declaration.png"), full_page=True)
    context.close()
