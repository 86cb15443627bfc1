"""One dossier crossing two agencies: the hand-offs, their log and due dates, a
supplement by either agency, a denial or stop by one (docs/interagency.md)."""

import pytest
from django.core.exceptions import ValidationError

from dossiers import services
from dossiers.control_sheet import control_sheet
from dossiers.models import (
    AgencyTransfer,
    Dossier,
    Outcome,
    Pause,
    State,
    TransitionLog,
)
from dossiers.selectors import control_sheet_steps
from dossiers.services import TransitionRefused

from .scenario import DUE, LAND_OFFICE, STEP_DUES, TRANSFERRED, WARD, at, fresh

pytestmark = pytest.mark.django_db

WARD_DONE = at("2026-12-03 09:00")
HANDED_OFF = at("2026-12-04 10:00")


def to_ward_leader(dossier: Dossier, people) -> Dossier:
    services.dossier_forward(dossier=dossier, actor=people.officer, at=WARD_DONE)
    return fresh(dossier)


def to_land_office(dossier: Dossier, people, note: str = "Đã niêm yết") -> Dossier:
    dossier = to_ward_leader(dossier, people)
    services.dossier_transfer_to_agency(
        dossier=dossier, actor=people.leader, note=note, at=HANDED_OFF
    )
    return fresh(dossier)


def test_route_is_snapshotted_with_its_agencies_and_due_per_step(transferred):
    """The dossier knows its route crosses agencies; each step has its agency and
    its due date from the deadline module, the last with the dossier."""
    assert transferred.crosses_agencies
    steps = list(transferred.steps.select_related("agency").order_by("position"))
    assert [s.agency.code for s in steps] == [WARD, WARD, LAND_OFFICE, LAND_OFFICE]
    assert [s.due_at for s in steps] == STEP_DUES
    assert transferred.current_due_at == DUE
    assert transferred.current_step_index == 0
    assert steps[0].started_at == TRANSFERRED


def test_forward_stops_at_the_agency_border(transferred, people):
    """Inside the ward the dossier is forwarded; at its last step, forwarding is
    refused with a reason and the inter-agency transfer is offered instead."""
    assert "transfer_to_agency" not in services.available_actions(
        transferred, people.officer
    )
    dossier = to_ward_leader(transferred, people)
    reason = services.refusal_reason(dossier, "forward", people.leader)
    assert reason and "chuyển liên thông" in reason
    assert "transfer_to_agency" in services.available_actions(dossier, people.leader)
    with pytest.raises(TransitionRefused):
        services.dossier_forward(dossier=dossier, actor=people.leader)


def test_transfer_to_agency_is_logged_with_both_agencies_and_the_share_due(
    transferred, people
):
    """The hand-off writes a transition row (who, when, note) and an inter-agency
    row (from, to, time, the receiving share's due date, note); the ward's step is
    finished and the land office's first step starts."""
    dossier = to_land_office(transferred, people)
    assert dossier.state == State.PROCESSING
    assert dossier.current_step_index == 2
    log = TransitionLog.objects.get(dossier=dossier, transition="transfer_to_agency")
    assert (log.actor, log.created_at, log.note) == (
        people.leader,
        HANDED_OFF,
        "Đã niêm yết",
    )
    assert log.step_due_at == STEP_DUES[1]
    row = AgencyTransfer.objects.get(dossier=dossier)
    assert row.log == log
    assert row.kind == AgencyTransfer.Kind.TRANSFER
    assert (row.from_agency.code, row.to_agency.code) == (WARD, LAND_OFFICE)
    assert (row.from_position, row.to_position) == (1, 2)
    assert row.sent_at == HANDED_OFF
    assert row.due_at == STEP_DUES[3]  # the land office's share ends with the route
    assert row.sent_by == people.leader
    steps = {s.position: s for s in dossier.steps.all()}
    assert steps[1].finished_at == HANDED_OFF and steps[1].handled_by == people.leader
    assert steps[2].started_at == HANDED_OFF and steps[2].finished_at is None


def test_transfer_can_name_a_handler_of_the_receiving_agency_only(transferred, people):
    """The sender may name who takes the next step, only one of its handlers."""
    dossier = to_ward_leader(transferred, people)
    with pytest.raises(ValidationError):
        services.dossier_transfer_to_agency(
            dossier=dossier, actor=people.leader, assignee=people.officer
        )
    assert fresh(dossier).current_step_index == 1
    services.dossier_transfer_to_agency(
        dossier=dossier, actor=people.leader, assignee=people.land_officer
    )
    assert fresh(dossier).assignee == people.land_officer


def test_each_agency_acts_only_on_its_own_steps(transferred, people):
    """The land office cannot act while the ward holds the dossier, and the ward
    cannot act once the land office holds it."""
    for user in (people.land_officer, people.land_leader, people.other_officer):
        assert services.available_actions(transferred, user) == []
    dossier = to_land_office(transferred, people)
    for user in (people.officer, people.leader, people.other_leader):
        assert services.available_actions(dossier, user) == [], user
    assert set(services.available_actions(dossier, people.land_officer)) >= {
        "forward",
        "return_to_agency",
        "request_supplement",
        "claim",
    }


def test_return_to_agency_reopens_the_senders_step_with_reasons(transferred, people):
    """The receiving agency returns the dossier with mandatory reasons: the ward's
    last step is open again with its handler, both rows are logged, and the ward
    can transfer it again."""
    dossier = to_land_office(transferred, people)
    with pytest.raises(ValidationError):
        services.dossier_return_to_agency(
            dossier=dossier, actor=people.land_officer, reasons="  "
        )
    back = at("2026-12-07 09:00")
    services.dossier_return_to_agency(
        dossier=dossier,
        actor=people.land_officer,
        reasons="Thiếu biên bản niêm yết",
        at=back,
    )
    dossier = fresh(dossier)
    assert dossier.current_step_index == 1
    assert dossier.assignee == people.leader
    step = dossier.steps.get(position=1)
    assert step.finished_at is None
    row = AgencyTransfer.objects.get(kind=AgencyTransfer.Kind.RETURN)
    assert (row.from_agency.code, row.to_agency.code) == (LAND_OFFICE, WARD)
    assert (row.note, row.sent_at, row.due_at) == (
        "Thiếu biên bản niêm yết",
        back,
        STEP_DUES[1],
    )
    assert services.refusal_reason(dossier, "return_to_agency", people.leader)
    services.dossier_transfer_to_agency(dossier=dossier, actor=people.leader)
    assert fresh(dossier).current_step_index == 2
    assert AgencyTransfer.objects.filter(dossier=dossier).count() == 3


def test_return_is_only_for_the_first_step_of_a_receiving_agency(transferred, people):
    """Inside the ward, and at the land office's second step, nothing returns."""
    assert services.refusal_reason(transferred, "return_to_agency", people.officer)
    dossier = to_land_office(transferred, people)
    services.dossier_forward(dossier=dossier, actor=people.land_officer)
    dossier = fresh(dossier)
    reason = services.refusal_reason(dossier, "return_to_agency", people.land_leader)
    assert reason and "Chỉ bước đầu tiên" in reason


def test_a_supplement_asked_by_the_second_agency_pauses_the_whole_dossier(
    transferred, people
):
    """The land office asks for a paper: the dossier waits, the clock pauses, and
    when the applicant answers every unfinished step's due date moves."""
    dossier = to_land_office(transferred, people)
    asked = at("2026-12-07 09:00")
    services.dossier_request_supplement(
        dossier=dossier,
        actor=people.land_officer,
        items=[{"paper_index": 0, "guidance": "Ký lại đơn"}],
        message="Đề nghị Ông/Bà ký lại đơn",
        at=asked,
    )
    dossier = fresh(dossier)
    assert dossier.state == State.AWAITING_SUPPLEMENT
    assert Pause.objects.get(dossier=dossier, resumed_at=None).paused_at == asked
    # Nobody works on a paused dossier, on either side.
    for user in (people.leader, people.land_officer):
        assert "forward" not in services.available_actions(dossier, user)
    services.dossier_supplement(
        dossier=dossier, actor=people.citizen, at=at("2026-12-08 09:00")
    )
    dossier = fresh(dossier)
    assert dossier.state == State.PROCESSING
    assert dossier.current_step_index == 2
    # One working day paused: the route's end moves by it.
    assert dossier.current_due_at == at("2026-12-16 17:00")
    assert dossier.steps.get(position=3).due_at == at("2026-12-16 17:00")


def test_a_supplement_asked_by_the_first_agency_pauses_it_too(transferred, people):
    """The ward's officer may ask for a supplement as the deciding agency would."""
    services.dossier_request_supplement(
        dossier=transferred,
        actor=people.officer,
        items=[{"paper_index": 0, "guidance": "Bổ sung"}],
        message="Đề nghị Ông/Bà bổ sung",
    )
    assert fresh(transferred).state == State.AWAITING_SUPPLEMENT


def test_a_denial_by_the_first_agency_ends_the_dossier_with_its_reasons(
    transferred, people
):
    """At the end of its share the ward may deny: the dossier ends there, with the
    reasons, and never reaches the land office."""
    dossier = to_ward_leader(transferred, people)
    services.dossier_deny(
        dossier=dossier, actor=people.leader, reasons="Giấy chứng nhận chưa bị mất"
    )
    dossier = fresh(dossier)
    assert dossier.state == State.RESULT_READY
    assert dossier.outcome == Outcome.DENIED
    assert dossier.outcome_reason == "Giấy chứng nhận chưa bị mất"
    assert not dossier.steps.filter(position=2, started_at__isnull=False).exists()


def test_approval_belongs_to_the_last_agency_only(transferred, people):
    """The ward cannot approve the certificate: only the route's last step can."""
    dossier = to_ward_leader(transferred, people)
    assert services.refusal_reason(dossier, "approve", people.leader)


def test_a_stop_by_the_agency_holding_the_dossier_ends_it(transferred, people):
    """The land office's leader stops it (Form 05); the ward's leader no longer can
    once the dossier left the ward."""
    dossier = to_land_office(transferred, people)
    assert services.refusal_reason(dossier, "stop", people.leader)
    services.dossier_stop(
        dossier=dossier, actor=people.land_leader, reasons="Người dân rút yêu cầu"
    )
    dossier = fresh(dossier)
    assert dossier.state == State.STOPPED
    assert dossier.outcome_reason == "Người dân rút yêu cầu"


def test_the_whole_route_to_the_result_back_at_the_ward_desk(transferred, people):
    """Ward → land office → approved by its leader → the ward desk hands it back."""
    dossier = to_land_office(transferred, people)
    services.dossier_forward(dossier=dossier, actor=people.land_officer)
    services.dossier_approve(dossier=fresh(dossier), actor=people.land_leader)
    dossier = fresh(dossier)
    assert dossier.state == State.RESULT_READY
    assert "return_result" in services.available_actions(dossier, people.clerk)


def test_form06_names_both_agencies_at_the_hand_off_and_the_return(transferred, people):
    """Form 06 has a line for the inter-agency transfer (ward → land office) and
    one for the return, with the note, the finished step's due date and whether
    it was on time."""
    dossier = to_land_office(transferred, people)
    services.dossier_return_to_agency(
        dossier=dossier,
        actor=people.land_officer,
        reasons="Thiếu biên bản",
        at=at("2026-12-07 09:00"),
    )
    dossier = Dossier.objects.select_related(
        "receiving_desk", "deciding_agency", "assignee"
    ).get(pk=dossier.pk)
    logs = list(dossier.transitions.select_related("actor"))
    sheet = control_sheet(dossier, logs, control_sheet_steps(dossier))
    handoff = sheet.lines[2]
    assert "UBND phường Đông Sơn" in handoff.giver.unit
    assert handoff.giver.person == str(people.leader)
    assert "VP Đăng ký đất đai" in handoff.receiver.unit
    assert handoff.step_due_at == STEP_DUES[1]
    assert handoff.timeliness == "on_time"
    assert handoff.note == "Đã niêm yết"
    back = sheet.lines[3]
    assert "VP Đăng ký đất đai" in back.giver.unit
    assert "UBND phường Đông Sơn" in back.receiver.unit
    assert "Thiếu biên bản" in back.note
