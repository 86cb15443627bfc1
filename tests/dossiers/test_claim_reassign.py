"""Claim and reassign: an officer takes a step nobody holds; a leader gives it to
another handler with a note; both logged, neither in the applicant's timeline."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from dossiers import services
from dossiers.services.core import TransitionRefused
from dossiers.timeline import applicant_timeline
from dossiers.workflow import staff_actions
from tests.factories import UserFactory, demo_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague():
    """A second officer of the demo officer's department."""
    officer = demo_user("officer")
    return UserFactory(
        username="officer2",
        first_name="Hà",
        last_name="Nguyễn Thu",
        role=Role.OFFICER,
        agency=officer.agency,
        department=officer.department,
    )


def test_an_officer_takes_an_unheld_step(in_processing):
    officer = demo_user("officer")
    dossier = in_processing
    assert dossier.assignee_id is None
    assert "claim" in [a.name for a in staff_actions(dossier, officer)]
    services.dossier_claim(
        dossier=dossier, actor=officer, expected_version=dossier.version
    )
    dossier.refresh_from_db()
    assert dossier.assignee == officer
    log = dossier.transitions.last()
    assert (log.transition, log.actor, log.from_state, log.to_state) == (
        "claim",
        officer,
        "processing",
        "processing",
    )
    # The applicant's timeline never says who holds the work inside.
    assert "claim" not in [
        e.action for e in applicant_timeline(dossier.transitions.all())
    ]


def test_a_held_step_cannot_be_taken_again(in_processing, colleague):
    officer = demo_user("officer")
    services.dossier_claim(dossier=in_processing, actor=officer)
    in_processing.refresh_from_db()
    assert "claim" not in [a.name for a in staff_actions(in_processing, colleague)]
    with pytest.raises(TransitionRefused, match="Đã có người giữ bước này"):
        services.dossier_claim(dossier=in_processing, actor=colleague)


def test_someone_outside_the_step_cannot_take_it(in_processing):
    with pytest.raises(TransitionRefused):
        services.dossier_claim(dossier=in_processing, actor=demo_user("clerk"))


def test_the_leader_reassigns_with_a_note(in_processing, colleague):
    officer, leader = demo_user("officer"), demo_user("leader")
    services.dossier_claim(dossier=in_processing, actor=officer)
    in_processing.refresh_from_db()
    assert "reassign" in [a.name for a in staff_actions(in_processing, leader)]
    services.dossier_reassign(
        dossier=in_processing,
        actor=leader,
        assignee=colleague,
        note="Anh Tuấn nghỉ phép",
        expected_version=in_processing.version,
    )
    in_processing.refresh_from_db()
    assert in_processing.assignee == colleague
    log = in_processing.transitions.last()
    assert log.transition == "reassign" and log.actor == leader
    assert str(officer) in log.note and str(colleague) in log.note
    assert "Anh Tuấn nghỉ phép" in log.note


def test_reassign_needs_a_reason_and_a_handler_of_the_step(in_processing, colleague):
    leader = demo_user("leader")
    with pytest.raises(ValidationError) as missing_note:
        services.dossier_reassign(
            dossier=in_processing, actor=leader, assignee=colleague, note="  "
        )
    assert "note" in missing_note.value.message_dict
    with pytest.raises(ValidationError) as outsider:
        services.dossier_reassign(
            dossier=in_processing,
            actor=leader,
            assignee=demo_user("clerk"),
            note="Thử",
        )
    assert "assignee" in outsider.value.message_dict
    in_processing.refresh_from_db()
    assert in_processing.assignee_id is None
    assert not in_processing.transitions.filter(transition="reassign").exists()


def test_an_officer_cannot_reassign(in_processing, colleague):
    with pytest.raises(TransitionRefused):
        services.dossier_reassign(
            dossier=in_processing,
            actor=demo_user("officer"),
            assignee=colleague,
            note="Tôi bận",
        )


def test_claim_and_reassign_from_the_dossier_page(client, in_processing, colleague):
    """The buttons on the workspace dossier page call the same services."""
    client.login(username="officer", password="onecenter-demo")
    url = reverse("workspace:dossier_detail", args=[in_processing.pk])
    page = client.get(url).content.decode()
    assert "Nhận xử lý bước này" in page
    assert "chưa có người nhận xử lý" in page
    response = client.post(
        reverse("workspace:dossier_act", args=[in_processing.pk, "claim"]),
        {"version": in_processing.version, "note": ""},
        follow=True,
    )
    assert response.status_code == 200
    in_processing.refresh_from_db()
    assert in_processing.assignee.username == "officer"
    client.logout()
    client.login(username="leader", password="onecenter-demo")
    response = client.post(
        reverse("workspace:dossier_act", args=[in_processing.pk, "reassign"]),
        {"version": in_processing.version, "assignee": colleague.pk, "note": ""},
    )
    # Invalid: the reason is missing; the page says so and nothing changed.
    assert response.status_code == 400
    assert (
        "Vui lòng nhập" in response.content.decode()
        or "bắt buộc" in response.content.decode()
    )
    in_processing.refresh_from_db()
    assert in_processing.assignee.username == "officer"
    response = client.post(
        reverse("workspace:dossier_act", args=[in_processing.pk, "reassign"]),
        {
            "version": in_processing.version,
            "assignee": colleague.pk,
            "note": "Cân đối công việc",
        },
        follow=True,
    )
    in_processing.refresh_from_db()
    assert in_processing.assignee == colleague
