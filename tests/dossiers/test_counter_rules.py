"""What the counter must get right: papers received with their counts, walk-ins
guided (Form 02) or refused (Form 03), supplements brought to the desk, codes at
submission, Form 04's rules and withdrawn procedures."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dossiers import notices, services, workflow
from dossiers.control_sheet import control_sheet
from dossiers.models import (
    Channel,
    Dossier,
    ExtensionDraft,
    PaperReceipt,
    ReceivedPaper,
    State,
    TransitionNotice,
)
from dossiers.selectors import control_sheet_steps
from procedures.models import PublicationStatus
from tests.factories import received_mandatory

from .scenario import CODE_PREFIX, DUE, RECEIVED, TRANSFERRED, at, fresh, pdf

pytestmark = pytest.mark.django_db

WALK_IN = services.ApplicantDetails(name="Lê Văn Cường", phone="0912345678")


def walk_in_processing(people, procedure) -> Dossier:
    """A walk-in without an account, received and passed to the first step."""
    dossier = services.dossier_receive_at_counter(
        clerk=people.clerk,
        procedure=procedure,
        details=WALK_IN,
        received=received_mandatory(procedure),
        at=RECEIVED,
    )
    services.dossier_transfer(dossier=dossier, actor=people.clerk, at=TRANSFERRED)
    return fresh(dossier)


# --- papers received ------------------------------------------------------------------


def test_the_counter_records_each_paper_with_its_counts(people, procedure) -> None:
    """Originals, certified copies and copies are kept per paper, as ticked."""
    papers = services.snapshot_procedure(procedure)["papers"]
    received = [
        ReceivedPaper(papers[0]["index"], papers[0]["name"], 0, 2, 1),
        ReceivedPaper(papers[1]["index"], papers[1]["name"], 1, 0, 0),
    ]
    dossier = services.dossier_receive_at_counter(
        clerk=people.clerk,
        procedure=procedure,
        details=WALK_IN,
        received=received,
        at=RECEIVED,
    )
    rows = list(
        dossier.paper_receipts.values_list(
            "paper_index", "originals", "certified_copies", "copies", "electronic"
        )
    )
    assert rows == [(0, 0, 2, 1, False), (1, 1, 0, 0, False)]
    assert {r.received_by for r in dossier.paper_receipts.all()} == {people.clerk}
    assert "2 bản sao chứng thực" in dossier.transitions.get().note


def test_a_ticked_paper_counts_something_and_mandatory_papers_are_needed(
    people, procedure
) -> None:
    """A paper with no count is refused; without a mandatory paper nothing is
    received and nothing is left behind."""
    papers = services.snapshot_procedure(procedure)["papers"]
    before = Dossier.objects.count()
    with pytest.raises(ValidationError, match="ít nhất một bản chính"):
        services.dossier_receive_at_counter(
            clerk=people.clerk,
            procedure=procedure,
            details=WALK_IN,
            received=[ReceivedPaper(0, papers[0]["name"])],
        )
    with pytest.raises(services.TransitionRefused):
        services.dossier_receive_at_counter(
            clerk=people.clerk,
            procedure=procedure,
            details=WALK_IN,
            received=received_mandatory(procedure)[:1],
        )
    assert Dossier.objects.count() == before
    assert not PaperReceipt.objects.exists()


def test_an_online_dossier_is_received_as_its_attached_files(filed, people) -> None:
    """The desk's receipt records each attached paper as electronic copies."""
    services.dossier_receive(dossier=filed, actor=people.clerk, at=RECEIVED)
    attached = filed.attachments.values_list("paper_index", flat=True)
    receipts = list(fresh(filed).paper_receipts.all())
    assert [r.paper_index for r in receipts] == sorted(set(attached))
    assert all(r.electronic and r.copies >= 1 for r in receipts)
    assert all(r.received_at == RECEIVED for r in receipts)


# --- walk-ins who cannot be received yet ----------------------------------------------


def test_a_walk_in_with_papers_missing_is_guided_then_received(
    people, procedure
) -> None:
    """Registered without receiving (code, no clock), guided with Form 02, the
    papers brought back at the counter, then received: Form 01 lists them all."""
    papers = services.snapshot_procedure(procedure)["papers"]
    first = ReceivedPaper(papers[0]["index"], papers[0]["name"], originals=1)
    dossier = services.dossier_intake_at_counter(
        clerk=people.clerk,
        procedure=procedure,
        details=WALK_IN,
        received=[first],
        receive=False,
    )
    assert dossier.state == State.SUBMITTED
    assert dossier.code and dossier.received_at is None and dossier.due_at is None
    services.dossier_request_intake_supplement(
        dossier=dossier,
        actor=people.clerk,
        items=[{"paper_index": 1, "guidance": "Mang bản chính CCCD"}],
        message="Đề nghị Ông/Bà bổ sung giấy tờ tùy thân.",
    )
    second = ReceivedPaper(papers[1]["index"], papers[1]["name"], 0, 1, 0)
    services.dossier_supplement_at_counter(
        dossier=fresh(dossier), actor=people.clerk, received=[second]
    )
    dossier = fresh(dossier)
    assert dossier.state == State.SUBMITTED
    assert dossier.supplement_requests.get().answered_at is not None
    services.dossier_receive(dossier=dossier, actor=people.clerk, at=RECEIVED)
    dossier = fresh(dossier)
    assert dossier.state == State.RECEIVED
    assert list(
        dossier.paper_receipts.values_list(
            "paper_index", "originals", "certified_copies"
        )
    ) == [(0, 1, 0), (1, 0, 1)]
    assert [log.transition for log in dossier.transitions.all()] == [
        "file_at_counter",
        "request_intake_supplement",
        "supplement_at_counter",
        "receive",
    ]


def test_a_walk_in_can_be_refused_with_form_03(people, procedure) -> None:
    dossier = services.dossier_intake_at_counter(
        clerk=people.clerk,
        procedure=procedure,
        details=WALK_IN,
        received=[],
        receive=False,
    )
    services.dossier_refuse(
        dossier=dossier, actor=people.clerk, reasons="Không thuộc thẩm quyền."
    )
    assert fresh(dossier).state == State.REFUSED


def test_a_walk_in_waiting_for_a_supplement_is_resumed_by_the_clerk(
    people, procedure
) -> None:
    """awaiting_supplement → processing by the clerk: papers recorded, the pause
    closed, the due dates moved by the time paused, and the clerk in the log."""
    dossier = walk_in_processing(people, procedure)
    assert dossier.applicant is None
    services.dossier_request_supplement(
        dossier=dossier,
        actor=people.officer,
        items=[{"paper_index": 2, "guidance": "Giấy xác nhận cư trú"}],
        message="Bổ sung giấy xác nhận cư trú.",
        at=at("2026-12-02 09:00"),
    )
    papers = dossier.papers
    services.dossier_supplement_at_counter(
        dossier=fresh(dossier),
        actor=people.clerk,
        received=[ReceivedPaper(2, papers[2]["name"], originals=1)],
        uploads=[(2, pdf("cu-tru.pdf"))],
        at=at("2026-12-03 09:00"),
    )
    dossier = fresh(dossier)
    assert dossier.state == State.PROCESSING
    # Paused one working day (8 office hours): Fri 17:00 → Mon 17:00.
    assert dossier.current_due_at == at("2026-12-07 17:00")
    assert dossier.pauses.get().resumed_at == at("2026-12-03 09:00")
    log = dossier.transitions.last()
    assert (log.transition, log.actor, log.to_state) == (
        "supplement_at_counter",
        people.clerk,
        State.PROCESSING,
    )
    assert dossier.attachments.filter(paper_index=2).exists()


def test_only_the_desk_records_a_counter_supplement(people, procedure) -> None:
    dossier = walk_in_processing(people, procedure)
    services.dossier_request_supplement(
        dossier=dossier,
        actor=people.officer,
        items=[{"paper_index": 2, "guidance": "Giấy xác nhận cư trú"}],
        message="Bổ sung.",
    )
    paper = ReceivedPaper(2, dossier.papers[2]["name"], originals=1)
    for actor in (people.officer, people.citizen):
        with pytest.raises(services.TransitionRefused):
            services.dossier_supplement_at_counter(
                dossier=fresh(dossier), actor=actor, received=[paper]
            )
    with pytest.raises(ValidationError):
        services.dossier_supplement_at_counter(
            dossier=fresh(dossier), actor=people.clerk, received=[]
        )
    assert fresh(dossier).state == State.AWAITING_SUPPLEMENT


# --- a reference at submission --------------------------------------------------------


def test_an_online_dossier_gets_its_code_when_submitted(draft, people) -> None:
    """Code and PIN at submission; the receipt keeps them and starts the clock."""
    services.dossier_submit(
        dossier=draft, actor=people.citizen, at=at("2026-12-01 09:00")
    )
    submitted = fresh(draft)
    assert submitted.code == CODE_PREFIX + "0001"
    assert len(submitted.lookup_pin) == 6
    assert submitted.received_at is None and submitted.due_at is None
    services.dossier_receive(dossier=submitted, actor=people.clerk, at=RECEIVED)
    received = fresh(draft)
    assert (received.code, received.lookup_pin) == (
        submitted.code,
        submitted.lookup_pin,
    )
    assert received.due_at == DUE


# --- withdrawn procedures -------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [PublicationStatus.WITHDRAWN, PublicationStatus.DRAFT]
)
def test_a_withdrawn_procedure_cannot_be_submitted_or_received(
    draft, people, procedure, status
) -> None:
    """The reason says why and what to do; the citizen's draft stays."""
    type(procedure).objects.filter(pk=procedure.pk).update(status=status)
    with pytest.raises(services.TransitionRefused, match="không còn hiệu lực"):
        services.dossier_submit(dossier=fresh(draft), actor=people.citizen)
    assert fresh(draft).state == State.DRAFT
    assert fresh(draft).attachments.exists()


def test_a_submitted_dossier_of_a_withdrawn_procedure_is_not_received(
    filed, people, procedure
) -> None:
    type(procedure).objects.filter(pk=procedure.pk).update(
        status=PublicationStatus.WITHDRAWN
    )
    reason = services.refusal_reason(fresh(filed), "receive", people.clerk)
    assert "không còn hiệu lực" in reason
    # Refusing it (Form 03) stays possible: the applicant must be told.
    assert services.refusal_reason(fresh(filed), "refuse", people.clerk) is None


# --- Form 04 --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new_due", "message"),
    [
        ("2026-12-06 10:00", "không phải thời gian làm việc"),  # a Sunday
        ("2026-12-07 12:00", "không phải thời gian làm việc"),  # lunch
        ("2026-12-07 18:00", "không phải thời gian làm việc"),  # evening
        ("2026-12-04 16:00", "phải sau hạn giải quyết"),  # before the due
        ("2026-12-04 17:00", "phải sau hạn giải quyết"),  # the due itself
    ],
)
def test_form_04_needs_a_later_working_moment(
    processing, people, new_due, message
) -> None:
    with pytest.raises(ValidationError, match=message):
        services.dossier_extend(
            dossier=processing,
            actor=people.leader,
            new_due=at(new_due),
            reason="Cần xác minh thêm.",
            at=at("2026-12-02 09:00"),
        )
    assert fresh(processing).extended_due_at is None


def test_form_04_comes_a_working_day_before_the_due_date(
    processing, people, settings
) -> None:
    """Due Fri 4 Dec: the request is in time on Thu 3 Dec, too late on Fri."""
    assert settings.EXTENSION_MIN_WORKING_DAYS_BEFORE_DUE == 1
    with pytest.raises(ValidationError, match="chậm nhất ngày 03/12/2026"):
        services.dossier_extend(
            dossier=processing,
            actor=people.leader,
            new_due=at("2026-12-09 17:00"),
            reason="Cần xác minh thêm.",
            at=at("2026-12-04 08:00"),
        )
    services.dossier_extend(
        dossier=processing,
        actor=people.leader,
        new_due=at("2026-12-09 17:00"),
        reason="Cần xác minh thêm.",
        at=at("2026-12-03 16:59"),
    )
    assert fresh(processing).current_due_at == at("2026-12-09 17:00")


def test_the_officer_drafts_form_04_and_the_leader_signs_it(processing, people) -> None:
    with pytest.raises(services.TransitionRefused):
        services.dossier_extend(
            dossier=processing,
            actor=people.officer,
            new_due=at("2026-12-09 17:00"),
            reason="Cần xác minh thêm.",
            at=at("2026-12-02 09:00"),
        )
    services.dossier_draft_extension(
        dossier=processing,
        actor=people.officer,
        new_due=at("2026-12-09 17:00"),
        reason="Cần xác minh thêm.",
        at=at("2026-12-02 09:00"),
    )
    draft = ExtensionDraft.objects.get(dossier=processing)
    assert draft.drafted_by == people.officer
    assert fresh(processing).extended_due_at is None  # not yet signed
    form = services_form("extend", fresh(processing))
    assert form.initial["reason"] == "Cần xác minh thêm."
    assert form.initial["new_due"] == "2026-12-09T17:00"
    services.dossier_extend(
        dossier=fresh(processing),
        actor=people.leader,
        new_due=draft.new_due,
        reason=draft.reason,
        at=at("2026-12-02 10:00"),
    )
    assert fresh(processing).extended_due_at == at("2026-12-09 17:00")
    assert fresh(processing).transitions.last().actor == people.leader


def services_form(action: str, dossier: Dossier):
    return workflow.action(action).form(dossier=dossier)


def test_form_04_during_a_pause_is_compared_with_the_paused_due_date(
    processing, people
) -> None:
    """Paused Wed 09:00; on Thu 09:00 the due date in force is Fri 17:00 plus the
    day paused so far, Mon 7 Dec 17:00. A date before it is refused; a later one is
    kept, and resuming moves it only by the time paused after the extension."""
    services.dossier_request_supplement(
        dossier=processing,
        actor=people.officer,
        items=[{"paper_index": 0, "guidance": "Ký tên"}],
        message="Bổ sung chữ ký.",
        at=at("2026-12-02 09:00"),
    )
    with pytest.raises(ValidationError, match="17:00 07/12/2026"):
        services.dossier_extend(
            dossier=fresh(processing),
            actor=people.leader,
            new_due=at("2026-12-07 10:00"),
            reason="Cần xác minh thêm.",
            at=at("2026-12-03 09:00"),
        )
    services.dossier_extend(
        dossier=fresh(processing),
        actor=people.leader,
        new_due=at("2026-12-08 10:00"),
        reason="Cần xác minh thêm.",
        at=at("2026-12-03 09:00"),
    )
    services.dossier_supplement_at_counter(
        dossier=fresh(processing),
        actor=people.clerk,
        received=[ReceivedPaper(0, processing.papers[0]["name"], originals=1)],
        at=at("2026-12-04 09:00"),
    )
    dossier = fresh(processing)
    assert dossier.state == State.PROCESSING
    # One more working day paused after the extension: Tue 10:00 → Wed 10:00.
    assert dossier.current_due_at == at("2026-12-09 10:00")
    assert dossier.extended_due_at == at("2026-12-08 10:00")
    assert not dossier.pauses.filter(resumed_at=None).exists()


def test_the_counter_channel_of_a_registered_walk_in_is_kept(people, procedure):
    dossier = services.dossier_intake_at_counter(
        clerk=people.clerk,
        procedure=procedure,
        details=WALK_IN,
        received=[],
        channel=Channel.POST,
        receive=False,
    )
    assert dossier.channel == Channel.POST
    assert dossier.applicant is None


def test_notices_are_titled_with_the_code_and_the_procedure_name(draft, people) -> None:
    """The submission notice names the dossier by its code and the procedure by
    its name, never by the procedure's code alone."""
    services.dossier_submit(dossier=draft, actor=people.citizen)
    notice = TransitionNotice.objects.get(log__dossier=draft)
    subject = notices.compose(notice).subject
    dossier = fresh(draft)
    assert dossier.code in subject
    assert dossier.procedure_snapshot["name"] in subject


def test_the_confirmation_page_shows_the_code(client, draft, people) -> None:
    services.dossier_submit(dossier=draft, actor=people.citizen)
    client.force_login(people.citizen)
    page = client.get(reverse("dossiers:submitted", args=[draft.pk]))
    dossier = fresh(draft)
    assert dossier.code in page.content.decode()
    listing = client.get(reverse("dossiers:my_list")).content.decode()
    assert dossier.code in listing


def test_the_draft_page_says_the_procedure_was_withdrawn(
    client, draft, people, procedure
) -> None:
    """Before and after trying to submit: why, and what to do; the draft stays."""
    type(procedure).objects.filter(pk=procedure.pk).update(
        status=PublicationStatus.WITHDRAWN
    )
    client.force_login(people.citizen)
    url = reverse("dossiers:draft", args=[draft.pk])
    page = client.get(url)
    assert 'data-testid="procedure-closed"' in page.content.decode()
    response = client.post(url, {"submit": "1"})
    assert response.status_code == 400
    assert "không còn hiệu lực" in response.content.decode()
    assert fresh(draft).state == State.DRAFT


def test_form_06_names_the_clerk_who_took_a_counter_supplement(
    people, procedure
) -> None:
    dossier = walk_in_processing(people, procedure)
    services.dossier_request_supplement(
        dossier=dossier,
        actor=people.officer,
        items=[{"paper_index": 2, "guidance": "Giấy xác nhận cư trú"}],
        message="Bổ sung giấy xác nhận cư trú.",
        at=at("2026-12-02 09:00"),
    )
    services.dossier_supplement_at_counter(
        dossier=fresh(dossier),
        actor=people.clerk,
        received=[ReceivedPaper(2, dossier.papers[2]["name"], originals=1)],
        at=at("2026-12-03 09:00"),
    )
    dossier = fresh(dossier)
    sheet = control_sheet(
        dossier, list(dossier.transitions.all()), control_sheet_steps(dossier)
    )
    resumed = sheet.lines[-1]
    assert resumed.giver.person == WALK_IN.name
    assert str(people.clerk) in resumed.note
