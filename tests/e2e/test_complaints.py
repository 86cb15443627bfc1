"""Browser journey of a complaint: the citizen files it from their dossier's page,
the manager answers it from the list, the citizen reads the answer."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier, State
from tests.conftest import browser_context, login, serious_accessibility_issues

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", "/tmp/shots/complaints"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_citizen_complains_and_the_manager_answers(browser, live_server, demo):
    dossier = (
        Dossier.objects.filter(applicant__username="citizen")
        .exclude(state=State.DRAFT)
        .order_by("pk")
        .first()
    )
    citizen = browser_context(
        browser,
        live_server.url,
        viewport={"width": 1366, "height": 768},
        bypass_csp=True,
    ).new_page()
    login(citizen, "citizen")
    citizen.goto(f"/my/dossiers/{dossier.pk}/")
    panel = citizen.locator("#complaints")
    panel.get_by_text("Gửi phản ánh, kiến nghị về hồ sơ này").click()
    # An empty complaint is refused with the errors listed.
    panel.get_by_role("button", name="Gửi phản ánh, kiến nghị").click()
    expect(citizen.locator("#error-summary")).to_be_visible()
    assert serious_accessibility_issues(citizen) == []
    citizen.get_by_label("Tiêu đề").fill("Chậm trả kết quả")
    citizen.get_by_label("Nội dung phản ánh, kiến nghị").fill(
        "Hồ sơ quá hẹn nhưng chưa được thông báo lý do."
    )
    citizen.locator("#complaints").get_by_role(
        "button", name="Gửi phản ánh, kiến nghị"
    ).click()
    expect(citizen.get_by_text("Đã gửi phản ánh, kiến nghị của Ông/Bà")).to_be_visible()
    expect(citizen.locator("#complaints .complaint")).to_contain_text("Chờ trả lời")
    assert serious_accessibility_issues(citizen) == []
    shot(citizen, "citizen-filed-1366")

    manager = browser_context(
        browser,
        live_server.url,
        viewport={"width": 1366, "height": 768},
        bypass_csp=True,
    ).new_page()
    login(manager, "manager")
    manager.get_by_role("link", name="Phản ánh, kiến nghị").first.click()
    expect(manager).to_have_url(re.compile(r"/staff/complaints/"))
    assert serious_accessibility_issues(manager) == []
    shot(manager, "manager-list-1366")
    manager.get_by_role("link", name="Chậm trả kết quả").click()
    manager.get_by_role("button", name="Gửi trả lời").click()
    expect(manager.locator("#error-summary")).to_be_visible()
    manager.get_by_label("Trả lời người nộp hồ sơ").fill(
        "Trung tâm xin lỗi Ông/Bà; kết quả sẽ được trả trong ngày mai."
    )
    manager.get_by_role("button", name="Gửi trả lời").click()
    expect(
        manager.get_by_text("Đã gửi câu trả lời cho người nộp hồ sơ.")
    ).to_be_visible()
    assert serious_accessibility_issues(manager) == []
    shot(manager, "manager-answered-1366")

    citizen.reload()
    expect(citizen.locator("#complaints .complaint-answer")).to_contain_text(
        "kết quả sẽ được trả trong ngày mai"
    )
    citizen.set_viewport_size({"width": 390, "height": 844})
    citizen.locator("#complaints").scroll_into_view_if_needed()
    assert serious_accessibility_issues(citizen) == []
    shot(citizen, "citizen-answer-phone")
    manager.set_viewport_size({"width": 390, "height": 844})
    manager.goto("/staff/complaints/?status=answered")
    shot(manager, "manager-list-phone")

    # Without an account: the form by code and PIN, on a phone.
    visitor = browser_context(
        browser,
        live_server.url,
        viewport={"width": 390, "height": 844},
        bypass_csp=True,
    ).new_page()
    visitor.goto(f"/track/complaint/?code={dossier.code}")
    visitor.get_by_label("Mã tra cứu").fill("000000")
    visitor.get_by_label("Tiêu đề").fill("Thái độ")
    visitor.get_by_label("Nội dung phản ánh, kiến nghị").fill("Chưa được hướng dẫn.")
    visitor.get_by_role("button", name="Gửi phản ánh, kiến nghị").click()
    expect(visitor.locator("#error-summary")).to_be_visible()
    assert serious_accessibility_issues(visitor) == []
    shot(visitor, "public-form-phone")
    for tab in (citizen, manager, visitor):
        tab.context.close()
