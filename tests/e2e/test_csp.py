"""The Content-Security-Policy in a real browser: pages of every audience, the
admin's forms, popups and history included, run without a single violation."""

import re

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier, State
from procedures.models import Procedure
from tests.conftest import login
from tests.factories import demo_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def violations(page) -> list[str]:
    """What the browser reported against the policy, in any tab of the test's
    context (the admin's popups open new ones), as console errors or as
    ``securitypolicyviolation`` events."""
    found: list[str] = []
    page.context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' '"
        " + e.blockedURI));"
    )

    def watch(tab) -> None:
        tab.on(
            "console",
            lambda message: (
                found.append(f"{tab.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

    watch(page)
    page.context.on("page", watch)
    return found


def visit(page, url: str) -> None:
    """Open ``url`` and check the policy the page came with."""
    response = page.goto(url)
    assert response.status == 200, url
    header = response.headers["content-security-policy"]
    script_src = re.search(r"script-src ([^;]*)", header)[1]
    assert "'unsafe-inline'" not in script_src, url
    assert "'unsafe-eval'" not in script_src, url
    page.wait_for_load_state("load")


def test_public_pages_run_under_the_policy(page, demo, violations):
    """The home page, the catalogue and a procedure's page, with Bootstrap's menu."""
    page.set_viewport_size({"width": 600, "height": 900})
    visit(page, "/")
    page.get_by_role("button", name="Mở menu").click()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    visit(page, "/procedures/")
    visit(page, "/procedures/1.001193/")
    assert violations == []


def test_citizen_pages_run_under_the_policy(page, demo, violations):
    """The citizen's list, a dossier and a draft with its upload script."""
    citizen = demo_user("citizen")
    login(page, "citizen")
    visit(page, "/my/dossiers/")
    filed = Dossier.objects.filter(applicant=citizen).exclude(state=State.DRAFT)
    visit(page, f"/my/dossiers/{filed.first().pk}/")
    draft = Dossier.objects.get(applicant=citizen, state=State.DRAFT)
    visit(page, f"/my/dossiers/{draft.pk}/edit/")
    expect(page.locator("form[data-uploads]")).to_have_attribute(
        "data-uploads-ready", "true"
    )
    visit(page, "/notifications/")
    assert violations == []


def test_staff_pages_and_printed_forms_run_under_the_policy(page, demo, violations):
    """The workspace, a dossier, and the register whose <style> needs the nonce
    and whose Print button is wired by a static script."""
    login(page, "clerk")
    visit(page, "/staff/")
    visit(page, "/staff/dossiers/")
    page.add_init_script("window.print = () => { document.body.dataset.printed = 1; };")
    visit(page, "/staff/register/")
    # The sheet's own style applied: the toolbar is the centre's blue.
    expect(page.locator(".toolbar")).to_have_css("background-color", "rgb(11, 79, 156)")
    page.get_by_role("button", name="In trang này").click()
    expect(page.locator("body")).to_have_attribute("data-printed", "1")
    assert violations == []


def test_admin_pages_popups_and_history_run_under_the_policy(page, demo, violations):
    """The admin's index, a procedure's change form with its inlines, a related
    object added through the "+" popup, a history page and the calendar."""
    login(page, "admin")
    visit(page, "/admin/")
    visit(page, "/admin/procedures/procedure/add/")
    page.locator("#papers-group .add-row a").click()
    expect(page.locator("#id_papers-0-name")).to_be_visible()
    with page.expect_popup() as popup_info:
        page.locator("#add_id_sector").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    popup.fill("#id_name", "Linh vuc thu nghiem CSP")
    popup.locator("#id_name").press("End")  # the admin's script fills the code on keyup
    expect(popup.locator("#id_code")).to_have_value("linh-vuc-thu-nghiem-csp")
    # Listen before clicking: the popup may close before a later wait would start.
    with popup.expect_event("close"):
        popup.locator("input[name=_save]").click()
    expect(page.locator("#id_sector option:checked")).to_have_text(
        "Linh vuc thu nghiem CSP"
    )
    procedure = Procedure.objects.order_by("pk").first()
    visit(page, f"/admin/procedures/procedure/{procedure.pk}/change/")
    visit(page, f"/admin/procedures/procedure/{procedure.pk}/history/")
    visit(page, "/admin/workcalendar/calendarexception/")
    visit(page, "/admin/workcalendar/calendarexception/add/")
    page.locator(".datetimeshortcuts a").first.click()  # "Today", from admin's JS
    expect(page.locator("#id_date")).not_to_have_value("")
    visit(page, "/admin/accounts/user/")
    assert violations == []
