"""Each staff role at its queues on office screens (issue 15): the landing page
and the dossier page at 1280×720 and 1366×768 with the header measured, a dozen
worklist rows on screen, the actions in view while scrolling, and the work done
from the queues: claim, reassign, sign, bulk transfer."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from dossiers import services
from dossiers.models import Dossier, State
from procedures.models import Procedure
from tests.conftest import login, serious_accessibility_issues
from tests.factories import UserFactory, demo_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = [(1280, 720), (1366, 768)]
SHOTS = Path("/tmp/shots/queues")

# The queues each role lands on, by their Vietnamese label.
LANDING = {
    "clerk": [
        "Hồ sơ chờ kiểm tra",
        "Đã tiếp nhận, chờ chuyển xử lý",
        "Kết quả chờ trả",
        "Chờ bổ sung hồ sơ",
    ],
    "officer": [
        "Bước tôi đang xử lý",
        "Bước chưa có người xử lý của phòng",
        "Sắp đến hạn tại phòng",
    ],
    "leader": ["Hồ sơ chờ ký quyết định", "Mẫu 04 gia hạn chờ ký", "Quá hạn"],
    "manager": ["Quá hạn", "Sắp đến hạn", "Hồ sơ chưa kết thúc"],
}


def opened(page, action: str) -> None:
    expect(page.locator(f"#act-{action}")).to_have_class(re.compile(r"\bshow\b"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def header_height(page) -> float:
    return page.locator("header.site-header").bounding_box()["height"]


@pytest.mark.parametrize("username", ["clerk", "officer", "leader", "manager"])
def test_each_role_lands_on_its_queues(audited_page, demo, username):
    page = audited_page
    login(page, username)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/staff/")
        queues = page.get_by_test_id("queues")
        for label in LANDING[username]:
            expect(queues.get_by_role("link", name=re.compile(label))).to_be_visible()
        assert header_height(page) <= 80, (username, width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"{username}-landing-{width}")
    assert serious_accessibility_issues(page) == []
    # Each queue opens as a list with its own tab marked.
    first = LANDING[username][0]
    page.get_by_test_id("queues").get_by_role("link", name=re.compile(first)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first)
    expect(page.locator(".queue-tabs [aria-current=page]")).to_contain_text(first)
    assert serious_accessibility_issues(page) == []
    if username == "officer":
        # Results to hand back are the desk's: no such queue for an officer.
        expect(page.get_by_text("Kết quả chờ trả")).to_have_count(0)
    if username == "manager":
        page.goto("/staff/")
        table = page.locator("table.agency-loads")
        expect(table).to_be_visible()
        table.locator("tbody tr").first.locator("td a").first.click()
        expect(page).to_have_url(re.compile(r"queue=open&agency=\d+"))


def test_a_dozen_rows_show_at_1366_by_768(page, demo, media):
    citizen = demo_user("citizen")
    procedure = Procedure.objects.get(code="1.004873")
    for _ in range(30):
        draft = services.dossier_create_draft(applicant=citizen, procedure=procedure)
        Dossier.objects.filter(pk=draft.pk).update(
            state=State.RECEIVED, received_at=timezone.now()
        )
    login(page, "clerk")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/staff/dossiers/")
    rows = page.locator("table.worklist tbody tr")
    expect(rows).to_have_count(25)
    bottoms = rows.evaluate_all(
        "rows => rows.map(r => r.getBoundingClientRect().bottom)"
    )
    visible = sum(bottom <= 768 for bottom in bottoms)
    assert visible >= 12, bottoms
    # Every column fits: the table does not scroll sideways.
    assert page.eval_on_selector(
        ".table-responsive", "box => box.scrollWidth <= box.clientWidth"
    )
    shot(page, "clerk-worklist-1366")
    page.set_viewport_size({"width": 1280, "height": 720})
    assert page.eval_on_selector(
        ".table-responsive", "box => box.scrollWidth <= box.clientWidth"
    )
    shot(page, "clerk-worklist-1280")
    page.set_viewport_size({"width": 1366, "height": 768})
    # The other filters fold away and open on demand.
    more = page.locator("details.more-filters")
    expect(more.get_by_label("Trạng thái")).not_to_be_visible()
    more.locator("summary").click()
    expect(more.get_by_label("Trạng thái")).to_be_visible()
    # Sorting by the received date, then backwards, keeps the pages going.
    page.get_by_role("link", name="Ngày tiếp nhận").click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Ngày tiếp nhận")
    page.get_by_role("link", name="Ngày tiếp nhận").click()
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Ngày tiếp nhận")
    page.get_by_role("link", name=re.compile("Trang sau")).click()
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Ngày tiếp nhận")
    expect(rows.first).to_be_visible()


def test_the_clerk_transfers_several_dossiers_from_the_queue(audited_page, file_online):
    page = audited_page
    clerk = demo_user("clerk")
    dossiers = []
    for _ in range(3):
        dossier = file_online()
        services.dossier_receive(dossier=dossier, actor=clerk)
        dossiers.append(dossier)
    login(page, "clerk")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_test_id("queues").get_by_role(
        "link", name=re.compile("Đã tiếp nhận, chờ chuyển xử lý")
    ).click()
    bar = page.locator("#bulk-form")
    expect(bar).to_contain_text("Chọn các hồ sơ để xử lý cùng lúc.")
    for dossier in dossiers[:2]:
        page.get_by_label(f"Chọn {dossier.code}").check()
    expect(bar).to_contain_text("Đã chọn 2 hồ sơ")
    assert serious_accessibility_issues(page) == []
    shot(page, "clerk-bulk-transfer-1366")
    bar.get_by_role("button", name=re.compile("các hồ sơ đã chọn")).click()
    expect(page.locator(".alert-success")).to_contain_text("đã thực hiện cho 2 hồ sơ")
    states = [Dossier.objects.get(pk=d.pk).state for d in dossiers]
    assert states == [State.PROCESSING, State.PROCESSING, State.RECEIVED]
    # The third is still in the queue; the box in the heading ticks it.
    page.locator("#pick-all").check()
    expect(page.get_by_label(f"Chọn {dossiers[2].code}")).to_be_checked()


def test_officer_claims_and_leader_reassigns_then_signs(page, in_processing):
    officer = demo_user("officer")
    colleague = UserFactory(
        username="officer2",
        full_name="Nguyễn Thu Hà",
        role=Role.OFFICER,
        agency=officer.agency,
        department=officer.department,
    )
    login(page, "officer")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_test_id("queues").get_by_role(
        "link", name=re.compile("Bước chưa có người xử lý của phòng")
    ).click()
    page.get_by_role("link", name=in_processing.code).click()
    page.get_by_role("button", name="Nhận xử lý bước này").click()
    opened(page, "claim")
    page.locator("#act-claim button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.goto("/staff/dossiers/?queue=my_steps")
    row = page.locator("table.worklist tbody tr").filter(has_text=in_processing.code)
    expect(row).to_contain_text(officer.display_name)
    page.context.clear_cookies()

    login(page, "leader")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"/staff/dossiers/{in_processing.pk}/")
    page.get_by_role("button", name="Giao lại bước xử lý").click()
    opened(page, "reassign")
    page.get_by_label("Giao bước xử lý cho").select_option(str(colleague.pk))
    page.locator("#act-reassign").get_by_label("Lý do").fill("Cân đối công việc.")
    page.locator("#act-reassign button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    in_processing.refresh_from_db()
    assert in_processing.assignee == colleague
    page.context.clear_cookies()

    services.dossier_forward(dossier=in_processing, actor=colleague)
    login(page, "leader")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_test_id("queues").get_by_role(
        "link", name=re.compile("Hồ sơ chờ ký quyết định")
    ).click()
    page.get_by_role("link", name=in_processing.code).click()
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        assert header_height(page) <= 80
        shot(page, f"leader-dossier-{width}")
    # The actions stay in view while the page scrolls.
    page.mouse.wheel(0, 3000)
    expect(page.locator(".action-panel")).to_be_in_viewport()
    page.get_by_role("button", name="Chấp thuận", exact=True).click()
    opened(page, "approve")
    page.locator("#act-approve button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "Đã ghi nhận kết quả: chấp thuận"
    )
    in_processing.refresh_from_db()
    assert in_processing.state == State.RESULT_READY


@pytest.mark.parametrize("username", ["clerk", "officer", "manager"])
def test_the_dossier_page_on_office_screens(page, in_processing, username):
    login(page, username)
    page.goto(f"/staff/dossiers/{in_processing.pk}/")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        assert header_height(page) <= 80
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"{username}-dossier-{width}")
    page.mouse.wheel(0, 3000)
    expect(page.locator(".action-panel")).to_be_in_viewport()
