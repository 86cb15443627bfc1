"""The whole transition matrix of a dossier: every state × transition × role.

The expected table below is written out by hand from DOMAIN.md §3 (who does what in
the one-stop lifecycle) and the roles of §7; it is not computed from the model, so a
change to a permission or a guard shows up here as a failing row.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict

from accounts.models import Role
from dossiers import services
from dossiers.models import (
    Attachment,
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
from portal.demo import (
    DEMO_PASSWORD,
    PROVINCE_CENTRE,
    WARD_PEOPLES_COMMITTEE,
    seed_accounts,
    seed_agencies,
)
from procedures.catalogue_io import import_catalogue
from procedures.demo import demo_catalogue_document
from procedures.models import Agency, Department, Procedure
from tests.factories import UserFactory, demo_user
from workcalendar.demo import seed_calendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db

# The demo marriage-status procedure: received at the ward centre, decided by the
# ward people's committee along two steps (officer review, then leader signature).
PROCEDURE = "1.004873"

TRANSITIONS = (
    "submit",
    "withdraw",
    "request_intake_supplement",
    "resubmit",
    "refuse",
    "receive",
    "receive_at_counter",
    "file_at_counter",
    "transfer",
    "forward",
    # Inter-agency actions: never allowed on this single-agency route
    # (tests/interagency/ covers them).
    "transfer_to_agency",
    "return_to_agency",
    "claim",
    "reassign",
    "request_supplement",
    "supplement",
    "supplement_at_counter",
    "approve",
    "deny",
    "draft_extension",
    "extend",
    "stop",
    # A group's child ends with its prerequisite: never allowed on a dossier filed
    # alone (tests/interagency/test_group_rules.py covers it).
    "end_with_prerequisite",
    "return_result",
)

# Who may act, relative to the dossier under test.
OWNER = "owner"  # the applicant whose dossier it is
OTHER_APPLICANT = "other applicant"
DESK_CLERK = "desk clerk"  # a clerk of the dossier's receiving desk
OTHER_CLERK = "clerk of another desk"
STEP_OFFICER = "step officer"  # officer of the department of the review step
OTHER_OFFICER = "officer of another department"
LEADER = "deciding leader"  # a leader of the deciding agency
OTHER_LEADER = "leader of another agency"
MANAGER = "manager"
ADMINISTRATOR = "catalogue administrator"
ANONYMOUS = "anonymous"
ROLES = (
    OWNER,
    OTHER_APPLICANT,
    DESK_CLERK,
    OTHER_CLERK,
    STEP_OFFICER,
    OTHER_OFFICER,
    LEADER,
    OTHER_LEADER,
    MANAGER,
    ADMINISTRATOR,
    ANONYMOUS,
)


@dataclass(frozen=True)
class Situation:
    """A state, with the context that changes what may be done in it."""

    state: str
    channel: str = Channel.ONLINE
    papers: bool = True  # every mandatory paper attached
    step: int | None = None  # current route step
    extended: bool = False
    owned: bool = True  # the applicant has an account (walk-ins may have none)


SITUATIONS = {
    "draft": Situation(State.DRAFT),
    "draft, papers missing": Situation(State.DRAFT, papers=False),
    # Only ever exists inside the counter-intake services, which receive it at
    # once, or register it for Form 02 / Form 03 when papers are missing.
    "counter draft": Situation(State.DRAFT, channel=Channel.COUNTER, owned=False),
    "counter draft, papers missing": Situation(
        State.DRAFT, channel=Channel.COUNTER, papers=False, owned=False
    ),
    "submitted": Situation(State.SUBMITTED),
    "supplement requested": Situation(State.SUPPLEMENT_REQUESTED),
    "supplement requested, papers missing": Situation(
        State.SUPPLEMENT_REQUESTED, papers=False
    ),
    "received": Situation(State.RECEIVED),
    "received, extended": Situation(State.RECEIVED, extended=True),
    "processing, first step": Situation(State.PROCESSING, step=0),
    "processing, last step": Situation(State.PROCESSING, step=1),
    "processing, extended": Situation(State.PROCESSING, step=0, extended=True),
    "awaiting supplement": Situation(State.AWAITING_SUPPLEMENT, step=0),
    "awaiting supplement, extended": Situation(
        State.AWAITING_SUPPLEMENT, step=0, extended=True
    ),
    "result ready": Situation(State.RESULT_READY),
    "returned": Situation(State.RETURNED),
    "refused": Situation(State.REFUSED),
    "stopped": Situation(State.STOPPED),
    "withdrawn": Situation(State.WITHDRAWN),
}

# (situation, transition) -> the roles allowed; every other cell is refused.
# DOMAIN.md §3: the applicant submits, withdraws before intake, resubmits and
# supplements; the desk checks, asks for papers, refuses, receives, transfers and
# returns results; the officer of the step forwards and asks for papers; the
# leader holding the last step decides; the deciding agency's leader (and the
# centre manager) extend once (Form 04) and stop (Form 05); the manager may also
# push a received dossier on to the agency. Finished dossiers allow nothing.
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("draft", "submit"): {OWNER},
    ("draft", "withdraw"): {OWNER},
    # An online draft is the applicant's until they submit it: the desk never
    # takes it over "at the counter".
    ("draft", "receive_at_counter"): set(),
    ("draft, papers missing", "submit"): set(),
    ("draft, papers missing", "withdraw"): {OWNER},
    # The clerk checks the papers on the spot (ticked, or scanned): receiving needs
    # every mandatory one; otherwise the dossier is registered for Form 02 or 03.
    ("counter draft", "receive_at_counter"): {DESK_CLERK},
    ("counter draft", "file_at_counter"): {DESK_CLERK},
    ("counter draft, papers missing", "receive_at_counter"): set(),
    ("counter draft, papers missing", "file_at_counter"): {DESK_CLERK},
    ("submitted", "withdraw"): {OWNER},
    ("submitted", "request_intake_supplement"): {DESK_CLERK},
    ("submitted", "refuse"): {DESK_CLERK},
    ("submitted", "receive"): {DESK_CLERK},
    ("supplement requested", "withdraw"): {OWNER},
    ("supplement requested", "resubmit"): {OWNER},
    # Papers brought to the desk go back to its check, complete or not.
    ("supplement requested", "supplement_at_counter"): {DESK_CLERK},
    ("supplement requested, papers missing", "withdraw"): {OWNER},
    ("supplement requested, papers missing", "resubmit"): set(),
    ("supplement requested, papers missing", "supplement_at_counter"): {DESK_CLERK},
    ("received", "transfer"): {DESK_CLERK, MANAGER},
    ("received", "extend"): {LEADER, MANAGER},
    ("received", "stop"): {LEADER, MANAGER},
    ("received, extended", "transfer"): {DESK_CLERK, MANAGER},
    ("received, extended", "extend"): set(),
    ("received, extended", "stop"): {LEADER, MANAGER},
    ("processing, first step", "forward"): {STEP_OFFICER},
    # Nobody holds the step yet: its officer may take it; the deciding agency's
    # leader or the manager may give it to someone.
    ("processing, first step", "claim"): {STEP_OFFICER},
    ("processing, first step", "reassign"): {LEADER, MANAGER},
    ("processing, last step", "reassign"): {LEADER, MANAGER},
    ("processing, extended", "claim"): {STEP_OFFICER},
    ("processing, extended", "reassign"): {LEADER, MANAGER},
    ("processing, first step", "request_supplement"): {STEP_OFFICER},
    ("processing, first step", "approve"): set(),
    ("processing, first step", "deny"): set(),
    # Form 04 is signed by the deciding agency's leader (or the manager); the
    # officer of the step may draft it for them.
    ("processing, first step", "draft_extension"): {STEP_OFFICER},
    ("processing, first step", "extend"): {LEADER, MANAGER},
    ("processing, first step", "stop"): {LEADER, MANAGER},
    ("processing, last step", "forward"): set(),
    ("processing, last step", "request_supplement"): {LEADER},
    ("processing, last step", "approve"): {LEADER},
    ("processing, last step", "deny"): {LEADER},
    ("processing, last step", "extend"): {LEADER, MANAGER},
    ("processing, last step", "stop"): {LEADER, MANAGER},
    ("processing, extended", "forward"): {STEP_OFFICER},
    ("processing, extended", "request_supplement"): {STEP_OFFICER},
    ("processing, extended", "extend"): set(),
    ("processing, extended", "stop"): {LEADER, MANAGER},
    ("awaiting supplement", "supplement"): {OWNER},
    ("awaiting supplement", "supplement_at_counter"): {DESK_CLERK},
    ("awaiting supplement", "draft_extension"): {STEP_OFFICER},
    ("awaiting supplement", "extend"): {LEADER, MANAGER},
    ("awaiting supplement", "stop"): {LEADER, MANAGER},
    ("awaiting supplement, extended", "supplement"): {OWNER},
    ("awaiting supplement, extended", "supplement_at_counter"): {DESK_CLERK},
    ("awaiting supplement, extended", "extend"): set(),
    ("awaiting supplement, extended", "stop"): {LEADER, MANAGER},
    ("result ready", "return_result"): {DESK_CLERK},
}

RECEIVED_AT = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)
DUE_AT = datetime(2026, 12, 4, 17, 0, tzinfo=TZ)
EXTENDED_DUE_AT = datetime(2026, 12, 9, 17, 0, tzinfo=TZ)


@pytest.fixture
def centre(db, settings) -> None:
    """The demo centre and its procedure: calendar, agencies, accounts; no dossiers."""
    seed_calendar()
    seed_agencies()
    accounts = seed_accounts(DEMO_PASSWORD)
    catalogue = demo_catalogue_document()
    catalogue["procedures"] = [
        p for p in catalogue["procedures"] if p["code"] in {PROCEDURE}
    ]
    import_catalogue(
        catalogue, actor=next(u for u in accounts if u.username == "admin")
    )


@pytest.fixture
def actors(centre) -> dict[str, Any]:
    """One user per role of the matrix, around the demo centre."""
    ward = Agency.objects.get(code=WARD_PEOPLES_COMMITTEE)
    province_desk = Agency.objects.get(code=PROVINCE_CENTRE)
    justice = Agency.objects.get(code="000.00.12.H99")
    return {
        OWNER: demo_user("citizen"),
        OTHER_APPLICANT: UserFactory(username="neighbour", role=Role.APPLICANT),
        DESK_CLERK: demo_user("clerk"),
        OTHER_CLERK: UserFactory(
            username="province-clerk",
            role=Role.CLERK,
            agency=province_desk,
            department=province_desk.departments.get(),
        ),
        STEP_OFFICER: demo_user("officer"),
        OTHER_OFFICER: UserFactory(
            username="building-officer",
            role=Role.OFFICER,
            agency=ward,
            department=Department.objects.get(agency=ward, code="kinh-te-ha-tang"),
        ),
        LEADER: demo_user("leader"),
        OTHER_LEADER: UserFactory(
            username="justice-leader",
            role=Role.LEADER,
            agency=justice,
            department=Department.objects.get(agency=justice, code="lanh-dao"),
        ),
        MANAGER: demo_user("manager"),
        ADMINISTRATOR: demo_user("admin"),
        ANONYMOUS: AnonymousUser(),
    }


def make_dossier(situation: Situation, owner: Any) -> Dossier:
    """A dossier put straight into ``situation`` with rows, not through services."""
    procedure = Procedure.objects.get(code=PROCEDURE)
    dossier = Dossier.objects.create(
        applicant=owner if situation.owned else None,
        applicant_name="Nguyễn Văn An",
        procedure=procedure,
        procedure_snapshot=services.snapshot_procedure(procedure),
        channel=situation.channel,
        receiving_desk=procedure.receiving_agency,
        deciding_agency=procedure.deciding_agency,
    )
    for paper in dossier.papers:
        if paper["mandatory"] and situation.papers:
            Attachment.objects.create(
                dossier=dossier,
                paper_index=paper["index"],
                file=f"dossiers/{dossier.pk}/scan-{paper['index']}",
                original_name="scan.pdf",
                content_type="application/pdf",
                size=100,
            )
    fields: dict[str, Any] = {"state": situation.state}
    if situation.state != State.DRAFT:
        fields["submitted_at"] = RECEIVED_AT
    received = situation.state not in {
        State.DRAFT,
        State.SUBMITTED,
        State.SUPPLEMENT_REQUESTED,
        State.REFUSED,
        State.WITHDRAWN,
    }
    if received:
        fields.update(
            code=f"000.21.32.H99-261201-{dossier.pk:04d}",
            received_at=RECEIVED_AT,
            due_at=DUE_AT,
            current_due_at=DUE_AT,
        )
    if situation.extended:
        fields.update(
            extended_due_at=EXTENDED_DUE_AT,
            current_due_at=EXTENDED_DUE_AT,
            extension_reason="Cần xác minh thêm.",
        )
    if situation.state in {State.RESULT_READY, State.RETURNED}:
        fields.update(outcome=Outcome.APPROVED, decided_at=DUE_AT)
    if situation.state == State.RETURNED:
        fields.update(
            returned_at=DUE_AT, closed_at=DUE_AT, timeliness=Timeliness.ON_TIME
        )
    if situation.state in {State.REFUSED, State.STOPPED, State.WITHDRAWN}:
        fields["closed_at"] = DUE_AT
    if situation.step is not None:
        fields["current_step_index"] = situation.step
        for position, step in enumerate(dossier.route):
            DossierStep.objects.create(
                dossier=dossier,
                position=position,
                name=step["name"],
                role=step["role"],
                department_id=step["department_id"],
                working_days=step["working_days"],
                due_at=DUE_AT,
                started_at=RECEIVED_AT if position <= situation.step else None,
                finished_at=RECEIVED_AT if position < situation.step else None,
            )
    if situation.state == State.AWAITING_SUPPLEMENT:
        Pause.objects.create(dossier=dossier, paused_at=RECEIVED_AT, reason="Bổ sung")
    Dossier.objects.filter(pk=dossier.pk).update(**fields)
    return Dossier.objects.get(pk=dossier.pk)


def test_expected_table_names_only_known_situations_transitions_and_roles() -> None:
    """The hand-written table only mentions situations, transitions and roles that
    exist, and covers every state of the lifecycle."""
    for situation, transition in EXPECTED:
        assert situation in SITUATIONS
        assert transition in TRANSITIONS
    assert set().union(*EXPECTED.values()) <= set(ROLES)
    assert {s.state for s in SITUATIONS.values()} == set(State.values)
    assert set(TRANSITIONS) == {
        t.name for t in Dossier._meta.get_field("state").get_all_transitions(Dossier)
    }


@pytest.mark.parametrize("situation", SITUATIONS)
def test_each_role_may_do_exactly_what_the_lifecycle_allows(
    situation: str, actors: dict[str, Any]
) -> None:
    """In every state, each role may perform exactly the transitions of the expected
    table; every other move is refused with a sentence the user can read."""
    dossier = make_dossier(SITUATIONS[situation], actors[OWNER])
    wrong = []
    for transition in TRANSITIONS:
        allowed = EXPECTED.get((situation, transition), set())
        for role in ROLES:
            reason = services.refusal_reason(dossier, transition, actors[role])
            if (reason is None) != (role in allowed):
                verdict = "allowed" if reason is None else f"refused ({reason})"
                wrong.append(f"{transition} by {role}: {verdict}")
            elif reason is not None and not (
                isinstance(reason, str) and reason.strip()
            ):
                wrong.append(f"{transition} by {role}: refused without a reason")
    assert not wrong, f"{situation}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("situation", SITUATIONS)
def test_available_actions_list_what_each_role_may_do(
    situation: str, actors: dict[str, Any]
) -> None:
    """The actions offered to a user are the expected table's row for their role."""
    dossier = make_dossier(SITUATIONS[situation], actors[OWNER])
    for role in ROLES:
        expected = {
            transition
            for transition in TRANSITIONS
            if role in EXPECTED.get((situation, transition), set())
        }
        offered = set(services.available_actions(dossier, actors[role]))
        assert offered == expected, f"{situation}, {role}"


# --- refused service calls change nothing -----------------------------------------


def frozen(dossier: Dossier) -> dict[str, Any]:
    """Everything a service may touch, to compare before and after a refusal."""
    return {
        "dossier": model_to_dict(Dossier.objects.get(pk=dossier.pk)),
        "log": list(TransitionLog.objects.filter(dossier=dossier).values()),
        "steps": list(DossierStep.objects.filter(dossier=dossier).values()),
        "pauses": list(Pause.objects.filter(dossier=dossier).values()),
        "requests": list(SupplementRequest.objects.filter(dossier=dossier).values()),
        "attachments": list(Attachment.objects.filter(dossier=dossier).values()),
        "counters": list(DossierCodeCounter.objects.values()),
    }


AT = datetime(2026, 12, 2, 9, 0, tzinfo=TZ)
ITEMS = [{"paper_index": 0, "guidance": "Ký tên vào tờ khai"}]

# (situation, role, service call, exception expected)
REFUSED_CALLS: list[tuple[str, str, Callable[..., Any], type[Exception]]] = [
    (
        "draft, papers missing",
        OWNER,
        lambda d, u: services.dossier_submit(dossier=d, actor=u, at=AT),
        services.TransitionRefused,
    ),
    (
        "draft",
        OTHER_APPLICANT,
        lambda d, u: services.dossier_submit(dossier=d, actor=u, at=AT),
        services.TransitionRefused,
    ),
    (
        "submitted",
        OWNER,
        lambda d, u: services.dossier_receive(dossier=d, actor=u, at=AT),
        services.TransitionRefused,
    ),
    (
        "submitted",
        OTHER_CLERK,
        lambda d, u: services.dossier_receive(dossier=d, actor=u, at=AT),
        services.TransitionRefused,
    ),
    (
        "submitted",
        ANONYMOUS,
        lambda d, u: services.dossier_withdraw(dossier=d, actor=u, at=AT),
        services.TransitionRefused,
    ),
    (
        "submitted",
        DESK_CLERK,
        lambda d, u: services.dossier_refuse(dossier=d, actor=u, reasons="  ", at=AT),
        ValidationError,
    ),
    (
        "submitted",
        DESK_CLERK,
        lambda d, u: services.dossier_request_intake_supplement(
            dossier=d, actor=u, items=[], message="Bổ sung", at=AT
        ),
        ValidationError,
    ),
    (
        "submitted",
        DESK_CLERK,
        lambda d, u: services.dossier_transfer(dossier=d, actor=u, at=AT),
        services.TransitionRefused,
    ),
    (
        "received",
        STEP_OFFICER,
        lambda d, u: services.dossier_transfer(dossier=d, actor=u, at=AT),
        services.TransitionRefused,
    ),
    (
        "received",
        LEADER,
        lambda d, u: services.dossier_extend(
            dossier=d,
            actor=u,
            new_due=EXTENDED_DUE_AT,
            reason="",
            at=AT,
        ),
        ValidationError,
    ),
    (
        "received, extended",
        LEADER,
        lambda d, u: services.dossier_extend(
            dossier=d,
            actor=u,
            new_due=datetime(2026, 12, 11, 17, 0, tzinfo=TZ),
            reason="Gia hạn lần hai",
            at=AT,
        ),
        services.TransitionRefused,
    ),
    (
        "processing, first step",
        LEADER,
        lambda d, u: services.dossier_approve(dossier=d, actor=u, at=AT),
        services.TransitionRefused,
    ),
    (
        "processing, first step",
        STEP_OFFICER,
        lambda d, u: services.dossier_deny(
            dossier=d, actor=u, reasons="Không đủ điều kiện", at=AT
        ),
        services.TransitionRefused,
    ),
    (
        "processing, first step",
        OTHER_OFFICER,
        lambda d, u: services.dossier_request_supplement(
            dossier=d, actor=u, items=ITEMS, message="Bổ sung", at=AT
        ),
        services.TransitionRefused,
    ),
    (
        "processing, first step",
        DESK_CLERK,
        lambda d, u: services.dossier_stop(dossier=d, actor=u, reasons="Dừng", at=AT),
        services.TransitionRefused,
    ),
    (
        "processing, last step",
        LEADER,
        lambda d, u: services.dossier_forward(dossier=d, actor=u, at=AT),
        services.TransitionRefused,
    ),
    (
        "processing, last step",
        LEADER,
        lambda d, u: services.dossier_deny(dossier=d, actor=u, reasons="", at=AT),
        ValidationError,
    ),
    (
        "awaiting supplement",
        OTHER_APPLICANT,
        lambda d, u: services.dossier_supplement(dossier=d, actor=u, at=AT),
        services.TransitionRefused,
    ),
    (
        "awaiting supplement",
        ADMINISTRATOR,
        lambda d, u: services.dossier_stop(dossier=d, actor=u, reasons="Dừng", at=AT),
        services.TransitionRefused,
    ),
    (
        "processing, first step",
        DESK_CLERK,
        lambda d, u: services.dossier_return_result(
            dossier=d, actor=u, channel=Channel.ONLINE, at=AT
        ),
        services.TransitionRefused,
    ),
    (
        "result ready",
        OTHER_CLERK,
        lambda d, u: services.dossier_return_result(
            dossier=d, actor=u, channel=Channel.ONLINE, at=AT
        ),
        services.TransitionRefused,
    ),
    (
        "result ready",
        DESK_CLERK,
        lambda d, u: services.dossier_return_result(
            dossier=d, actor=u, channel=Channel.COUNTER, collected_by="", at=AT
        ),
        ValidationError,
    ),
    (
        "returned",
        OWNER,
        lambda d, u: services.dossier_withdraw(dossier=d, actor=u, at=AT),
        services.TransitionRefused,
    ),
    (
        "stopped",
        MANAGER,
        lambda d, u: services.dossier_stop(dossier=d, actor=u, reasons="Dừng", at=AT),
        services.TransitionRefused,
    ),
]


@pytest.mark.parametrize(
    ("situation", "role", "call", "error"),
    REFUSED_CALLS,
    ids=[f"{s}-{r}-{i}" for i, (s, r, _c, _e) in enumerate(REFUSED_CALLS)],
)
def test_a_refused_service_call_changes_nothing(
    situation: str,
    role: str,
    call: Callable[..., Any],
    error: type[Exception],
    actors: dict[str, Any],
) -> None:
    """A refused move raises TransitionRefused (a PermissionDenied) or a
    ValidationError with a readable message, and leaves the dossier, its log, its
    steps, pauses, requests and the code counters exactly as they were."""
    dossier = make_dossier(SITUATIONS[situation], actors[OWNER])
    before = frozen(dossier)
    with pytest.raises(error) as raised:
        call(dossier, actors[role])
    if error is services.TransitionRefused:
        assert isinstance(raised.value, PermissionDenied)
        assert str(raised.value).strip()
    else:
        assert all(message.strip() for message in raised.value.messages)
    assert frozen(dossier) == before
