"""Parallel branches: what the register, the reports, the queues, the reminders,
the applicant's timeline, the hand-off log, the deadlines of a group's child and
the demo make of a stage of branches (docs/interagency.md, "Parallel branches and
the join").

The route is test_parallel_branches.py's (1.115712 rebuilt): the ward's officer
and leader; then at once the land office's registration department (position 2,
due Fri 11 Dec) and the justice department's opinion (position 3, due Wed 9 Dec);
then the land office's leader signs (due Tue 15 Dec, with the dossier).
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from dossiers import deadlines, services
from dossiers.control_sheet import control_sheet
from dossiers.models import AgencyTransfer, Dossier, DossierStep, State, TransitionLog
from dossiers.queues import QUEUES
from dossiers.register import register_rows
from dossiers.selectors import (
    control_sheet_steps,
    dossiers_visible_to,
    received_register,
)
from dossiers.timeline import applicant_event, applicant_timeline, route_shape
from procedures.models import Agency, Department, Procedure, RouteStep
from reminders import delivery, scan
from reports.indicators import Scope
from reports.tables import overdue_cells, overdue_dossiers
from tests.factories import demo_user, received_mandatory
from workcalendar.calendar import build_calendar

from .scenario import LAND_OFFICE, RECEIVED, TRANSFERRED, at, fresh
from .test_group_rules import children_of, decide
from .test_groups import file_group, group  # noqa: F401 (fixture)
from .test_parallel_branches import (  # noqa: F401 (fixtures)
    DUES,
    FORKED,
    JUSTICE,
    JUSTICE_DONE,
    LAND_DONE,
    WARD_DONE,
    branched,
    parallel_route,
)

pytestmark = pytest.mark.django_db

LATE = at("2026-12-16 09:00")  # the day after the dossier's due date


def names(*codes: str) -> list[str]:
    return [Agency.objects.get(code=code).name for code in codes]


def fork_dossier(procedure: Procedure, people) -> Dossier:
    """Received, transferred and handed by the ward's leader to both branches."""
    dossier = services.dossier_receive_at_counter(
        clerk=people.clerk,
        at=RECEIVED,
        procedure=procedure,
        details=services.ApplicantDetails(name="Trần Văn Bình", phone="0912000222"),
        applicant=people.citizen,
        received=received_mandatory(procedure),
    )
    services.dossier_transfer(dossier=dossier, actor=people.clerk, at=TRANSFERRED)
    services.dossier_forward(dossier=fresh(dossier), actor=people.officer, at=WARD_DONE)
    services.dossier_transfer_to_agency(
        dossier=fresh(dossier), actor=people.leader, at=FORKED
    )
    return fresh(dossier)


def land_first_then_justice(dossier: Dossier, people) -> Dossier:
    """The land office's branch (the stage's first step) is done first; the
    justice branch then joins, across agencies."""
    services.dossier_forward(
        dossier=dossier, actor=people.land_officer, at=JUSTICE_DONE
    )
    services.dossier_transfer_to_agency(
        dossier=fresh(dossier), actor=people.other_officer, note="Đồng ý", at=LAND_DONE
    )
    return fresh(dossier)


# --- 1. the reports and the queues see every open branch ------------------------


def test_the_overdue_list_names_every_open_branch(branched, people):  # noqa: F811
    """Past its due date at the stage, the dossier's line names both branches,
    the one due first first (the justice opinion, as the worklist shows it),
    each with its department, agency and holder."""
    services.dossier_claim(dossier=branched, actor=people.land_officer)
    [row] = overdue_dossiers(Scope(), now=LATE)
    assert [s.position for s in row.steps] == [3, 2]
    justice = Department.objects.get(agency__code=JUSTICE, code="hanh-chinh-tu-phap")
    land = Department.objects.get(agency__code=LAND_OFFICE, code="dang-ky-cap-giay")
    assert row.step_label == (
        f"Ý kiến của cơ quan tư pháp ({justice.name} – {justice.agency}); "
        f"Thẩm định hồ sơ đất đai ({land.name} – {land.agency})"
    )
    assert row.person_label == f"—; {people.land_officer.display_name}"
    cells = overdue_cells(row)
    assert cells[3:5] == [row.step_label, row.person_label]


def test_the_overdue_list_skips_a_branch_done(branched, people):  # noqa: F811
    """The land office's branch, the stage's first step, is done: the line
    names the justice branch still open, not the finished first step."""
    services.dossier_forward(dossier=branched, actor=people.land_officer, at=LAND_DONE)
    services.dossier_claim(dossier=fresh(branched), actor=people.other_officer)
    [row] = overdue_dossiers(Scope(), now=LATE)
    assert [s.position for s in row.steps] == [3]
    assert row.step_label == "Ý kiến của cơ quan tư pháp"
    assert row.person_label == people.other_officer.display_name


def test_the_overdue_list_reads_no_more_per_dossier(
    branched,  # noqa: F811
    people,
    parallel_route,  # noqa: F811
    django_assert_num_queries,
):
    """The branches come with the steps already read: one dossier or three
    at parallel stages, the same queries."""
    with CaptureQueriesContext(connection) as first:
        assert len(overdue_dossiers(Scope(), now=LATE)) == 1
    fork_dossier(parallel_route, people)
    fork_dossier(parallel_route, people)
    with django_assert_num_queries(len(first.captured_queries)):
        assert len(overdue_dossiers(Scope(), now=LATE)) == 3


def test_the_statistics_page_names_the_open_branches(branched, people, client):  # noqa: F811
    """The manager's overdue table shows both branches and the holder."""
    services.dossier_claim(dossier=branched, actor=people.other_officer)
    with time_machine.travel(LATE, tick=False):
        client.force_login(people.manager)
        page = client.get("/staff/statistics/", {"kind": "year"}).content.decode()
    table = page[page.index('id="table-overdue"') :]
    assert "Ý kiến của cơ quan tư pháp (" in table
    assert "Thẩm định hồ sơ đất đai (" in table
    assert str(people.other_officer.display_name) in table


@pytest.fixture
def leader_branch_route(parallel_route) -> Procedure:  # noqa: F811
    """The land office's branch is its leader's (a leader's opinion)."""
    land = Agency.objects.get(code=LAND_OFFICE)
    RouteStep.objects.filter(procedure=parallel_route, position=3).update(
        role="leader", department=Department.objects.get(agency=land, code="lanh-dao")
    )
    return parallel_route


def test_to_decide_lists_only_an_open_leader_branch_of_ones_agency(
    leader_branch_route, people
):
    """ "To decide" holds the dossier for the land office's leader while their
    branch is open, never for the justice department's leader (who sees the
    dossier for their officer's branch), and no longer once the leader's branch,
    the stage's first step, is done."""
    dossier = fork_dossier(leader_branch_route, people)

    def to_decide(user) -> list[int]:
        queue = QUEUES["to_decide"].narrow(dossiers_visible_to(user), user, None)
        return list(queue.values_list("pk", flat=True))

    assert dossiers_visible_to(people.other_leader).filter(pk=dossier.pk).exists()
    assert to_decide(people.land_leader) == [dossier.pk]
    assert to_decide(people.other_leader) == []
    services.dossier_forward(dossier=dossier, actor=people.land_leader, at=LAND_DONE)
    dossier = fresh(dossier)
    assert dossier.current_step_index == 2 and dossier.in_parallel_stage
    assert to_decide(people.land_leader) == []


def test_each_branch_reminder_names_its_own_branch(branched, people, mailoutbox):  # noqa: F811
    """On the due day both branches' officers are reminded; each e-mail's
    "current step" is the recipient's own branch."""
    people.other_officer.email = "justice.officer@onecenter.local"
    people.other_officer.save()
    for reminder in scan.record_due_reminders(at("2026-12-15 07:00")).pending:
        delivery.deliver(reminder)
    mails = {m.to[0]: m.body for m in mailoutbox}
    assert "Ý kiến của cơ quan tư pháp" in mails["justice.officer@onecenter.local"]
    assert "Thẩm định hồ sơ đất đai" not in mails["justice.officer@onecenter.local"]
    assert "Thẩm định hồ sơ đất đai" in mails["land.officer@onecenter.local"]


def test_the_register_reads_no_branch(branched, people):  # noqa: F811
    """Form 07 names the deciding agency and the desk's transfer: a stage of
    branches changes none of its columns."""
    rows = list(
        register_rows(
            received_register(people.clerk, date(2026, 12, 1), date(2026, 12, 1)),
            now=LATE,
        )
    )
    [row] = [r for r in rows if r.code == branched.code]
    assert row.deciding_agency == names(LAND_OFFICE)[0]
    assert row.transferred_at == TRANSFERRED
    assert row.timeliness == deadlines.LATE


# --- 2. the applicant's timeline: one sentence per real hand-off ------------------


def timeline_texts(dossier: Dossier) -> list[str]:
    logs = list(dossier.transitions.all())
    return [event.text for event in applicant_timeline(logs, route_shape(dossier))]


def test_the_timeline_tells_the_fork_and_the_join_once(branched, people):  # noqa: F811
    """The fork names the two agencies working at once; the branches finishing
    say nothing; the join is one sentence naming them and the next agency;
    "passed to the next agency" never repeats per branch."""
    dossier = land_first_then_justice(branched, people)
    texts = timeline_texts(dossier)
    land, justice = names(LAND_OFFICE, JUSTICE)
    fork = gettext(
        "The dossier was passed to several agencies that work on it at "
        "the same time: %(agencies)s (inter-agency one-stop)."
    ) % {"agencies": f"{land}, {justice}"}
    join = gettext(
        "The agencies working on the dossier at the same time "
        "(%(agencies)s) have all done their part; it went on to "
        "%(next)s."
    ) % {"agencies": f"{land}, {justice}", "next": land}
    assert texts == [
        applicant_event("receive_at_counter"),
        applicant_event("transfer"),
        applicant_event("forward"),
        fork,
        join,
    ]
    assert applicant_event("transfer_to_agency") not in texts
    # The log keeps every row: two branch hand-offs and the join.
    assert [log.transition for log in dossier.transitions.all()][-3:] == [
        "forward",
        "transfer_to_agency",
        "join_branches",
    ]


def test_the_timeline_while_one_branch_is_open(branched, people):  # noqa: F811
    """One branch done: the applicant has read the fork, nothing more yet."""
    services.dossier_transfer_to_agency(
        dossier=branched, actor=people.other_officer, at=JUSTICE_DONE
    )
    texts = timeline_texts(fresh(branched))
    fork = gettext(
        "The dossier was passed to several agencies that work on it at "
        "the same time: %(agencies)s (inter-agency one-stop)."
    ) % {"agencies": ", ".join(names(LAND_OFFICE, JUSTICE))}
    assert texts[-1] == fork
    assert len(texts) == 4


def test_the_citizens_page_and_api_tell_the_hand_offs_once(branched, people, client):  # noqa: F811
    """The citizen's dossier page and the API's timeline show the fork and the
    join once each, and no per-branch sentence."""
    dossier = land_first_then_justice(branched, people)
    client.force_login(people.citizen)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    passed = applicant_event("transfer_to_agency")
    assert passed not in page
    assert page.count(names(JUSTICE)[0]) == 2  # the fork and the join
    events = client.get(reverse("api:my_timeline", args=[dossier.pk])).json()
    assert [e["action"] for e in events][-2:] == ["transfer_to_agency", "join_branches"]
    assert passed not in [e["text"] for e in events]


# --- 3. each branch's hand-off is its own record -----------------------------------


def test_a_branch_done_first_records_its_own_hand_off(branched, people):  # noqa: F811
    """The justice branch finishes first, by a transfer: its hand-off to the
    land office is recorded then, from its own agency, with its log row and the
    receiving share's due date; the land branch's forward joins and adds none."""
    services.dossier_transfer_to_agency(
        dossier=branched, actor=people.other_officer, note="Đồng ý", at=JUSTICE_DONE
    )
    row = AgencyTransfer.objects.get(dossier=branched, to_position=4)
    assert (row.from_agency.code, row.to_agency.code) == (JUSTICE, LAND_OFFICE)
    assert (row.from_position, row.sent_at, row.due_at) == (3, JUSTICE_DONE, DUES[4])
    assert (row.note, row.sent_by) == ("Đồng ý", people.other_officer)
    assert row.log.transition == "transfer_to_agency"
    assert row.log.step_due_at == DUES[3]  # the branch's own due date
    services.dossier_forward(
        dossier=fresh(branched), actor=people.land_officer, at=LAND_DONE
    )
    rows = AgencyTransfer.objects.filter(dossier=branched).order_by("sent_at", "id")
    assert [(r.from_agency.code, r.to_position, r.sent_at) for r in rows] == [
        ("000.21.31.H99", 2, FORKED),
        ("000.21.31.H99", 3, FORKED),
        (JUSTICE, 4, JUSTICE_DONE),
    ]


def test_the_join_by_transfer_records_the_last_branch_only_once(branched, people):  # noqa: F811
    """The land branch is done first (inside its agency: no hand-off); the
    justice branch's transfer is the join: one row, at its time; Form 06 keeps
    its lines (each branch to the join, then the join)."""
    dossier = land_first_then_justice(branched, people)
    rows = AgencyTransfer.objects.filter(dossier=dossier, to_position=4)
    assert [(r.from_agency.code, r.sent_at) for r in rows] == [(JUSTICE, LAND_DONE)]
    sheet = control_sheet(
        Dossier.objects.select_related("receiving_desk", "deciding_agency").get(
            pk=dossier.pk
        ),
        list(dossier.transitions.select_related("actor")),
        control_sheet_steps(dossier),
    )
    join = gettext("Join of the parallel branches")
    assert [line.receiver.unit == join for line in sheet.lines[3:5]] == [True, True]
    assert sheet.lines[5].giver.unit == join
    assert TransitionLog.objects.filter(dossier=dossier).count() == 7


# --- 4. a group's child: its route shared within its share ------------------------


@pytest.mark.parametrize(
    ("days", "stages", "available", "minimum", "expected"),
    [
        # Fits already: unchanged.
        (["2", "1"], None, "3", "0.125", ["2", "1"]),
        # Nothing available (due before the route's start): unchanged, the
        # due date caps every step.
        (["2", "1"], None, "0", "0.125", ["2", "1"]),
        # Seven days in one: in proportion.
        (["5.6", "1.4"], None, "1", "0.125", ["0.8", "0.2"]),
        # A signature of half a day would get 1/15: raised to the minimum, the
        # rest shared by the others.
        (["7", "0.5"], None, "1", "0.25", ["0.75", "0.25"]),
        # A step shorter than the minimum keeps its own length.
        (["3", "0.1"], None, "1", "0.25", ["0.9", "0.1"]),
        # Not even the minimums fit: shared in proportion to them.
        (["1", "1", "1"], None, "0.25", "0.125", ["0.083333"] * 3),
        # A parallel stage counts its longest branch; a branch keeps its
        # proportion of the stage.
        (
            ["2", "3", "2", "2"],
            [0, 1, 1, 3],
            "2",
            "0.125",
            ["0.571429", "0.857143", "0.571429", "0.571429"],
        ),
    ],
)
def test_fit_route_days(days, stages, available, minimum, expected):
    """The route's days fitted into the time available (table)."""
    fitted = deadlines.fit_route_days(
        [Decimal(d) for d in days], stages, Decimal(available), Decimal(minimum)
    )
    assert [f"{value:.6f}" for value in fitted] == [
        f"{Decimal(value):.6f}" for value in expected
    ]


@pytest.mark.parametrize("stages", [None, [0, 1, 1, 3]])
def test_a_fitted_route_ends_at_the_due_date_and_never_after(stages):
    """A seven-day route (a branch stage included) in a one-day share: every
    step due after its start and by the due date, the last exactly at it."""
    calendar = build_calendar((2026, 2027))
    received = at("2026-12-03 14:00")
    processing = deadlines.ProcessingTime(7, deadlines.WORKING_DAYS)
    due = at("2026-12-04 17:00")
    days = [Decimal("2"), Decimal("3"), Decimal("2"), Decimal("2")]
    dues = deadlines.route_step_dues(
        received,
        processing,
        days,
        calendar,
        transferred_at=received,
        due=due,
        stages=stages,
    )
    assert all(received < moment <= due for moment in dues)
    assert dues[-1] == due
    assert len(set(dues)) == 4


def test_a_group_childs_route_is_shared_within_its_share(group):  # noqa: F811
    """The residence registration's clock starts Thu 3 Dec 14:00 when the birth
    extract arrives; its one-day share ends Fri 4 Dec 17:00 (the appointment).
    Its route (5.6 + 1.4 days) is fitted into that day from Thu 17:00: the
    review 0.8 day (Fri 15:24), the signature 0.2 (Fri 17:00), not both capped
    at the due date."""
    filing = file_group(group)
    birth, residence, _card = children_of(filing)
    decide(birth, at_time=at("2026-12-03 14:00"))
    residence = fresh(residence)
    assert residence.current_due_at == at("2026-12-04 17:00")
    assert [step["working_days"] for step in residence.route] == ["5.60", "1.40"]
    services.dossier_transfer(
        dossier=residence, actor=demo_user("clerk"), at=at("2026-12-03 15:00")
    )
    dues = list(
        DossierStep.objects.filter(dossier=residence)
        .order_by("position")
        .values_list("due_at", flat=True)
    )
    assert dues == [at("2026-12-04 15:24"), at("2026-12-04 17:00")]


# --- 5. the demo's parallel route ----------------------------------------------


def test_the_demo_construction_permit_has_a_parallel_stage(demo, client):
    """1.013225: the ward's department and the ward police's fire-safety
    opinion at once, within its seven days; the demo dossier sits at that
    stage, each branch held, and each branch's officer finds it in their list."""
    procedure = Procedure.objects.get(code="1.013225")
    steps = list(procedure.route_steps.order_by("position"))
    assert [s.parallel_with_previous for s in steps] == [False, False, True, False]
    assert steps[2].agency.code == "000.21.33.H99"
    assert procedure.route_error([s.working_days for s in steps]) is not None
    assert (
        procedure.route_error(
            [s.working_days for s in steps], [s.parallel_with_previous for s in steps]
        )
        is None
    )
    dossier = Dossier.objects.get(
        procedure=procedure, state=State.PROCESSING, current_step_index=1
    )
    assert dossier.crosses_agencies and dossier.in_parallel_stage
    branches = dossier.open_steps
    assert [s.handled_by.username for s in branches] == [
        "works_officer",
        "fire_officer",
    ]
    for username in ("works_officer", "fire_officer", "leader", "manager"):
        client.force_login(demo_user(username))
        listing = client.get(reverse("workspace:dossier_list")).content.decode()
        assert dossier.code in listing, username
    page = client.get(f"/staff/dossiers/{dossier.pk}/").content.decode()
    for step in branches:
        assert step.handled_by.full_name in page
    assert "Công an phường Đông Sơn" in page
