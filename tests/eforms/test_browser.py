"""A citizen files a birth registration with the child's and the parents' data
and two uploads (the form is the declaration), on a phone-sized screen, typing
with the keyboard; the clerk sees the answers, the declaration attached as the
first paper, and prints it. A citizen files for an organisation on a phone."""

import re
from pathlib import Path

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
CIVIL_COPY = "2.000635"  # copies of civil status extracts: organisations may file
SHOTS = Path("/tmp/shots/eforms")
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
    for index in range(1, 3):
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
    # Two uploads: the declaration (paper 1) is the form itself, not a scan.
    expect(page.locator("#id_paper-0")).to_have_count(0)
    expect(page.locator("#paper-row-0")).to_contain_text("tờ khai điện tử")
    for index in range(1, 3):
        page.set_input_files(f"#id_paper-{index}", str(tmp_path / f"giay-{index}.pdf"))
        expect(page.locator(f"#paper-row-{index}")).to_contain_text(f"giay-{index}.pdf")
    choose_radio(page, "#id_result_delivery_1")
    type_into(page, "#id_result_address", "Số 12 đường Lê Lợi, Hà Nội")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "eforms-citizen-form-390.png"), full_page=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "birth-form-390.png"), full_page=True)
    assert serious_accessibility_issues(page) == []
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
    [declaration] = dossier.attachments.filter(paper_index=0)
    assert declaration.original_name.startswith("to-khai-")
    context.close()

    # --- the clerk reads the answers and prints the declaration ----------------
    context = browser_context(
        browser, live_server.url, viewport={"width": 1366, "height": 768}
    )
    clerk = context.new_page()
    login(clerk, "clerk")
    clerk.goto(f"/staff/dossiers/{dossier.pk}/")
    answers = clerk.get_by_test_id("answers")
    expect(answers).to_contain_text("Trần Minh An")
    expect(answers).to_contain_text("Phường Hoàn Kiếm, Thành phố Hà Nội")
    expect(answers).to_contain_text("Số 12 đường Lê Lợi, Hà Nội")
    # The declaration is the first paper, made from the answers.
    expect(clerk.get_by_test_id("eform-paper")).to_be_visible()
    expect(clerk.locator("#papers-heading + *")).to_contain_text(
        declaration.original_name
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    clerk.screenshot(path=str(SHOTS / "birth-staff-1366.png"), full_page=True)
    clerk.get_by_role(
        "link", name=re.compile("declaration|tờ khai", re.I)
    ).first.click()
    expect(clerk.locator("h1")).to_contain_text("Tờ khai đăng ký khai sinh")
    expect(clerk.locator("main")).to_contain_text(dossier.code)
    clerk.screenshot(path=str(ARTIFACTS / "eforms-declaration.png"), full_page=True)
    clerk.screenshot(path=str(SHOTS / "birth-declaration-1366.png"), full_page=True)
    context.close()


def test_a_citizen_files_for_an_organisation_on_a_phone(
    browser, live_server, demo, tmp_path
):
    """The choice "for a business or organisation" opens its details; a wrong
    tax code is named in the error summary; corrected, the dossier is submitted
    for the organisation, and the staff page states it."""
    for name in ("to-khai.pdf", "cccd.pdf"):
        (tmp_path / name).write_bytes(PDF)
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser_context(
        browser,
        live_server.url,
        viewport={"width": 390, "height": 844},
        locale="vi-VN",
        bypass_csp=True,
    )
    page = context.new_page()
    login(page, "citizen")
    page.goto(f"/my/dossiers/new/{CIVIL_COPY}/")
    page.locator("#id_phone").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/my/dossiers/\d+/edit/$"))
    organisation = page.locator("#block-organisation")
    expect(organisation).to_be_hidden()
    choose_radio(page, "#id_org-filing_for_1")
    expect(organisation).to_be_visible()
    assert serious_accessibility_issues(page) == []
    type_into(page, "#id_org-organisation_name", "Công ty TNHH Thương mại Sơn Hà")
    type_into(page, "#id_org-organisation_tax_code", "0100109107")
    type_into(page, "#id_org-organisation_address", "Số 8 đường Trần Phú")
    type_into(page, "#id_org-organisation_representative", "Lê Văn Minh")
    type_into(page, "#id_org-organisation_representative_title", "Giám đốc")
    page.set_input_files("#id_paper-0", str(tmp_path / "to-khai.pdf"))
    expect(page.locator("#paper-row-0")).to_contain_text("to-khai.pdf")
    page.set_input_files("#id_paper-1", str(tmp_path / "cccd.pdf"))
    expect(page.locator("#paper-row-1")).to_contain_text("cccd.pdf")
    page.locator("#submit-dossier").focus()
    page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Mã số thuế không hợp lệ")
    # The organisation's details stay open with the error, for correcting.
    expect(organisation).to_be_visible()
    assert serious_accessibility_issues(page) == []
    page.screenshot(path=str(SHOTS / "organisation-error-390.png"), full_page=True)
    type_into(page, "#id_org-organisation_tax_code", "0100109106")
    page.locator("#submit-dossier").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/my/dossiers/\d+/submitted/$"))
    dossier = Dossier.objects.get(pk=int(page.url.rstrip("/").split("/")[-2]))
    assert dossier.state == State.SUBMITTED
    assert dossier.organisation_name == "Công ty TNHH Thương mại Sơn Hà"
    assert dossier.organisation_tax_code == "0100109106"
    page.goto(dossier.get_absolute_url())
    expect(page.get_by_test_id("filed-for")).to_contain_text("0100109106")
    page.screenshot(path=str(SHOTS / "organisation-detail-390.png"), full_page=True)
    context.close()

    # The same page on a desktop screen, to look at.
    context = browser_context(
        browser,
        live_server.url,
        viewport={"width": 1366, "height": 768},
        locale="vi-VN",
        bypass_csp=True,
    )
    page = context.new_page()
    login(page, "citizen")
    draft = Dossier.objects.create(
        **{
            field: getattr(dossier, field)
            for field in (
                "applicant",
                "applicant_name",
                "applicant_id_number",
                "applicant_phone",
                "procedure",
                "procedure_snapshot",
                "channel",
                "receiving_desk",
                "deciding_agency",
                "organisation_name",
                "organisation_tax_code",
                "organisation_address",
                "organisation_representative",
                "organisation_representative_title",
            )
        }
    )
    page.goto(f"/my/dossiers/{draft.pk}/edit/")
    expect(page.locator("#block-organisation")).to_be_visible()
    assert serious_accessibility_issues(page) == []
    page.screenshot(path=str(SHOTS / "organisation-form-1366.png"), full_page=True)
    context.close()


def test_the_counter_asks_for_whom_and_stays_accessible(browser, live_server, demo):
    """The clerk's intake of certified copies offers filing for an organisation;
    its details open on the choice, and the page has no serious axe issue."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser_context(
        browser,
        live_server.url,
        viewport={"width": 1366, "height": 768},
        locale="vi-VN",
        bypass_csp=True,
    )
    page = context.new_page()
    login(page, "clerk")
    page.goto("/staff/intake/?procedure=2.000815")
    organisation = page.locator("#block-organisation")
    expect(organisation).to_be_hidden()
    choose_radio(page, "#id_org-filing_for_1")
    expect(organisation).to_be_visible()
    expect(organisation).to_contain_text("Mã số thuế")
    assert serious_accessibility_issues(page) == []
    page.screenshot(path=str(SHOTS / "counter-organisation-1366.png"), full_page=True)
    context.close()
