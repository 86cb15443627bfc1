"""In the browser: the result of a linked dossier on the next child's staff page,
and the public tracking page naming the agency holding an inter-agency dossier
(screenshots in /tmp/shots/groupscatalogue/)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier
from tests.conftest import login, serious_accessibility_issues

from .test_group_results import birth_result
from .test_groups import file_group, group  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/groupscatalogue")


def test_the_birth_extract_is_a_paper_of_the_residence_dossier(audited_page, group):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = audited_page
    filing = file_group(group)
    birth, residence, card = (c.dossier for c in filing.children.all())
    login(page, "clerk")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"/staff/dossiers/{card.pk}/")
    expect(page.get_by_test_id("awaits-linked-result")).to_have_text(
        "chờ kết quả liên thông"
    )
    birth_result(birth)
    page.goto(f"/staff/dossiers/{residence.pk}/")
    linked = page.get_by_test_id("linked-results")
    expect(linked).to_contain_text("trich-luc-khai-sinh.pdf")
    expect(linked).to_contain_text(f"từ hồ sơ liên thông {birth.code}")
    expect(page.get_by_test_id("awaits-linked-result")).to_have_count(0)
    expect(
        page.get_by_text("Đã nhận kết quả của hồ sơ liên thông").first
    ).to_be_visible()
    assert serious_accessibility_issues(page) == []
    page.screenshot(path=str(SHOTS / "linked-result-staff.png"), full_page=True)
    with page.expect_popup() as popup:
        linked.get_by_role("link", name="trich-luc-khai-sinh.pdf").click()
    assert Dossier.objects.get(pk=residence.pk).current_due_at is not None
    popup.value.close()


def test_the_tracking_page_names_the_agency_holding_it(
    audited_page, transferred, people
):
    from .test_lifecycle import to_land_office

    SHOTS.mkdir(parents=True, exist_ok=True)
    page = audited_page
    dossier = to_land_office(transferred, people)
    land = dossier.steps.get(position=2).agency.name
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/track/")
    page.get_by_label("Mã hồ sơ").fill(dossier.code)
    page.get_by_label("Mã tra cứu").fill(dossier.lookup_pin)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_test_id("held-by")).to_have_text(land)
    assert serious_accessibility_issues(page) == []
    page.screenshot(path=str(SHOTS / "tracking-held-by.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "tracking-held-by-phone.png"), full_page=True)
