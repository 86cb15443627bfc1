"""Who sees an inter-agency dossier: each agency once a step of theirs has started
(and afterwards, for its history), the receiving desk all along, managers in
their scope, nobody else (docs/interagency.md)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from dossiers import freshness, services
from dossiers.interagency import internal_notes_visible_to
from dossiers.selectors import dossiers_visible_to
from procedures.models import Agency
from tests.factories import UserFactory

from .scenario import at, fresh

pytestmark = pytest.mark.django_db


def visible(user, dossier) -> bool:
    return dossiers_visible_to(user).filter(pk=dossier.pk).exists()


def handed_to_land_office(dossier, people):
    services.dossier_forward(dossier=dossier, actor=people.officer)
    services.dossier_transfer_to_agency(dossier=fresh(dossier), actor=people.leader)
    return fresh(dossier)


def test_before_the_hand_off_only_the_ward_side_sees_it(received, people):
    """Received: the desk and the manager see it, not the deciding land office
    (no step of theirs has started). Transferred to the ward: the ward's officer
    and leader see it too; still not the land office."""
    assert visible(people.clerk, received)
    assert visible(people.manager, received)
    for user in (people.land_officer, people.land_leader, people.officer):
        assert not visible(user, received), user
    services.dossier_transfer(dossier=received, actor=people.clerk)
    for user in (people.officer, people.leader, people.clerk, people.manager):
        assert visible(user, received), user
    for user in (people.land_officer, people.land_leader, people.other_officer):
        assert not visible(user, received), user


def test_after_the_hand_off_the_receiving_agency_sees_it_and_the_ward_keeps_it(
    transferred, people
):
    """Transferred to the land office: its officer and leader see it; the ward
    keeps it for its history; a third agency's staff never see it."""
    dossier = handed_to_land_office(transferred, people)
    for user in (
        people.land_officer,
        people.land_leader,
        people.officer,
        people.leader,
        people.clerk,
        people.manager,
    ):
        assert visible(user, dossier), user
    for user in (people.other_officer, people.other_leader):
        assert not visible(user, dossier), user


def test_a_commune_manager_sees_what_reaches_the_commune(transferred, people):
    """A manager of the ward's tree sees the dossier (its desk is there); a manager
    of the land office alone sees it only once the office's step has started."""
    land_office = Agency.objects.get(code="000.00.20.H99")
    land_manager = UserFactory(
        username="land_manager", role=Role.MANAGER, agency=land_office
    )
    assert visible(land_manager, transferred)  # it decides the dossier
    ward_manager = UserFactory(
        username="ward_manager",
        role=Role.MANAGER,
        agency=Agency.objects.get(code="000.21.31.H99"),
    )
    assert visible(ward_manager, transferred)


def test_workspace_page_follows_the_scope(client, transferred, people):
    """The land officer's dossier page is a 404 until the hand-off, then opens with
    the transfer-back button; the ward leader still reads it, with no buttons."""
    url = reverse("workspace:dossier_detail", args=[transferred.pk])
    client.force_login(people.land_officer)
    assert client.get(url).status_code == 404
    dossier = handed_to_land_office(transferred, people)
    page = client.get(url)
    assert page.status_code == 200
    assert "act-return_to_agency" in page.content.decode()
    client.force_login(people.leader)
    page = client.get(url)
    assert page.status_code == 200
    assert "act-" not in page.content.decode()
    assert dossier.current_step_index == 2


def test_the_hand_off_through_the_workspace(client, transferred, people):
    """The ward leader presses the inter-agency transfer; the dossier leaves the
    ward's queue of work and reaches the land office's list."""
    services.dossier_forward(dossier=transferred, actor=people.officer)
    dossier = fresh(transferred)
    client.force_login(people.leader)
    response = client.post(
        reverse("workspace:dossier_act", args=[dossier.pk, "transfer_to_agency"]),
        {"version": dossier.version, "note": "Chuyển VP Đăng ký đất đai"},
    )
    assert response.status_code == 302
    assert fresh(dossier).current_step_index == 2
    client.force_login(people.land_officer)
    listing = client.get(reverse("workspace:dossier_list"))
    assert dossier.code in listing.content.decode()


def test_another_agency_cannot_press_the_hand_off(client, transferred, people):
    """The land officer posting the ward's transfer is refused; nothing moves."""
    services.dossier_forward(dossier=transferred, actor=people.officer)
    dossier = fresh(transferred)
    client.force_login(people.land_leader)
    response = client.post(
        reverse("workspace:dossier_act", args=[dossier.pk, "transfer_to_agency"]),
        {"version": dossier.version},
    )
    assert response.status_code == 404
    assert fresh(dossier).current_step_index == 1


def test_worklist_query_count_is_constant(
    client, transferred, people, django_assert_max_num_queries
):
    """The land office's worklist costs the same with one or several dossiers."""
    handed_to_land_office(transferred, people)
    client.force_login(people.land_officer)
    url = reverse("workspace:dossier_list")
    client.get(url)
    # The queue tabs' counts are read again after any change (dossiers/freshness.py):
    # both visits measured below read them.
    freshness.changed()
    with django_assert_max_num_queries(15) as one:
        client.get(url)
    count_one = len(one.captured_queries)
    for _ in range(4):
        other = services.dossier_receive_at_counter(
            clerk=people.clerk,
            at=at("2026-12-01 11:00"),
            procedure=transferred.procedure,
            details=services.ApplicantDetails(name="Trần Thị B"),
            received=[
                services.ReceivedPaper(p["index"], p["name"], originals=1)
                for p in transferred.papers
                if p["mandatory"]
            ],
        )
        services.dossier_transfer(dossier=other, actor=people.clerk)
        handed_to_land_office(fresh(other), people)
    with django_assert_max_num_queries(count_one) as many:
        response = client.get(url)
    assert response.content.decode().count("000.21.32.H99-") >= 5
    assert len(many.captured_queries) == count_one


def test_an_agencys_internal_notes_stay_with_it(client, transferred, people):
    """An officer of the land office does not read the ward's internal notes; the
    desk's notes reach both agencies; the desk and the manager read everything;
    the hand-off's note is what the ward tells the land office."""
    ward_note = services.dossier_add_note(
        dossier=transferred, actor=people.officer, text="Chủ hộ hay vắng nhà"
    )
    desk_note = services.dossier_add_note(
        dossier=transferred, actor=people.clerk, text="Bản gốc lưu tại quầy"
    )
    dossier = handed_to_land_office(transferred, people)
    land_note = services.dossier_add_note(
        dossier=dossier, actor=people.land_officer, text="Chờ đo đạc lại"
    )
    assert ward_note.agency.code == "000.21.31.H99"
    assert list(internal_notes_visible_to(people.land_officer, dossier)) == [
        desk_note,
        land_note,
    ]
    assert list(internal_notes_visible_to(people.leader, dossier)) == [
        ward_note,
        desk_note,
    ]
    for user in (people.clerk, people.manager):
        assert len(internal_notes_visible_to(user, dossier)) == 3
    client.force_login(people.land_officer)
    page = client.get(reverse("workspace:dossier_detail", args=[dossier.pk]))
    assert "Bản gốc lưu tại quầy" in page.content.decode()
    assert "Chủ hộ hay vắng nhà" not in page.content.decode()


def test_single_agency_notes_are_read_by_everyone_who_sees_the_dossier(
    transferred, people
):
    """Nothing changes for a dossier decided by one agency."""
    from dossiers.models import Dossier

    Dossier.objects.filter(pk=transferred.pk).update(crosses_agencies=False)
    dossier = fresh(transferred)
    services.dossier_add_note(dossier=dossier, actor=people.officer, text="Ghi chú")
    assert internal_notes_visible_to(people.land_officer, dossier).count() == 1
