"""What is shown of an inter-agency dossier's hand-offs outside the workspace: the
public tracking page names the agency holding it now (nothing personal), and the
staff API lists the hand-offs read only (docs/interagency.md)."""

import pytest
from django.urls import reverse

from dossiers import services
from dossiers.tracking import public_status
from tests.api.conftest import session_client

from .scenario import fresh
from .test_lifecycle import to_land_office

pytestmark = pytest.mark.django_db


def track(client, dossier):
    return client.post(
        reverse("dossiers:track"), {"code": dossier.code, "pin": dossier.lookup_pin}
    )


def test_public_status_names_the_agency_holding_it(transferred, people):
    ward = transferred.steps.get(position=0).agency.name
    assert public_status(transferred).held_by == ward
    dossier = to_land_office(transferred, people)
    land = dossier.steps.get(position=2).agency.name
    assert land != ward
    assert public_status(dossier).held_by == land


def test_the_desk_or_a_finished_dossier_names_none(received, people):
    # Not yet transferred: the desk holds it, no agency named.
    assert public_status(fresh(received)).held_by == ""
    services.dossier_transfer(dossier=fresh(received), actor=people.clerk)
    dossier = to_land_office(fresh(received), people)
    services.dossier_forward(dossier=dossier, actor=people.land_officer)
    services.dossier_approve(dossier=fresh(dossier), actor=people.land_leader)
    assert public_status(fresh(dossier)).held_by == ""


def test_the_tracking_page_shows_the_agency_and_nothing_personal(
    client, transferred, people, django_assert_max_num_queries
):
    dossier = to_land_office(transferred, people, note="Chuyển hồ sơ ông An")
    land = dossier.steps.get(position=2).agency.name
    with django_assert_max_num_queries(12):
        response = track(client, dossier)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="held-by"' in body and land in body
    for private in (
        "Nguyễn Văn An",
        "036095001234",
        "0912345678",
        "Chuyển hồ sơ ông An",
        people.land_leader.get_full_name() or "Vũ Thị Lan",
    ):
        assert private not in body


def test_the_staff_api_lists_the_hand_offs_read_only(transferred, people):
    client = session_client("officer")
    url = f"/api/v1/staff/dossiers/{transferred.pk}/"
    assert client.get(url).json()["agency_transfers"] == []
    dossier = to_land_office(transferred, people, note="Đã niêm yết")
    body = session_client("land_officer").get(url).json()
    (handoff,) = body["agency_transfers"]
    assert handoff["kind"] == "transfer"
    assert handoff["from_agency"]["code"] == dossier.steps.get(position=1).agency.code
    assert handoff["to_agency"]["code"] == dossier.steps.get(position=2).agency.code
    assert (handoff["from_step"], handoff["to_step"]) == (1, 2)
    assert handoff["note"] == "Đã niêm yết"
    assert handoff["sent_by"] == "leader"
    # Read only: the endpoint takes no writes.
    assert client.patch(url, {"agency_transfers": []}).status_code == 405
