"""Errors where the eye is: a failed action's panel stays open, its summary takes
the focus (so the page scrolls to it) and says what to fix, with links."""

import pytest
from playwright.sync_api import expect

from tests.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("action", "fix"),
    [
        ("request_supplement", "Nội dung gửi người nộp hồ sơ"),
        ("draft_extension", "Ngày hẹn trả kết quả mới"),
    ],
)
def test_a_failed_action_shows_what_to_fix(page, in_processing, action, fix):
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, "officer")
    page.goto(f"/staff/dossiers/{in_processing.pk}/")
    page.locator(f"button[data-bs-target='#act-{action}']").click()
    page.locator(f"#act-{action} button[type=submit]").click()
    summary = page.locator(f"#act-{action} #error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("Chưa thực hiện được")
    link = summary.get_by_role("link", name=fix)
    link.click()
    target = link.get_attribute("href")
    expect(page.locator(target)).to_be_in_viewport()
