"""In the browser: a dossier at a stage of two parallel branches (the land
office's review and the justice department's opinion); the land office's officer
sees both branches open, finishes theirs, and the dossier waits for the other
(docs/interagency.md, "Parallel branches and the join")."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dossiers import services
from dossiers.models import Dossier
from procedures.models import Procedure
from tests.conftest import login
from tests.factories import received_mandatory

from .scenario import fresh
from .test_parallel_branches import parallel_route  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/branches")


@pytest.fixture
def branched(parallel_route: Procedure, people) -> Dossier:  # noqa: F811
    """As in test_parallel_branches, but now (the browser's actions are now)."""
    dossier = services.dossier_receive_at_counter(
        clerk=people.clerk,
        procedure=parallel_route,
        details=services.ApplicantDetails(name="Nguyễn Văn An"),
        applicant=people.citizen,
        received=received_mandatory(parallel_route),
    )
    services.dossier_transfer(dossier=dossier, actor=people.clerk)
    services.dossier_forward(dossier=fresh(dossier), actor=people.officer)
    services.dossier_transfer_to_agency(
        dossier=fresh(dossier), actor=people.leader, note="Xin ý kiến"
    )
    return fresh(dossier)


def test_a_branch_finishes_and_waits_for_the_join(page, branched, people):
    """The land officer's page lists both open branches; forwarding closes the
    land office's branch only, and Form 06 prints it going to the join."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(page, "land_officer")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"/staff/dossiers/{branched.pk}/")
    route = page.locator("ol").filter(has_text="Ý kiến của cơ quan tư pháp")
    expect(route.locator("li.fw-semibold")).to_have_count(2)
    page.screenshot(path=str(SHOTS / "land-officer-two-branches.png"), full_page=True)
    page.get_by_role("button", name="Chuyển bước tiếp theo").click()
    panel = page.locator("#act-forward")
    panel.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    dossier = fresh(branched)
    assert dossier.current_step_index == 2
    assert dossier.steps.get(position=2).finished_at is not None
    page.goto(f"/staff/dossiers/{dossier.pk}/")
    expect(route.locator("li.fw-semibold")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "land-officer-after-branch.png"), full_page=True)
    page.goto(f"/staff/dossiers/{dossier.pk}/forms/06/")
    page.screenshot(path=str(SHOTS / "form-06-branch.png"), full_page=True)
    join = re.compile("Join of the parallel branches|Hợp nhánh")
    expect(page.locator("tr").filter(has_text=join)).to_have_count(1)
