"""Parallel branches with a join (docs/interagency.md): a stage of two opinions
worked at once by two agencies, each branch with its own due date, the dossier
moving on only when the last branch is done.

The route (1.115712 rebuilt, 10 working days): the ward's officer (2 days) and
leader (1 day); then, at the same time, the land office's registration
department (5 days) and the justice department's opinion (3 days); then the land
office's leader signs (2 days). Sequentially the steps would add up to 13 days;
the stage takes its longest branch, so the route fits the 10 days.
"""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.urls import reverse
from django.utils.translation import gettext

from dossiers import deadlines, services
from dossiers.control_sheet import control_sheet
from dossiers.models import (
    JOIN_BRANCHES,
    AgencyTransfer,
    Dossier,
    Outcome,
    State,
    TransitionLog,
)
from dossiers.queues import QUEUES
from dossiers.selectors import control_sheet_steps, dossiers_visible_to
from dossiers.services import TransitionRefused
from dossiers.tracking import holding_agency
from procedures.admin import RouteStepFormSet
from procedures.catalogue_io import (
    CatalogueImportError,
    export_catalogue,
    import_catalogue,
)
from procedures.models import Agency, Department, Procedure, RouteStep
from reminders.models import Kind
from reminders.scan import find_due_reminders
from tests.factories import received_mandatory
from workcalendar.calendar import build_calendar

from .scenario import LAND_OFFICE, PROCEDURE, RECEIVED, TRANSFERRED, WARD, at, fresh

pytestmark = pytest.mark.django_db

JUSTICE = "000.00.12.H99"
WARD_DONE = at("2026-12-03 09:00")
FORKED = at("2026-12-04 10:00")
JUSTICE_DONE = at("2026-12-08 10:00")
LAND_DONE = at("2026-12-10 10:00")
# Clock from Tue 1 Dec 17:00: ward 2 + 1 days; the branches from Fri 4 Dec 17:00,
# the land office's 5 days (Fri 11 Dec) and the justice department's 3 (Wed 9
# Dec); the land office's leader after the longest branch, 2 days (Tue 15 Dec).
DUES = [
    at("2026-12-03 17:00"),
    at("2026-12-04 17:00"),
    at("2026-12-11 17:00"),
    at("2026-12-09 17:00"),
    at("2026-12-15 17:00"),
]
STAGES = [0, 1, 2, 2, 4]


@pytest.fixture
def parallel_route(procedure) -> Procedure:
    """1.115712 with a stage of two parallel opinions by two agencies."""
    land = Agency.objects.get(code=LAND_OFFICE)
    justice = Agency.objects.get(code=JUSTICE)
    ward = Agency.objects.get(code=WARD)
    RouteStep.objects.filter(procedure=procedure).delete()
    steps = [
        ("Niêm yết, xác nhận", "officer", ward, None, "2", False),
        (
            "Lãnh đạo UBND phường chuyển liên thông",
            "leader",
            ward,
            Department.objects.get(agency=ward, code="lanh-dao"),
            "1",
            False,
        ),
        (
            "Thẩm định hồ sơ đất đai",
            "officer",
            land,
            Department.objects.get(agency=land, code="dang-ky-cap-giay"),
            "5",
            False,
        ),
        (
            "Ý kiến của cơ quan tư pháp",
            "officer",
            justice,
            Department.objects.get(agency=justice, code="hanh-chinh-tu-phap"),
            "3",
            True,
        ),
        (
            "Ký cấp lại Giấy chứng nhận",
            "leader",
            land,
            Department.objects.get(agency=land, code="lanh-dao"),
            "2",
            False,
        ),
    ]
    for position, (name, role, agency, department, days, parallel) in enumerate(
        steps, start=1
    ):
        RouteStep.objects.create(
            procedure=procedure,
            position=position,
            name=name,
            role=role,
            agency=agency,
            department=department,
            working_days=Decimal(days),
            parallel_with_previous=parallel,
        )
    return procedure


@pytest.fixture
def branched(parallel_route, people) -> Dossier:
    """Received at the ward centre, transferred, and handed by the ward's leader
    to both branches at once."""
    dossier = services.dossier_receive_at_counter(
        clerk=people.clerk,
        at=RECEIVED,
        procedure=parallel_route,
        details=services.ApplicantDetails(
            name="Nguyễn Văn An", id_number="036095001234", phone="0912345678"
        ),
        applicant=people.citizen,
        received=received_mandatory(parallel_route),
    )
    services.dossier_transfer(dossier=dossier, actor=people.clerk, at=TRANSFERRED)
    services.dossier_forward(dossier=fresh(dossier), actor=people.officer, at=WARD_DONE)
    services.dossier_transfer_to_agency(
        dossier=fresh(dossier), actor=people.leader, note="Xin ý kiến", at=FORKED
    )
    return fresh(dossier)


def steps_of(dossier: Dossier) -> dict:
    return {step.position: step for step in dossier.steps.all()}


# --- pure rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parallel", "expected"),
    [
        ([], []),
        ([False, False, False], [0, 1, 2]),
        ([False, True, False], [0, 0, 2]),
        ([False, False, True, True, False], [0, 1, 1, 1, 4]),
        ([True, False], [0, 1]),  # a first step has nothing to be parallel with
    ],
)
def test_stages_are_the_first_position_of_each_run(parallel, expected):
    """A step parallel with the previous one joins its stage."""
    assert deadlines.stage_starts(parallel) == expected


@pytest.mark.parametrize(
    ("owners", "stages", "expected"),
    [
        # Sequential: as before, runs of one owner.
        ("AABB", None, [(0, 1), (2, 3)]),
        # Each branch is a share of its own, even of the agency before or after.
        ("AABCB", [0, 1, 2, 2, 4], [(0, 1), (2, 2), (3, 3), (4, 4)]),
        ("AAAB", [0, 1, 1, 3], [(0, 0), (1, 1), (2, 2), (3, 3)]),
    ],
)
def test_agency_shares_with_parallel_branches(owners, stages, expected):
    """A branch of a parallel stage is its agency's share on its own."""
    assert deadlines.agency_shares(list(owners), stages) == expected


@pytest.mark.parametrize(
    ("unit", "value", "expected"),
    [
        # Working days from Tue 1 Dec 17:00: the branches (2 and 1 days) after
        # the first day, the last step after the longest branch.
        (
            deadlines.WORKING_DAYS,
            4,
            [
                "2026-12-02 17:00",
                "2026-12-04 17:00",
                "2026-12-03 17:00",
                "2026-12-07 17:00",
            ],
        ),
        # Same day, received 08:00: 7.5 office hours shared 1 : 2 : 1 by stage
        # (the branches weigh 2 and 1: the lighter gets half the stage's time).
        (
            deadlines.SAME_DAY,
            None,
            [
                "2026-12-01 09:52:30",
                "2026-12-01 15:07:30",
                "2026-12-01 13:15",
                "2026-12-01 17:00",
            ],
        ),
    ],
)
def test_branch_dues_count_from_the_stage_start(unit, value, expected):
    """Every branch starts with its stage; the next stage waits for the longest."""
    received = at(
        "2026-12-01 10:00" if unit == deadlines.WORKING_DAYS else "2026-12-01 08:00"
    )
    processing = deadlines.ProcessingTime(value, unit)
    calendar = build_calendar((2026, 2027))
    due = deadlines.due_for(received, processing, calendar)
    dues = deadlines.route_step_dues(
        received,
        processing,
        [Decimal(1), Decimal(2), Decimal(1), Decimal(1)],
        calendar,
        transferred_at=received,
        due=due,
        stages=[0, 1, 1, 3],
    )
    assert dues == [at(moment) for moment in expected]
    assert dues[-1] == due


def test_route_error_counts_the_longest_branch(parallel_route):
    """The stage takes as long as its longest branch: 2 + 1 + 5 + 2 fits ten
    days, where the five steps one after another (13 days) would not."""
    days = [Decimal(d) for d in ("2", "1", "5", "3", "2")]
    assert parallel_route.route_error(days, [False, False, False, True, False]) is None
    assert parallel_route.route_error(days)
    assert parallel_route.route_error(
        [*days[:3], Decimal(6), days[4]], [False, False, False, True, False]
    )


def test_route_shape_is_checked(parallel_route):
    """The first step cannot be parallel; nor the last (it records the decision,
    so a step must follow the branches: the join)."""
    days = [Decimal(1)] * 3
    assert parallel_route.route_error(days, [True, False, False])
    assert parallel_route.route_error(days, [False, False, True])
    # Branches of one stage are told apart by their names (Form 06).
    flags = [False, False, True, False]
    days = [Decimal(1)] * 4
    assert parallel_route.route_error(days, flags, ["A", "B", " b ", "B"])
    assert parallel_route.route_error(days, flags, ["A", "B", "C", "B"]) is None


# --- the dossier --------------------------------------------------------------------


def test_each_branch_has_its_own_due_date(branched):
    """The stage's branches start together (the fork) and each is due at the
    stage's start plus its own days; the next step counts from the longest."""
    steps = steps_of(branched)
    assert [steps[p].due_at for p in range(5)] == DUES
    assert [steps[p].stage for p in range(5)] == STAGES
    assert branched.route[3]["parallel_with_previous"] is True
    assert branched.current_step_index == 2
    assert steps[2].started_at == FORKED and steps[3].started_at == FORKED
    assert steps[4].started_at is None
    assert branched.current_due_at == DUES[-1]
    assert holding_agency(branched) == ", ".join(
        Agency.objects.get(code=code).name for code in (LAND_OFFICE, JUSTICE)
    )


def test_the_fork_is_one_transition_with_a_hand_off_per_agency(branched, people):
    """The ward's leader transfers once: one log row, an inter-agency row for
    each branch's agency, with that branch's own due date."""
    log = TransitionLog.objects.get(dossier=branched, transition="transfer_to_agency")
    rows = AgencyTransfer.objects.filter(dossier=branched).order_by("to_position")
    assert [(r.to_agency.code, r.to_position, r.due_at) for r in rows] == [
        (LAND_OFFICE, 2, DUES[2]),
        (JUSTICE, 3, DUES[3]),
    ]
    assert {r.log_id for r in rows} == {log.pk}
    assert {r.from_agency.code for r in rows} == {WARD}


def test_each_branch_agency_sees_the_dossier_and_acts_on_its_branch(branched, people):
    """Both agencies' officers see it; the land office's officer forwards (the
    next step is the land office's), the justice officer transfers back across
    agencies; neither returns it (parallel branches); the ward acts no more."""
    for user in (people.land_officer, people.other_officer, people.other_leader):
        assert dossiers_visible_to(user).filter(pk=branched.pk).exists(), user
    land = set(services.available_actions(branched, people.land_officer))
    justice = set(services.available_actions(branched, people.other_officer))
    assert {"forward", "claim", "request_supplement"} <= land
    assert "transfer_to_agency" not in land
    assert {"transfer_to_agency", "claim", "request_supplement", "deny"} <= justice
    assert "forward" not in justice
    for user in (people.land_officer, people.other_officer):
        assert "return_to_agency" not in services.available_actions(branched, user)
        assert services.refusal_reason(branched, "return_to_agency", user)
    assert services.available_actions(branched, people.officer) == []
    with pytest.raises(TransitionRefused):
        services.dossier_forward(dossier=branched, actor=people.other_officer)


def test_finishing_one_branch_does_not_move_the_dossier(branched, people):
    """The justice department's opinion is done: its branch closes, the land
    office's stays open, nothing else starts and no join is logged."""
    services.dossier_transfer_to_agency(
        dossier=branched, actor=people.other_officer, note="Đồng ý", at=JUSTICE_DONE
    )
    dossier = fresh(branched)
    steps = steps_of(dossier)
    assert dossier.current_step_index == 2
    assert steps[3].finished_at == JUSTICE_DONE
    assert steps[3].handled_by == people.other_officer
    assert steps[2].finished_at is None and steps[4].started_at is None
    assert not TransitionLog.objects.filter(transition=JOIN_BRANCHES).exists()
    # The fork's two hand-offs, and the justice branch's own to the land office
    # (test_branch_leftovers.py).
    assert AgencyTransfer.objects.filter(dossier=dossier).count() == 3
    # Its work done, the justice officer keeps the history but acts no more.
    assert dossiers_visible_to(people.other_officer).filter(pk=dossier.pk).exists()
    assert services.available_actions(dossier, people.other_officer) == []
    assert "forward" in services.available_actions(dossier, people.land_officer)
    assert holding_agency(dossier) == Agency.objects.get(code=LAND_OFFICE).name


def test_the_last_branch_joins_and_starts_the_next_step(branched, people):
    """The land office's branch finishes last: the join is logged and the
    leader's step starts; naming someone before the join is refused."""
    with pytest.raises(ValidationError):
        services.dossier_forward(
            dossier=branched, actor=people.land_officer, assignee=people.land_leader
        )
    services.dossier_transfer_to_agency(
        dossier=branched, actor=people.other_officer, at=JUSTICE_DONE
    )
    services.dossier_forward(
        dossier=fresh(branched),
        actor=people.land_officer,
        assignee=people.land_leader,
        at=LAND_DONE,
    )
    dossier = fresh(branched)
    assert dossier.current_step_index == 4
    assert dossier.assignee == people.land_leader
    steps = steps_of(dossier)
    assert steps[2].finished_at == LAND_DONE and steps[4].started_at == LAND_DONE
    join = TransitionLog.objects.get(dossier=dossier, transition=JOIN_BRANCHES)
    assert join.created_at == LAND_DONE and join.actor == people.land_officer
    assert "Thẩm định" in join.step_name and "tư pháp" in join.step_name
    assert "approve" in services.available_actions(dossier, people.land_leader)
    services.dossier_approve(dossier=dossier, actor=people.land_leader)
    assert fresh(dossier).state == State.RESULT_READY


def test_a_join_across_agencies_records_the_hand_off(branched, people):
    """When the justice branch finishes last, its transfer is the join and the
    hand-off to the land office's leader is recorded."""
    services.dossier_forward(
        dossier=branched, actor=people.land_officer, at=JUSTICE_DONE
    )
    services.dossier_transfer_to_agency(
        dossier=fresh(branched), actor=people.other_officer, at=LAND_DONE
    )
    dossier = fresh(branched)
    assert dossier.current_step_index == 4
    row = AgencyTransfer.objects.get(dossier=dossier, to_position=4)
    assert (row.from_agency.code, row.to_agency.code) == (JUSTICE, LAND_OFFICE)
    assert (row.from_position, row.due_at) == (3, DUES[4])


def test_each_branch_has_its_own_holder(branched, people):
    """Each branch's officer claims their branch; the dossier itself is held by
    nobody, and each finds it in "My steps"."""
    services.dossier_claim(dossier=branched, actor=people.land_officer)
    services.dossier_claim(dossier=fresh(branched), actor=people.other_officer)
    dossier = fresh(branched)
    steps = steps_of(dossier)
    assert dossier.assignee is None
    assert steps[2].handled_by == people.land_officer
    assert steps[3].handled_by == people.other_officer
    assert "claim" not in services.available_actions(dossier, people.land_officer)
    for user in (people.land_officer, people.other_officer):
        mine = QUEUES["my_steps"].narrow(dossiers_visible_to(user), user, None)
        assert list(mine.values_list("pk", flat=True)) == [dossier.pk], user


def test_a_branch_agency_leader_reassigns_its_branch_only(branched, people):
    """The land office's leader gives the land branch to its officer; the
    justice branch stays nobody's."""
    assert "reassign" in services.available_actions(branched, people.land_leader)
    services.dossier_reassign(
        dossier=branched,
        actor=people.land_leader,
        assignee=people.land_officer,
        note="Phân công",
    )
    steps = steps_of(fresh(branched))
    assert steps[2].handled_by == people.land_officer
    assert steps[3].handled_by is None
    with pytest.raises(ValidationError):
        services.dossier_reassign(
            dossier=fresh(branched),
            actor=people.land_leader,
            assignee=people.other_officer,
            note="Sai cơ quan",
        )


def test_a_supplement_from_one_branch_pauses_both(branched, people):
    """The justice officer asks for a paper: the whole dossier waits; when the
    applicant answers, both branches' due dates move by the time paused."""
    services.dossier_request_supplement(
        dossier=branched,
        actor=people.other_officer,
        items=[{"paper_index": 0, "guidance": "Ký lại đơn"}],
        message="Đề nghị Ông/Bà ký lại đơn",
        at=at("2026-12-07 09:00"),
    )
    dossier = fresh(branched)
    assert dossier.state == State.AWAITING_SUPPLEMENT
    assert "forward" not in services.available_actions(dossier, people.land_officer)
    services.dossier_supplement(
        dossier=dossier, actor=people.citizen, at=at("2026-12-08 09:00")
    )
    dossier = fresh(dossier)
    steps = steps_of(dossier)
    assert dossier.state == State.PROCESSING
    assert steps[2].due_at == at("2026-12-14 17:00")
    assert steps[3].due_at == at("2026-12-10 17:00")
    assert dossier.current_due_at == at("2026-12-16 17:00")


def test_a_branch_agency_may_deny_and_its_leader_stop(branched, people):
    """The justice department finds the applicant ineligible: its denial ends
    the dossier; on another dossier its leader stops it (Form 05)."""
    assert "stop" in services.available_actions(branched, people.other_leader)
    services.dossier_deny(
        dossier=branched, actor=people.other_officer, reasons="Không đủ điều kiện"
    )
    dossier = fresh(branched)
    assert (dossier.state, dossier.outcome) == (State.RESULT_READY, Outcome.DENIED)


def test_a_branch_leader_stops_the_dossier(branched, people):
    services.dossier_stop(
        dossier=branched, actor=people.other_leader, reasons="Theo đề nghị"
    )
    assert fresh(branched).state == State.STOPPED


def test_form06_prints_each_branch_and_the_join(branched, people):
    """Form 06: the fork names both receiving agencies; each branch's finish is
    a line of its own, classed against its own due date; the join is a line
    handing the dossier to the next step."""
    services.dossier_transfer_to_agency(
        dossier=branched, actor=people.other_officer, note="Đồng ý", at=JUSTICE_DONE
    )
    services.dossier_forward(
        dossier=fresh(branched), actor=people.land_officer, at=at("2026-12-14 09:00")
    )
    dossier = Dossier.objects.select_related(
        "receiving_desk", "deciding_agency", "assignee"
    ).get(pk=branched.pk)
    logs = list(dossier.transitions.select_related("actor"))
    sheet = control_sheet(dossier, logs, control_sheet_steps(dossier))
    land = Department.objects.get(code="dang-ky-cap-giay").name
    justice = Department.objects.get(
        agency__code=JUSTICE, code="hanh-chinh-tu-phap"
    ).name
    join = gettext("Join of the parallel branches")
    fork, justice_line, land_line, join_line = sheet.lines[2:6]
    assert land in fork.receiver.unit and justice in fork.receiver.unit
    assert "Thẩm định" in fork.next_step_name and "tư pháp" in fork.next_step_name
    assert justice in justice_line.giver.unit
    assert justice_line.receiver.unit == join
    assert justice_line.step_due_at == DUES[3]
    assert justice_line.timeliness == "early"
    assert justice_line.note == "Đồng ý"
    assert land in land_line.giver.unit and land_line.receiver.unit == join
    assert land_line.step_due_at == DUES[2]
    assert land_line.timeliness == "late"
    assert join_line.giver.unit == join
    assert str(Agency.objects.get(code=LAND_OFFICE)) in join_line.receiver.unit
    assert join_line.next_step_name == "Ký cấp lại Giấy chứng nhận"
    assert len(sheet.lines) == 6


def test_reminders_go_to_each_open_branch(branched, people):
    """On the due day both branches' agencies are reminded; once the justice
    branch is done, only the land office's."""
    due_day = at("2026-12-15 07:00")

    def recipients() -> set[str]:
        return {
            r.recipient.username
            for r in find_due_reminders(due_day).due
            if r.kind == Kind.DUE_TODAY and r.recipient is not None
        }

    assert {"land_officer", "justice_officer", "clerk"} <= recipients()
    services.dossier_transfer_to_agency(dossier=branched, actor=people.other_officer)
    assert "justice_officer" not in recipients()
    assert "land_officer" in recipients()


def test_the_dossier_page_shows_the_open_branches(branched, people, client):
    """The workspace page marks both branches open, each with its holder."""
    services.dossier_claim(dossier=branched, actor=people.other_officer)
    client.force_login(people.land_officer)
    page = client.get(f"/staff/dossiers/{branched.pk}/").content.decode()
    assert page.count("parallel") >= 2 or page.count("song song") >= 2
    assert str(people.other_officer) in page


# --- the catalogue --------------------------------------------------------------------


def test_export_and_import_carry_the_flag(parallel_route):
    """The export writes ``parallel_with_previous`` on the branch only (a
    sequential step's export is as before); importing it back restores it."""
    document = json.loads(export_catalogue())
    route = next(p for p in document["procedures"] if p["code"] == PROCEDURE)["route"]
    assert [s.get("parallel_with_previous", False) for s in route] == [
        False,
        False,
        False,
        True,
        False,
    ]
    assert "parallel_with_previous" not in route[0]
    RouteStep.objects.filter(procedure=parallel_route).update(
        parallel_with_previous=False
    )
    import_catalogue(document)
    assert list(
        Procedure.objects.get(code=PROCEDURE)
        .route_steps.order_by("position")
        .values_list("parallel_with_previous", flat=True)
    ) == [False, False, False, True, False]
    again = json.loads(export_catalogue())
    assert {**again, "exported_at": None} == {**document, "exported_at": None}


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda route: route[3].update(parallel_with_previous="yes"), ".route[3]"),
        (lambda route: route[0].update(parallel_with_previous=True), ".route"),
        (lambda route: route[3].update(parallel_with_previous=False), ".route"),
    ],
)
def test_import_refuses_a_wrong_flag_or_shape(parallel_route, change, where):
    """A flag that is not a boolean, a first step parallel, or the branches
    added up over the processing time are refused with their position."""
    document = json.loads(export_catalogue())
    item = next(p for p in document["procedures"] if p["code"] == PROCEDURE)
    change(item["route"])
    with pytest.raises(CatalogueImportError) as excinfo:
        import_catalogue(document)
    assert where in "\n".join(excinfo.value.errors)


def test_a_sequential_route_is_unchanged(transferred, people):
    """The demo's sequential route: every step its own stage, one step at a
    time, as before."""
    assert [s.stage for s in transferred.steps.order_by("position")] == [0, 1, 2, 3]
    assert not transferred.in_parallel_stage
    assert transferred.parallel_branch_positions == []


def test_the_admin_inline_has_the_flag_and_checks_the_stages(
    client, django_user_model, parallel_route
):
    """The route-step inline has the column; its check counts a stage's longest
    branch and refuses a first step marked parallel."""
    client.force_login(
        django_user_model.objects.create_superuser(
            username="root", password="x-admin-pass-1"
        )
    )
    page = client.get(
        reverse("admin:procedures_procedure_change", args=[parallel_route.pk])
    ).content.decode()
    assert 'name="route_steps-3-parallel_with_previous"' in page
    formset_class = inlineformset_factory(
        Procedure,
        RouteStep,
        formset=RouteStepFormSet,
        fields=("position", "name", "role", "working_days", "parallel_with_previous"),
        extra=0,
    )
    steps = list(parallel_route.route_steps.order_by("position"))

    def bind(first_parallel: bool) -> bool:
        data = {
            "route_steps-TOTAL_FORMS": str(len(steps)),
            "route_steps-INITIAL_FORMS": str(len(steps)),
        }
        for i, step in enumerate(steps):
            data |= {
                f"route_steps-{i}-id": str(step.pk),
                f"route_steps-{i}-procedure": str(parallel_route.pk),
                f"route_steps-{i}-position": str(step.position),
                f"route_steps-{i}-name": step.name,
                f"route_steps-{i}-role": step.role,
                f"route_steps-{i}-working_days": str(step.working_days),
            }
            if step.parallel_with_previous or (i == 0 and first_parallel):
                data[f"route_steps-{i}-parallel_with_previous"] = "on"
        return formset_class(
            data, instance=parallel_route, prefix="route_steps"
        ).is_valid()

    assert bind(first_parallel=False)
    assert not bind(first_parallel=True)


def test_each_branch_through_the_workspace(client, branched, people):
    """The justice officer finds the dossier in their worklist and closes their
    branch from its page; the land office's officer is not offered the
    transfer (its next step is the land office's own); Form 06 prints the join."""
    client.force_login(people.other_officer)
    listing = client.get(reverse("workspace:dossier_list")).content.decode()
    assert branched.code in listing
    response = client.post(
        reverse("workspace:dossier_act", args=[branched.pk, "transfer_to_agency"]),
        {"version": branched.version, "note": "Ý kiến: đồng ý"},
    )
    assert response.status_code == 302
    dossier = fresh(branched)
    assert steps_of(dossier)[3].finished_at is not None
    client.force_login(people.land_officer)
    refused = client.post(
        reverse("workspace:dossier_act", args=[dossier.pk, "transfer_to_agency"]),
        {"version": dossier.version},
    )
    assert refused.status_code == 302  # back to the page, with the reason
    assert steps_of(fresh(dossier))[2].finished_at is None
    response = client.post(
        reverse("workspace:dossier_act", args=[dossier.pk, "forward"]),
        {"version": dossier.version},
    )
    assert response.status_code == 302
    assert fresh(dossier).current_step_index == 4
    client.force_login(people.clerk)
    sheet = client.get(
        reverse("workspace:print_form", args=[dossier.pk, "06"])
    ).content.decode()
    assert gettext("Join of the parallel branches") in sheet
    assert "Ý kiến: đồng ý" in sheet
    # The pages reading the log take the join's row in their stride.
    assert client.get(f"/staff/dossiers/{dossier.pk}/").status_code == 200
    client.force_login(people.citizen)
    assert client.get(f"/my/dossiers/{dossier.pk}/").status_code == 200
