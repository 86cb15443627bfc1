"""Dossier services: log rows, mandatory reasons, deadlines, snapshots, notices."""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import translation

from dossiers import services
from dossiers.models import (
    Channel,
    Dossier,
    DossierCodeCounter,
    DossierStep,
    Outcome,
    Pause,
    State,
    SupplementRequest,
    Timeliness,
    TransitionLog,
)
from notifications.models import Notification
from procedures.models import RequiredPaper
from tests.factories import received_mandatory

from .scenario import (
    CODE_PREFIX,
    DUE,
    RECEIVED,
    REVIEW_DUE,
    TRANSFERRED,
    at,
    fresh,
    pdf,
)

pytestmark = pytest.mark.django_db


def frozen(dossier: Dossier) -> dict[str, Any]:
    """Everything a service may touch, to compare before and after a refusal."""
    return {
        "dossier": model_to_dict(fresh(dossier)),
        "log": list(TransitionLog.objects.filter(dossier=dossier).values()),
        "steps": list(DossierStep.objects.filter(dossier=dossier).values()),
        "pauses": list(Pause.objects.filter(dossier=dossier).values()),
        "requests": list(SupplementRequest.objects.filter(dossier=dossier).values()),
        "counters": list(DossierCodeCounter.objects.values()),
        "notifications": list(Notification.objects.values()),
    }


def last_log(dossier: Dossier) -> TransitionLog:
    return TransitionLog.objects.filter(dossier=dossier).order_by("id").last()


def steps_due(dossier: Dossier) -> list[datetime]:
    return list(dossier.steps.order_by("position").values_list("due_at", flat=True))


def request_supplement(dossier: Dossier, actor: Any, when: datetime) -> None:
    services.dossier_request_supplement(
        dossier=dossier,
        actor=actor,
        items=[{"paper_index": 0, "guidance": "Ký tên vào tờ khai"}],
        message="Vui lòng bổ sung tờ khai có chữ ký.",
        at=when,
    )


# --- the transition log -----------------------------------------------------------


def test_every_transition_writes_one_log_row(draft, people) -> None:
    """Every transition writes exactly one log row: the action, who did it, the
    states before and after, the note (reasons, messages) and the time."""
    citizen, clerk, officer, leader = (
        people.citizen,
        people.clerk,
        people.officer,
        people.leader,
    )
    items = [{"paper_index": 0, "guidance": "Ký tên vào tờ khai"}]
    walk: list[tuple[Callable[[Dossier], Any], str, str, str, Any, str, datetime]] = [
        (
            lambda d: services.dossier_submit(
                dossier=d, actor=citizen, at=at("2026-12-01 09:00")
            ),
            "submit",
            State.DRAFT,
            State.SUBMITTED,
            citizen,
            "",
            at("2026-12-01 09:00"),
        ),
        (
            lambda d: services.dossier_request_intake_supplement(
                dossier=d,
                actor=clerk,
                items=items,
                message="Tờ khai thiếu chữ ký.",
                at=at("2026-12-01 09:20"),
            ),
            "request_intake_supplement",
            State.SUBMITTED,
            State.SUPPLEMENT_REQUESTED,
            clerk,
            "Tờ khai thiếu chữ ký.",
            at("2026-12-01 09:20"),
        ),
        (
            lambda d: services.dossier_submit(
                dossier=d, actor=citizen, at=at("2026-12-01 09:40")
            ),
            "resubmit",
            State.SUPPLEMENT_REQUESTED,
            State.SUBMITTED,
            citizen,
            "",
            at("2026-12-01 09:40"),
        ),
        (
            lambda d: services.dossier_receive(
                dossier=d, actor=clerk, note="Hồ sơ hợp lệ", at=RECEIVED
            ),
            "receive",
            State.SUBMITTED,
            State.RECEIVED,
            clerk,
            "Hồ sơ hợp lệ",
            RECEIVED,
        ),
        (
            lambda d: services.dossier_transfer(
                dossier=d, actor=clerk, note="Chuyển phòng Tư pháp", at=TRANSFERRED
            ),
            "transfer",
            State.RECEIVED,
            State.PROCESSING,
            clerk,
            "Chuyển phòng Tư pháp",
            TRANSFERRED,
        ),
        (
            lambda d: services.dossier_extend(
                dossier=d,
                actor=leader,
                new_due=at("2026-12-09 17:00"),
                reason="Cần xác minh tại nơi cư trú cũ.",
                at=at("2026-12-02 08:00"),
            ),
            "extend",
            State.PROCESSING,
            State.PROCESSING,
            leader,
            "Cần xác minh tại nơi cư trú cũ.",
            at("2026-12-02 08:00"),
        ),
        (
            lambda d: services.dossier_request_supplement(
                dossier=d,
                actor=officer,
                items=items,
                message="Bổ sung tờ khai có chữ ký.",
                at=at("2026-12-02 09:00"),
            ),
            "request_supplement",
            State.PROCESSING,
            State.AWAITING_SUPPLEMENT,
            officer,
            "Bổ sung tờ khai có chữ ký.",
            at("2026-12-02 09:00"),
        ),
        (
            lambda d: services.dossier_supplement(
                dossier=d, actor=citizen, note="Đã ký", at=at("2026-12-02 10:00")
            ),
            "supplement",
            State.AWAITING_SUPPLEMENT,
            State.PROCESSING,
            citizen,
            "Đã ký",
            at("2026-12-02 10:00"),
        ),
        (
            lambda d: services.dossier_forward(
                dossier=d,
                actor=officer,
                note="Đề xuất từ chối",
                at=at("2026-12-02 11:00"),
            ),
            "forward",
            State.PROCESSING,
            State.PROCESSING,
            officer,
            "Đề xuất từ chối",
            at("2026-12-02 11:00"),
        ),
        (
            lambda d: services.dossier_deny(
                dossier=d,
                actor=leader,
                reasons="Đương sự đang có đăng ký kết hôn chưa hủy.",
                at=at("2026-12-03 09:00"),
            ),
            "deny",
            State.PROCESSING,
            State.RESULT_READY,
            leader,
            "Đương sự đang có đăng ký kết hôn chưa hủy.",
            at("2026-12-03 09:00"),
        ),
        (
            lambda d: services.dossier_return_result(
                dossier=d,
                actor=clerk,
                channel=Channel.COUNTER,
                collected_by="Nguyễn Văn An",
                id_checked=True,
                at=at("2026-12-03 10:00"),
            ),
            "return_result",
            State.RESULT_READY,
            State.RETURNED,
            clerk,
            "Nguyễn Văn An",
            at("2026-12-03 10:00"),
        ),
    ]
    dossier = draft
    for call, action, from_state, to_state, actor, note, when in walk:
        before = TransitionLog.objects.filter(dossier=dossier).count()
        call(fresh(dossier))
        assert TransitionLog.objects.filter(dossier=dossier).count() == before + 1
        log = last_log(dossier)
        assert (
            log.transition,
            log.from_state,
            log.to_state,
            log.actor,
            log.note,
            log.created_at,
        ) == (action, from_state, to_state, actor, note, when)
        assert fresh(dossier).state == to_state
    assert fresh(dossier).version == len(walk)


def test_a_hand_off_is_logged_against_the_step_it_finishes(processing, people) -> None:
    """A forward is a line of Form 06: the log names the step handed off and its due
    date, so whether the department was on time can be read from the log."""
    services.dossier_forward(
        dossier=processing, actor=people.officer, at=at("2026-12-02 09:00")
    )
    log = last_log(processing)
    assert log.step_name == processing.route[0]["name"]
    assert log.step_due_at == REVIEW_DUE
    assert log.step_timeliness == Timeliness.EARLY


@pytest.mark.parametrize(
    ("start", "call", "action", "from_state", "to_state", "actor_name", "note"),
    [
        (
            "draft",
            lambda d, u: services.dossier_withdraw(
                dossier=d, actor=u, note="Không cần nữa", at=at("2026-12-01 08:00")
            ),
            "withdraw",
            State.DRAFT,
            State.WITHDRAWN,
            "citizen",
            "Không cần nữa",
        ),
        (
            "filed",
            lambda d, u: services.dossier_refuse(
                dossier=d,
                actor=u,
                reasons="Thủ tục không thuộc thẩm quyền.",
                at=at("2026-12-01 08:00"),
            ),
            "refuse",
            State.SUBMITTED,
            State.REFUSED,
            "clerk",
            "Thủ tục không thuộc thẩm quyền.",
        ),
        (
            "processing",
            lambda d, u: services.dossier_stop(
                dossier=d,
                actor=u,
                reasons="Người nộp đề nghị dừng.",
                at=at("2026-12-01 08:00"),
            ),
            "stop",
            State.PROCESSING,
            State.STOPPED,
            "leader",
            "Người nộp đề nghị dừng.",
        ),
        (
            "at_last_step",
            lambda d, u: services.dossier_approve(
                dossier=d, actor=u, note="Đồng ý", at=at("2026-12-01 08:00")
            ),
            "approve",
            State.PROCESSING,
            State.RESULT_READY,
            "leader",
            "Đồng ý",
        ),
    ],
)
def test_the_other_transitions_are_logged_too(
    request, start, call, action, from_state, to_state, actor_name, note, people
) -> None:
    """Withdrawal, refusal, stop and approval each write one log row too."""
    dossier = request.getfixturevalue(start)
    actor = getattr(people, actor_name)
    before = TransitionLog.objects.filter(dossier=dossier).count()
    call(dossier, actor)
    assert TransitionLog.objects.filter(dossier=dossier).count() == before + 1
    log = last_log(dossier)
    assert (log.transition, log.from_state, log.to_state, log.actor, log.note) == (
        action,
        from_state,
        to_state,
        actor,
        note,
    )
    assert log.created_at == at("2026-12-01 08:00")


# --- reasons are mandatory --------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   \n"])
@pytest.mark.parametrize(
    ("start", "actor_name", "call", "field"),
    [
        (
            "filed",
            "clerk",
            lambda d, u, blank: services.dossier_refuse(
                dossier=d, actor=u, reasons=blank, at=RECEIVED
            ),
            "reasons",
        ),
        (
            "at_last_step",
            "leader",
            lambda d, u, blank: services.dossier_deny(
                dossier=d, actor=u, reasons=blank, at=at("2026-12-03 09:00")
            ),
            "reasons",
        ),
        (
            "processing",
            "leader",
            lambda d, u, blank: services.dossier_stop(
                dossier=d, actor=u, reasons=blank, at=at("2026-12-02 09:00")
            ),
            "reasons",
        ),
        (
            "filed",
            "clerk",
            lambda d, u, blank: services.dossier_request_intake_supplement(
                dossier=d,
                actor=u,
                items=[{"paper_index": 0, "guidance": "Ký tên"}],
                message=blank,
                at=RECEIVED,
            ),
            "message",
        ),
        (
            "processing",
            "officer",
            lambda d, u, blank: services.dossier_request_supplement(
                dossier=d,
                actor=u,
                items=[{"paper_index": 0, "guidance": "Ký tên"}],
                message=blank,
                at=at("2026-12-02 09:00"),
            ),
            "message",
        ),
        (
            "processing",
            "officer",
            lambda d, u, blank: services.dossier_request_supplement(
                dossier=d,
                actor=u,
                items=[{"paper_index": 0, "guidance": blank}],
                message="Bổ sung",
                at=at("2026-12-02 09:00"),
            ),
            "items",
        ),
        (
            "processing",
            "leader",
            lambda d, u, blank: services.dossier_extend(
                dossier=d,
                actor=u,
                new_due=at("2026-12-09 17:00"),
                reason=blank,
                at=at("2026-12-02 09:00"),
            ),
            "reason",
        ),
    ],
    ids=[
        "refuse",
        "deny",
        "stop",
        "intake-supplement",
        "supplement",
        "supplement-item",
        "extend",
    ],
)
def test_a_move_that_needs_reasons_is_refused_without_them(
    request, start, actor_name, call, field, blank, people
) -> None:
    """Refusal, denial, stop, supplement requests and extension need written
    reasons: without them a ValidationError names the field and nothing changes."""
    dossier = request.getfixturevalue(start)
    before = frozen(dossier)
    with pytest.raises(ValidationError) as raised:
        call(dossier, getattr(people, actor_name), blank)
    assert field in raised.value.message_dict
    assert all(m.strip() for m in raised.value.message_dict[field])
    assert frozen(dossier) == before


def test_reasons_are_kept_with_the_dossier_and_in_the_log(filed, people) -> None:
    """The refusal's reasons are stored on the dossier (Form 03) and in the log."""
    services.dossier_refuse(
        dossier=filed,
        actor=people.clerk,
        reasons="  Thủ tục không thuộc thẩm quyền.  ",
        at=RECEIVED,
    )
    dossier = fresh(filed)
    assert dossier.outcome_reason == "Thủ tục không thuộc thẩm quyền."
    assert dossier.closed_at == RECEIVED
    assert last_log(dossier).note == "Thủ tục không thuộc thẩm quyền."


def test_a_supplement_request_lists_every_paper_at_once(filed, people) -> None:
    """Guide once: one request (Form 02) lists every missing or wrong paper, each
    with what to do; names of listed papers come from the filed snapshot."""
    request = services.dossier_request_intake_supplement(
        dossier=filed,
        actor=people.clerk,
        items=[
            {"paper_index": 0, "guidance": "Ký tên vào tờ khai"},
            {"paper_index": 1, "guidance": "Ảnh chụp bị mờ, chụp lại"},
            {"name": "Văn bản ủy quyền", "guidance": "Nộp bản có chứng thực"},
        ],
        message="Vui lòng bổ sung các giấy tờ sau.",
        at=RECEIVED,
    )
    assert SupplementRequest.objects.filter(dossier=filed).count() == 1
    assert request.stage == SupplementRequest.Stage.INTAKE
    assert request.requested_by == people.clerk
    assert [item["name"] for item in request.items] == [
        filed.papers[0]["name"],
        filed.papers[1]["name"],
        "Văn bản ủy quyền",
    ]
    assert [item["guidance"] for item in request.items] == [
        "Ký tên vào tờ khai",
        "Ảnh chụp bị mờ, chụp lại",
        "Nộp bản có chứng thực",
    ]
    assert request.answered_at is None
    services.dossier_submit(
        dossier=filed, actor=people.citizen, at=at("2026-12-01 11:00")
    )
    request.refresh_from_db()
    assert request.answered_at == at("2026-12-01 11:00")


@pytest.mark.parametrize(
    "items",
    [
        [],
        [
            {"paper_index": 0, "guidance": "Ký tên"},
            {"paper_index": 99, "guidance": "x"},
        ],
        [{"paper_index": 0, "guidance": "Ký tên"}, {"paper_index": 1}],
        [{"guidance": "Thiếu tên giấy tờ"}],
    ],
    ids=["none listed", "unknown paper", "no guidance", "no name"],
)
def test_a_supplement_request_with_a_bad_list_is_refused(filed, people, items) -> None:
    """A request listing no paper, an unknown paper, or a paper without guidance is
    refused as a whole; the dossier stays with the desk."""
    before = frozen(filed)
    with pytest.raises(ValidationError) as raised:
        services.dossier_request_intake_supplement(
            dossier=filed,
            actor=people.clerk,
            items=items,
            message="Bổ sung",
            at=RECEIVED,
        )
    assert "items" in raised.value.message_dict
    assert frozen(filed) == before


# --- extension (Form 04) ----------------------------------------------------------


def test_an_extension_keeps_the_original_due_date_beside_the_new_one(
    processing, people
) -> None:
    """Form 04 sets a later date with its reason; the original due date is kept."""
    services.dossier_extend(
        dossier=processing,
        actor=people.leader,
        new_due=at("2026-12-09 17:00"),
        reason="Cần xác minh tại nơi cư trú cũ.",
        at=at("2026-12-03 09:00"),
    )
    dossier = fresh(processing)
    assert dossier.due_at == DUE
    assert dossier.extended_due_at == at("2026-12-09 17:00")
    assert dossier.current_due_at == at("2026-12-09 17:00")
    assert dossier.extension_reason == "Cần xác minh tại nơi cư trú cũ."
    assert dossier.state == State.PROCESSING
    # The route's last step now ends with the extended date.
    assert dossier.steps.order_by("position").last().due_at == at("2026-12-09 17:00")


def test_a_dossier_is_extended_only_once(processing, people) -> None:
    """A second extension is refused with the reason, and nothing changes."""
    services.dossier_extend(
        dossier=processing,
        actor=people.leader,
        new_due=at("2026-12-09 17:00"),
        reason="Cần xác minh.",
        at=at("2026-12-03 09:00"),
    )
    before = frozen(processing)
    with (
        translation.override("en"),
        pytest.raises(services.TransitionRefused, match="already extended once"),
    ):
        services.dossier_extend(
            dossier=processing,
            actor=people.manager,
            new_due=at("2026-12-11 17:00"),
            reason="Chưa xác minh xong.",
            at=at("2026-12-08 09:00"),
        )
    assert frozen(processing) == before


@pytest.mark.parametrize(
    ("when", "new_due"),
    [
        (DUE, at("2026-12-09 17:00")),  # at the due moment: already too late
        (at("2026-12-07 08:00"), at("2026-12-09 17:00")),  # after it
        (at("2026-12-03 09:00"), DUE),  # not later than the date in force
        (at("2026-12-03 09:00"), at("2026-12-04 11:00")),  # earlier
    ],
)
def test_an_extension_comes_before_the_due_date_and_moves_it_later(
    processing, people, when, new_due
) -> None:
    """An extension after the due date has passed, or one that does not move the
    date later, is refused with a message on ``new_due``; nothing changes."""
    before = frozen(processing)
    with pytest.raises(ValidationError) as raised:
        services.dossier_extend(
            dossier=processing,
            actor=people.leader,
            new_due=new_due,
            reason="Cần xác minh.",
            at=when,
        )
    assert raised.value.message_dict["new_due"][0].strip()
    assert frozen(processing) == before


# --- intake -----------------------------------------------------------------------


def test_counter_intake_goes_straight_to_received_with_a_code(
    people, procedure
) -> None:
    """A walk-in dossier is received at once: code and PIN issued, clock started,
    one log row from draft to received; the desk's numbering is shared with online
    receipts of the same day."""
    when = at("2026-12-01 08:00")
    dossier = services.dossier_receive_at_counter(
        clerk=people.clerk,
        procedure=procedure,
        details=services.ApplicantDetails(name="Trần Văn Bình", phone="0987654321"),
        received=received_mandatory(procedure),
        uploads=[(0, pdf())],
        at=when,
    )
    dossier = fresh(dossier)
    assert dossier.state == State.RECEIVED
    assert dossier.channel == Channel.COUNTER
    assert dossier.code == CODE_PREFIX + "0001"
    assert len(dossier.lookup_pin) == 6 and dossier.lookup_pin.isdigit()
    assert dossier.submitted_at == dossier.received_at == when
    assert dossier.due_at == dossier.current_due_at == DUE
    assert dossier.receiving_desk == people.clerk.agency
    assert dossier.attachments.count() == 1
    assert list(
        dossier.transitions.values_list("transition", "from_state", "to_state", "actor")
    ) == [("receive_at_counter", State.DRAFT, State.RECEIVED, people.clerk.pk)]
    # An online dossier received later that day takes the next number.
    draft = services.dossier_create_draft(applicant=people.citizen, procedure=procedure)
    for paper in draft.papers:
        if paper["mandatory"]:
            services.dossier_attach_paper(
                dossier=draft,
                actor=people.citizen,
                paper_index=paper["index"],
                upload=pdf(),
            )
    services.dossier_submit(dossier=draft, actor=people.citizen, at=when)
    services.dossier_receive(dossier=draft, actor=people.clerk, at=RECEIVED)
    assert fresh(draft).code == CODE_PREFIX + "0002"


@pytest.mark.parametrize(
    ("clerk_name", "channel"),
    [("officer", Channel.COUNTER), ("clerk", Channel.ONLINE)],
    ids=["not a clerk", "online channel"],
)
def test_counter_intake_is_refused_to_others_and_creates_nothing(
    people, procedure, clerk_name, channel
) -> None:
    """Only a desk clerk receives at the counter, and not as an online dossier; a
    refusal leaves no dossier, code or log behind."""
    counts = [m.objects.count() for m in (Dossier, DossierCodeCounter, TransitionLog)]
    with pytest.raises((services.TransitionRefused, ValidationError)):
        services.dossier_receive_at_counter(
            clerk=getattr(people, clerk_name),
            procedure=procedure,
            details=services.ApplicantDetails(name="Trần Văn Bình"),
            received=received_mandatory(procedure),
            channel=channel,
            at=at("2026-12-01 08:00"),
        )
    assert [
        m.objects.count() for m in (Dossier, DossierCodeCounter, TransitionLog)
    ] == counts


# --- route steps and pauses -------------------------------------------------------


def test_each_route_step_gets_its_own_due_date(processing, people) -> None:
    """Transfer creates the route's steps, each due after its share of the time;
    the last is due with the dossier. Only the first has started."""
    steps = list(processing.steps.order_by("position"))
    assert [s.name for s in steps] == [s["name"] for s in processing.route]
    assert [s.department_id for s in steps] == [
        s["department_id"] for s in processing.route
    ]
    assert [s.working_days for s in steps] == [Decimal("2.40"), Decimal("0.60")]
    assert steps_due(processing) == [REVIEW_DUE, DUE]
    assert steps[-1].due_at == processing.current_due_at == processing.due_at
    assert [s.started_at for s in steps] == [TRANSFERRED, None]
    services.dossier_forward(
        dossier=processing, actor=people.officer, at=at("2026-12-02 09:00")
    )
    first, last = processing.steps.order_by("position")
    assert (first.finished_at, first.handled_by) == (
        at("2026-12-02 09:00"),
        people.officer,
    )
    assert (last.started_at, last.finished_at) == (at("2026-12-02 09:00"), None)


@pytest.mark.parametrize(
    ("forward_at", "paused_at", "resumed_at", "expected_due", "expected_steps"),
    [
        # Paused at the review step, 10:00 to 14:00 on Wed: 2 h 30 min of office
        # time (the lunch break does not count); both steps move.
        (
            None,
            "2026-12-02 10:00",
            "2026-12-02 14:00",
            "2026-12-07 10:00",
            ["2026-12-04 14:42", "2026-12-07 10:00"],
        ),
        # Paused at the signature step for one working day: the finished review
        # step keeps its due date.
        (
            "2026-12-02 09:00",
            "2026-12-02 13:00",
            "2026-12-03 13:00",
            "2026-12-07 17:00",
            ["2026-12-04 10:42", "2026-12-07 17:00"],
        ),
        # Paused over a weekend, Fri 16:00 to Mon 08:30: two office hours.
        (
            None,
            "2026-12-04 16:00",
            "2026-12-07 08:30",
            "2026-12-07 09:30",
            ["2026-12-04 14:12", "2026-12-07 09:30"],
        ),
    ],
)
def test_a_supplement_pauses_the_clock_and_resuming_pushes_the_due_dates(
    processing, people, forward_at, paused_at, resumed_at, expected_due, expected_steps
) -> None:
    """While the applicant supplements, the clock stands still; on resuming, the
    dossier's due date and its unfinished steps' due dates move by the office time
    paused, and the original due date is kept."""
    actor = people.officer
    if forward_at:
        services.dossier_forward(
            dossier=processing, actor=people.officer, at=at(forward_at)
        )
        actor = people.leader
    request_supplement(processing, actor, at(paused_at))
    dossier = fresh(processing)
    assert dossier.state == State.AWAITING_SUPPLEMENT
    pause = dossier.pauses.get()
    assert (pause.paused_at, pause.resumed_at) == (at(paused_at), None)
    services.dossier_supplement(
        dossier=dossier, actor=people.citizen, at=at(resumed_at)
    )
    dossier = fresh(processing)
    assert dossier.state == State.PROCESSING
    assert dossier.pauses.get().resumed_at == at(resumed_at)
    assert dossier.current_due_at == at(expected_due)
    assert dossier.due_at == DUE
    assert steps_due(dossier) == [at(s) for s in expected_steps]
    assert dossier.supplement_requests.get().answered_at == at(resumed_at)


def test_successive_pauses_add_up(processing, people) -> None:
    """Two pauses (2 h 30 min, then 1 h) push the due date by 3 h 30 min in all."""
    request_supplement(processing, people.officer, at("2026-12-02 10:00"))
    services.dossier_supplement(
        dossier=processing, actor=people.citizen, at=at("2026-12-02 14:00")
    )
    request_supplement(processing, people.officer, at("2026-12-03 08:00"))
    services.dossier_supplement(
        dossier=processing, actor=people.citizen, at=at("2026-12-03 09:00")
    )
    dossier = fresh(processing)
    assert dossier.pauses.count() == 2
    assert dossier.current_due_at == at("2026-12-07 11:00")
    assert steps_due(dossier) == [at("2026-12-04 15:42"), at("2026-12-07 11:00")]


def test_a_pause_before_an_extension_is_not_counted_twice(processing, people) -> None:
    """The extended date is set against the due date in force, which already
    includes earlier pauses; a later pause pushes it only by its own length."""
    request_supplement(processing, people.officer, at("2026-12-02 10:00"))
    services.dossier_supplement(
        dossier=processing, actor=people.citizen, at=at("2026-12-02 14:00")
    )
    assert fresh(processing).current_due_at == at("2026-12-07 10:00")
    services.dossier_extend(
        dossier=processing,
        actor=people.leader,
        new_due=at("2026-12-09 17:00"),
        reason="Cần xác minh.",
        at=at("2026-12-03 09:00"),
    )
    request_supplement(processing, people.officer, at("2026-12-03 10:00"))
    services.dossier_supplement(
        dossier=processing, actor=people.citizen, at=at("2026-12-03 11:00")
    )
    dossier = fresh(processing)
    assert dossier.due_at == DUE
    assert dossier.extended_due_at == at("2026-12-09 17:00")
    assert dossier.current_due_at == at("2026-12-10 08:30")


def test_stopping_while_paused_closes_the_pause(processing, people) -> None:
    """A dossier stopped while waiting for the applicant leaves no open pause."""
    request_supplement(processing, people.officer, at("2026-12-02 10:00"))
    services.dossier_stop(
        dossier=processing,
        actor=people.leader,
        reasons="Người nộp đề nghị dừng.",
        at=at("2026-12-03 10:00"),
    )
    dossier = fresh(processing)
    assert dossier.state == State.STOPPED
    assert dossier.outcome_reason == "Người nộp đề nghị dừng."
    assert dossier.pauses.get().resumed_at == at("2026-12-03 10:00")
    assert dossier.current_step_index is None


# --- the snapshot -----------------------------------------------------------------


def test_editing_the_procedure_after_filing_changes_nothing_for_the_dossier(
    draft, people, procedure
) -> None:
    """The dossier keeps the processing time, papers and route it was filed under:
    later catalogue edits move neither its due dates nor its papers."""
    papers = draft.papers
    procedure.processing_time_value = 10
    procedure.save()
    RequiredPaper.objects.create(
        procedure=procedure, position=99, name="Giấy tờ mới bắt buộc", mandatory=True
    )
    procedure.papers.filter(position=0).update(name="Tên mới của tờ khai")
    procedure.route_steps.update(working_days=Decimal("5"))

    services.dossier_submit(
        dossier=draft, actor=people.citizen, at=at("2026-12-01 09:00")
    )
    services.dossier_receive(dossier=draft, actor=people.clerk, at=RECEIVED)
    services.dossier_transfer(dossier=draft, actor=people.clerk, at=TRANSFERRED)
    procedure.processing_time_value = 1
    procedure.save()

    dossier = fresh(draft)
    assert dossier.papers == papers
    assert dossier.due_at == dossier.current_due_at == DUE
    assert steps_due(dossier) == [REVIEW_DUE, DUE]
    assert dossier.procedure_snapshot["processing_time"]["value"] == 3


# --- optimistic locking -----------------------------------------------------------


def test_a_stale_version_is_refused_and_nothing_is_saved(filed, people) -> None:
    """Acting on a dossier someone changed since it was loaded raises DossierChanged
    ("changed by someone else"); no state, version, log or code is written."""
    before = frozen(filed)
    with (
        translation.override("en"),
        pytest.raises(services.DossierChanged, match="changed by someone else"),
    ):
        services.dossier_receive(
            dossier=filed,
            actor=people.clerk,
            expected_version=filed.version - 1,
            at=RECEIVED,
        )
    assert frozen(filed) == before
    services.dossier_receive(
        dossier=filed, actor=people.clerk, expected_version=filed.version, at=RECEIVED
    )
    assert fresh(filed).version == filed.version + 1
    assert fresh(filed).state == State.RECEIVED


# --- notifications ----------------------------------------------------------------


def test_the_applicant_is_told_after_commit_only(
    filed, people, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    """The notice is scheduled to run after the transaction commits: nothing is
    written or sent before, one notification and one e-mail after."""
    Notification.objects.all().delete()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        services.dossier_receive(dossier=filed, actor=people.clerk, at=RECEIVED)
    # Besides the notice, the staff's counts are retired (dossiers/freshness.py).
    assert len([c for c in callbacks if c.__module__ != "dossiers.freshness"]) == 1
    assert not Notification.objects.exists()
    assert mailoutbox == []
    callbacks[0]()
    notification = Notification.objects.get()
    log = last_log(filed)
    assert notification.recipient == people.citizen
    assert notification.link == f"/my/dossiers/{filed.pk}/"
    assert notification.key == f"transition:{log.pk}"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["citizen@example.vn"]
    assert fresh(filed).code in mailoutbox[0].subject


def step(action: str) -> Callable[[Dossier, SimpleNamespace], Any]:
    """The service call performing ``action`` on a dossier in the right state."""
    calls: dict[str, Callable[[Dossier, SimpleNamespace], Any]] = {
        "receive": lambda d, p: services.dossier_receive(
            dossier=d, actor=p.clerk, at=RECEIVED
        ),
        "transfer": lambda d, p: services.dossier_transfer(
            dossier=d, actor=p.clerk, at=TRANSFERRED
        ),
        "extend": lambda d, p: services.dossier_extend(
            dossier=d,
            actor=p.leader,
            new_due=at("2026-12-09 17:00"),
            reason="Cần xác minh.",
            at=at("2026-12-02 08:00"),
        ),
        "request_supplement": lambda d, p: request_supplement(
            d, p.officer, at("2026-12-02 09:00")
        ),
        "supplement": lambda d, p: services.dossier_supplement(
            dossier=d, actor=p.citizen, at=at("2026-12-02 10:00")
        ),
        "forward": lambda d, p: services.dossier_forward(
            dossier=d, actor=p.officer, at=at("2026-12-02 11:00")
        ),
        "approve": lambda d, p: services.dossier_approve(
            dossier=d, actor=p.leader, at=at("2026-12-03 09:00")
        ),
        "return_result": lambda d, p: services.dossier_return_result(
            dossier=d, actor=p.clerk, channel=Channel.POST, at=at("2026-12-03 10:00")
        ),
        "refuse": lambda d, p: services.dossier_refuse(
            dossier=d, actor=p.clerk, reasons="Không thuộc thẩm quyền.", at=RECEIVED
        ),
        "stop": lambda d, p: services.dossier_stop(
            dossier=d, actor=p.leader, reasons="Dừng theo đề nghị.", at=RECEIVED
        ),
    }
    return calls[action]


@pytest.mark.parametrize(
    "walk",
    [
        # The applicant hears of receipt, the Form 02 request, the extension, the
        # decision and the return, not of the agency's internal hand-offs.
        [
            ("receive", True),
            ("transfer", False),
            ("extend", True),
            ("request_supplement", True),
            ("supplement", None),
            ("forward", False),
            ("approve", True),
            ("return_result", True),
        ],
        [("refuse", True)],
        [("receive", True), ("stop", True)],
    ],
    ids=["processed", "refused", "stopped"],
)
def test_the_applicant_is_notified_of_what_concerns_them(
    filed, people, mailoutbox, django_capture_on_commit_callbacks, walk
) -> None:
    """Transitions the applicant must know about write a notification and send an
    e-mail once committed; internal hand-offs (transfer, forward) send nothing."""
    for action, notified in walk:
        notifications = Notification.objects.count()
        sent = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            step(action)(fresh(filed), people)
        if notified is None:
            continue
        log = last_log(filed)
        assert log.transition == action
        assert Notification.objects.count() == notifications + int(notified), action
        assert len(mailoutbox) == sent + int(notified), action
        if notified:
            notification = Notification.objects.get(key=f"transition:{log.pk}")
            assert notification.recipient == people.citizen
            assert mailoutbox[-1].to == ["citizen@example.vn"]


# --- invariants of a result -------------------------------------------------------


def test_a_returned_dossier_has_its_return_time_classification_and_outcome(
    result_ready, people
) -> None:
    """Returning records when, how and to whom, and classifies the dossier."""
    services.dossier_return_result(
        dossier=result_ready,
        actor=people.clerk,
        channel=Channel.COUNTER,
        collected_by="Nguyễn Văn An",
        id_checked=True,
        fee_collected_vnd=3000,
        at=at("2026-12-04 09:00"),
    )
    dossier = fresh(result_ready)
    assert dossier.state == State.RETURNED
    assert dossier.returned_at == dossier.closed_at == at("2026-12-04 09:00")
    assert dossier.outcome == Outcome.APPROVED
    assert dossier.timeliness == Timeliness.EARLY
    assert dossier.result_channel == Channel.COUNTER
    assert dossier.collected_by == "Nguyễn Văn An"
    assert dossier.current_step_index is None
    assert "3000" in last_log(dossier).note


@pytest.mark.parametrize(
    ("state", "changes"),
    [
        (State.RETURNED, {"timeliness": ""}),
        (State.RETURNED, {"returned_at": None}),
        (State.RETURNED, {"outcome": ""}),
        (State.RESULT_READY, {"outcome": ""}),
        (State.PROCESSING, {"state": State.RETURNED}),
        (State.PROCESSING, {"state": State.RESULT_READY}),
    ],
)
def test_the_database_refuses_an_unclassified_result(
    result_ready, people, state, changes
) -> None:
    """Check constraints keep every returned dossier with a return time and a
    classification, and every result (ready or returned) with an outcome."""
    if state == State.RETURNED:
        services.dossier_return_result(
            dossier=result_ready,
            actor=people.clerk,
            channel=Channel.POST,
            at=at("2026-12-04 09:00"),
        )
    elif state == State.PROCESSING:
        Dossier.objects.filter(pk=result_ready.pk).update(
            state=State.PROCESSING, outcome="", timeliness="", returned_at=None
        )
    assert fresh(result_ready).state == state
    with pytest.raises(IntegrityError), transaction.atomic():
        Dossier.objects.filter(pk=result_ready.pk).update(**changes)


@pytest.mark.parametrize(
    ("decided", "returned", "expected"),
    [
        ("2026-12-03 15:00", "2026-12-04 09:00", Timeliness.EARLY),
        # 06:30 in Hanoi is still the day before in UTC: the office's day counts.
        ("2026-12-04 06:30", "2026-12-04 08:00", Timeliness.ON_TIME),
        ("2026-12-04 17:00", "2026-12-04 17:00", Timeliness.ON_TIME),
        ("2026-12-04 17:01", "2026-12-07 08:00", Timeliness.LATE),
        ("2026-12-07 08:00", "2026-12-07 09:00", Timeliness.LATE),
        # Decided on the due day; the applicant collecting later does not make
        # the agency late.
        ("2026-12-04 10:00", "2026-12-08 09:00", Timeliness.ON_TIME),
    ],
)
def test_a_returned_dossier_is_classified_early_on_time_or_late(
    at_last_step, people, decided, returned, expected
) -> None:
    """The decision time is compared with the due date in force (Fri 4 Dec 17:00)
    on the office's calendar (Asia/Ho_Chi_Minh)."""
    services.dossier_approve(dossier=at_last_step, actor=people.leader, at=at(decided))
    services.dossier_return_result(
        dossier=at_last_step, actor=people.clerk, channel=Channel.POST, at=at(returned)
    )
    dossier = fresh(at_last_step)
    assert dossier.timeliness == expected
    assert dossier.returned_at == at(returned)


def test_a_dossier_is_classified_against_its_extended_due_date(
    at_last_step, people
) -> None:
    """Decided after the original date but well before the extended one: early."""
    services.dossier_extend(
        dossier=at_last_step,
        actor=people.leader,
        new_due=at("2026-12-09 17:00"),
        reason="Cần xác minh.",
        at=at("2026-12-03 09:00"),
    )
    services.dossier_approve(
        dossier=at_last_step, actor=people.leader, at=at("2026-12-08 10:00")
    )
    services.dossier_return_result(
        dossier=at_last_step,
        actor=people.clerk,
        channel=Channel.POST,
        at=at("2026-12-08 11:00"),
    )
    assert fresh(at_last_step).timeliness == Timeliness.EARLY
