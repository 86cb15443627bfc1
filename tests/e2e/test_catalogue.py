"""Browser journeys of the catalogue: a citizen searches, an administrator publishes."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_citizen_searches_without_accents_and_opens_the_procedure(page, demo):
    """Typing "dang ky khai sinh" on the home page finds birth registration."""
    page.goto("/")
    page.get_by_label("Tìm kiếm thủ tục hành chính").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page).to_have_url(re.compile(r"/procedures/\?q="))
    first = page.locator(".procedure-results li").first
    expect(first).to_contain_text("Thủ tục đăng ký khai sinh")
    first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/procedures/1\.001193/$"))
    expect(page.get_by_role("heading", name="Thành phần hồ sơ")).to_be_visible()
    expect(page.get_by_text("Giấy chứng sinh").first).to_be_visible()
    expect(page.get_by_text("Trong ngày tiếp nhận").first).to_be_visible()


def test_administrator_creates_and_publishes_a_procedure(page, demo):
    """An administrator adds a procedure with two papers and a two-step route,
    publishes it, and citizens then find it in the public catalogue."""
    login(page, "admin")
    page.goto("/admin/procedures/procedure/add/")
    page.fill("#id_code", "1.999777")
    page.fill("#id_name", "Cấp giấy xác nhận thử nghiệm trình duyệt")
    page.select_option("#id_sector", label="Hộ tịch")
    page.select_option("#id_level", "commune")
    page.select_option("#id_receiving_agency", label="Trung tâm PVHCC phường Đông Sơn")
    page.select_option("#id_deciding_agency", label="UBND phường Đông Sơn")
    page.fill("#id_processing_time_value", "3")
    page.check("#id_via_online")
    page.select_option("#id_online_level", "partial")
    page.fill("#id_result", "Giấy xác nhận")
    for i, name in enumerate(["Tờ khai theo mẫu", "Bản sao căn cước"]):
        page.locator("#papers-group .add-row a").click()
        page.fill(f"#id_papers-{i}-name", name)
    for i, (name, days) in enumerate([("Thẩm định", "2"), ("Phê duyệt", "1")]):
        page.locator("#route_steps-group .add-row a").click()
        page.fill(f"#id_route_steps-{i}-name", name)
        page.fill(f"#id_route_steps-{i}-working_days", days)
    page.locator("input[name=_save]").first.click()
    expect(page).to_have_url(re.compile(r"/admin/procedures/procedure/$"))
    expect(page.locator(".messagelist .success")).to_be_visible()

    page.goto("/procedures/1.999777/")
    expect(page.get_by_text("404").first).to_be_visible()

    page.goto("/admin/procedures/procedure/?q=1.999777")
    page.locator("input.action-select").first.check()
    page.select_option("select[name=action]", "publish_selected")
    page.locator("button[name=index]").click()
    # A page says what publishing changes for citizens before anything changes.
    expect(page.get_by_role("heading", name="Công bố các thủ tục này?")).to_be_visible()
    page.get_by_role("button", name="Đồng ý công bố").click()
    expect(page.get_by_text("Đã công bố 1 thủ tục.")).to_be_visible()

    page.goto("/procedures/?q=giay xac nhan thu nghiem")
    page.get_by_role("link", name="Cấp giấy xác nhận thử nghiệm trình duyệt").click()
    expect(page.get_by_text("Tờ khai theo mẫu")).to_be_visible()
    expect(page.get_by_text("Phê duyệt").first).to_be_visible()


def test_catalogue_admin_reads_on_an_office_screen(page, demo, tmp_path):
    """At 1366×768 the procedure list shows every column without scrolling
    sideways, and a procedure's History lists its papers, fees and steps."""
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, "admin")
    page.goto("/admin/procedures/procedure/")
    expect(page.locator("#result_list th.column-via_online")).to_be_visible()
    overflow = page.evaluate(
        "(() => { const r = document.querySelector('.results');"
        " return r.scrollWidth - r.clientWidth; })()"
    )
    assert overflow <= 0
    page.screenshot(path=str(tmp_path / "admin-procedures-1366.png"))
    page.get_by_role("link", name="1.001193").click()
    page.get_by_role("link", name="Lịch sử thay đổi").click()
    expect(
        page.get_by_role("heading", name="Lịch sử thay đổi: 1.001193")
    ).to_be_visible()
    expect(page.locator("tr.timeline-paper").first).to_be_visible()
    expect(page.locator("tr.timeline-fee").first).to_be_visible()
    expect(page.locator("tr.timeline-step").first).to_be_visible()
