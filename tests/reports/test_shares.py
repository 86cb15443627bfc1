"""Inter-agency work per agency (docs/indicators.md, "Inter-agency work"): each
agency's shares of inter-agency routes, on time or late by the rule Form 06
classes a hand-off with; group children counted for their competent agency and
the group file once for the receiving desk; the statistics page's table and
files in constant queries."""

import csv
import io
from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from dossiers import services
from dossiers.control_sheet import control_sheet
from dossiers.models import Dossier
from dossiers.selectors import control_sheet_steps
from procedure_groups.models import GroupFiling
from procedures.models import Agency
from reports.indicators import Period, Scope, indicators, indicators_by
from reports.shares import StepRow, finished_shares, work_by_agency, work_rows
from tests.factories import demo_user, received_mandatory
from tests.interagency.conftest import (  # noqa: F401 (fixtures)
    centre,
    people,
    procedure,
    received,
    transferred,
)
from tests.interagency.scenario import LAND_OFFICE, TZ, WARD, at, fresh
from tests.interagency.test_groups import (  # noqa: F401 (fixture)
    file_group,
    group,
    staff,
)

DECEMBER = Period.month(2026, 12)
URL = "/staff/statistics/"


# --- the rule, on route steps (a table) -------------------------------------------


def route(*steps: tuple) -> list[StepRow]:
    """Steps of dossier 1: (stage, agency, finished, due) with "dd HH:MM" in
    December 2026."""

    def moment(text: str | None) -> datetime | None:
        return at(f"2026-12-{text}") if text else None

    return [
        StepRow(1, stage, agency, moment(finished), moment(due))
        for stage, agency, finished, due in steps
    ]


A, B, C = 1, 2, 3


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        # A sequential route A, A, B, B: a share each, classed at its last step.
        (
            route(
                (0, A, "02 09:00", "03 17:00"),
                (1, A, "04 10:00", "04 17:00"),
                (2, B, "10 09:00", "11 17:00"),
                (3, B, "16 09:00", "15 17:00"),
            ),
            [(A, "on_time"), (B, "late")],
        ),
        # The first step late but the share's last on time: the share is on time.
        (
            route((0, A, "04 09:00", "03 17:00"), (1, A, "04 10:00", "04 17:00")),
            [(A, "on_time")],
        ),
        # A share not finished yet counts nothing.
        (
            route((0, A, "03 09:00", "04 17:00"), (1, B, None, "11 17:00")),
            [(A, "early")],
        ),
        # The route comes back to A: a second share of A.
        (
            route(
                (0, A, "02 09:00", "03 17:00"),
                (1, B, "08 09:00", "07 17:00"),
                (2, A, "09 09:00", "10 17:00"),
            ),
            [(A, "early"), (B, "late"), (A, "early")],
        ),
        # Parallel branches of B and C (stage 1) after A, joined at A: each
        # branch a share of its own, even beside a step of the same agency.
        (
            route(
                (0, A, "02 09:00", "03 17:00"),
                (1, B, "07 16:00", "07 17:00"),
                (1, C, "09 09:00", "08 17:00"),
                (3, C, "10 09:00", "11 17:00"),
            ),
            [(A, "early"), (B, "on_time"), (C, "late"), (C, "early")],
        ),
        # Finished before the period (30 Nov) or after it (1 Jan): not counted.
        (
            [
                StepRow(1, 0, A, at("2026-11-30 09:00"), at("2026-11-30 17:00")),
                StepRow(1, 1, B, at("2027-01-01 09:00"), at("2027-01-04 17:00")),
            ],
            [],
        ),
    ],
)
def test_each_share_counts_once_for_its_agency(steps, expected):
    assert list(finished_shares(steps, DECEMBER.start, DECEMBER.end)) == expected


# --- the inter-agency route of the demo (ward → land office) ----------------------


def walk(dossier: Dossier, people, *, handed_off: str, decided: str) -> Dossier:  # noqa: F811
    """The ward's officer and leader, the transfer, the land office's officer
    and leader approving."""
    services.dossier_forward(
        dossier=dossier, actor=people.officer, at=at("2026-12-03 09:00")
    )
    services.dossier_transfer_to_agency(
        dossier=fresh(dossier), actor=people.leader, at=at(handed_off)
    )
    services.dossier_forward(
        dossier=fresh(dossier), actor=people.land_officer, at=at("2026-12-09 09:00")
    )
    services.dossier_approve(
        dossier=fresh(dossier), actor=people.land_leader, at=at(decided)
    )
    return fresh(dossier)


def agency(code: str) -> int:
    return Agency.objects.get(code=code).pk


@pytest.mark.django_db
def test_the_ward_and_the_land_office_each_count_their_share(transferred, people):  # noqa: F811
    """Handed off on the ward's due day (on time, as Form 06 classes that
    hand-off) and approved after the land office's due date (late): one share
    each, for the agency that worked it; the deciding agency's figures still
    count the dossier once."""
    dossier = walk(
        transferred, people, handed_off="2026-12-04 10:00", decided="2026-12-16 09:00"
    )
    found = work_by_agency(DECEMBER, Scope())
    ward, land = found[agency(WARD)], found[agency(LAND_OFFICE)]
    assert (ward.shares, ward.on_time, ward.late) == (1, 1, 0)
    assert (land.shares, land.late, land.on_time_rate) == (1, 1, 0)
    assert ward.on_time_rate == 1

    # The one rule: Form 06's line of the transfer is classed the same.
    dossier = Dossier.objects.select_related(
        "receiving_desk", "deciding_agency", "assignee"
    ).get(pk=dossier.pk)
    sheet = control_sheet(
        dossier,
        list(dossier.transitions.select_related("actor")),
        control_sheet_steps(dossier),
    )
    [handoff] = [
        line
        for line in sheet.lines
        if line.timeliness and line.step_due_at == at("2026-12-04 17:00")
    ]
    assert "VP Đăng ký đất đai" in handoff.receiver.unit
    assert handoff.timeliness == "on_time"

    # A leader's scope (their agency) counts their agency's share only.
    assert set(work_by_agency(DECEMBER, Scope(frozenset({agency(WARD)})))) == {
        agency(WARD)
    }
    # November has none; another procedure's filter none.
    assert work_by_agency(Period.month(2026, 11), Scope()) == {}
    assert work_by_agency(DECEMBER, Scope(procedure=-1)) == {}


@pytest.mark.django_db
def test_a_return_counts_the_final_finish_of_the_sending_share(transferred, people):  # noqa: F811
    """The land office returns the dossier; the ward transfers it again late:
    the ward's share is counted once, at its final finish, late."""
    services.dossier_forward(
        dossier=transferred, actor=people.officer, at=at("2026-12-03 09:00")
    )
    services.dossier_transfer_to_agency(
        dossier=fresh(transferred), actor=people.leader, at=at("2026-12-04 10:00")
    )
    services.dossier_return_to_agency(
        dossier=fresh(transferred),
        actor=people.land_officer,
        reasons="Thiếu biên bản",
        at=at("2026-12-07 09:00"),
    )
    services.dossier_transfer_to_agency(
        dossier=fresh(transferred), actor=people.leader, at=at("2026-12-08 09:00")
    )
    found = work_by_agency(DECEMBER, Scope())
    ward = found[agency(WARD)]
    assert (ward.shares, ward.late) == (1, 1)
    assert agency(LAND_OFFICE) not in found  # its share is not finished


@pytest.mark.django_db
def test_a_single_agency_route_has_no_share(people, procedure):  # noqa: F811
    """Only dossiers whose route crosses agencies count shares: the same steps
    on a dossier that does not cross agencies count none."""
    dossier = services.dossier_receive_at_counter(
        clerk=people.clerk,
        at=at("2026-12-01 10:00"),
        procedure=procedure,
        details=services.ApplicantDetails(name="Trần Thị Bích", phone="0912345000"),
        received=received_mandatory(procedure),
    )
    services.dossier_transfer(dossier=dossier, actor=people.clerk)
    walk(fresh(dossier), people, handed_off="2026-12-04 10:00", decided="2026-12-14")
    assert work_by_agency(DECEMBER, Scope())
    Dossier.objects.filter(pk=dossier.pk).update(crosses_agencies=False)
    assert work_by_agency(DECEMBER, Scope()) == {}


# --- groups: children per competent agency, the parent once for the desk ----------


@pytest.mark.django_db
def test_a_group_counts_its_children_per_agency_and_its_file_once(
    group,  # noqa: F811
    settings,
):
    """The birth group filed once at the ward centre: three dossiers received,
    each for its competent agency; the group file is not a fourth dossier in
    received or resolved, but one group file for the receiving desk."""
    settings.REPORTS_LIVE_MAX_AGE_SECONDS = 0
    filing = file_group(group)
    children = [fresh(child.dossier) for child in filing.children.all()]
    values = indicators(DECEMBER, Scope())
    assert values.received == 3
    by_agency = indicators_by(DECEMBER, Scope(), "agency")
    assert {key: v.received for key, v in by_agency.items()} == {
        child.deciding_agency_id: 1 for child in children
    }
    assert len(by_agency) == 3

    work = work_by_agency(DECEMBER, Scope())
    assert {desk: w.group_files for desk, w in work.items()} == {
        filing.receiving_desk_id: 1
    }
    assert all(w.shares == 0 for w in work.values())
    # The desk's own scope counts it; another agency's does not.
    assert work_by_agency(DECEMBER, Scope(frozenset({filing.receiving_desk_id})))
    other = next(
        c.deciding_agency_id
        for c in children
        if c.deciding_agency_id != filing.receiving_desk_id
    )
    assert work_by_agency(DECEMBER, Scope(frozenset({other}), desk_too=False)) == {}
    # A filter on one member's procedure keeps the file (a child matches it);
    # a channel it was not filed by drops it.
    assert work_by_agency(DECEMBER, Scope(procedure=children[0].procedure_id))
    assert work_by_agency(DECEMBER, Scope(channel="online")) == {}
    assert GroupFiling.objects.count() == 1

    # Resolved: the three children handed back, still three, not four.
    handlers = {
        0: (demo_user("officer"), demo_user("leader")),
        1: (
            staff("000.21.33.H99", "cu-tru", Role.OFFICER, "police_officer"),
            staff("000.21.33.H99", "cu-tru", Role.LEADER, "police_leader"),
        ),
        2: (
            staff("000.00.40.H99", "thu-so-the", Role.OFFICER, "bhxh_officer"),
            staff("000.00.40.H99", "lanh-dao", Role.LEADER, "bhxh_leader"),
        ),
    }
    for i, child in enumerate(children):
        officer, leader = handlers[i]
        services.dossier_transfer(dossier=fresh(child), actor=demo_user("clerk"))
        services.dossier_forward(dossier=fresh(child), actor=officer)
        services.dossier_approve(dossier=fresh(child), actor=leader)
    for child in children:
        services.dossier_return_result(
            dossier=fresh(child),
            actor=demo_user("clerk"),
            channel="counter",
            collected_by="Nguyễn Thị Hoa",
            id_checked=True,
        )
    resolved = indicators(Period(date(2026, 11, 1), date(2027, 12, 31)), Scope())
    assert resolved.resolved == resolved.decided == 3


# --- the statistics page -------------------------------------------------------------


def receive_and_walk(people, procedure, name: str) -> Dossier:  # noqa: F811
    dossier = services.dossier_receive_at_counter(
        clerk=people.clerk,
        at=at("2026-12-01 10:00"),
        procedure=procedure,
        details=services.ApplicantDetails(name=name, phone="0912345001"),
        received=received_mandatory(procedure),
    )
    services.dossier_transfer(
        dossier=dossier, actor=people.clerk, at=at("2026-12-01 10:30")
    )
    return walk(
        fresh(dossier), people, handed_off="2026-12-04 10:00", decided="2026-12-16"
    )


@pytest.mark.django_db
def test_the_statistics_page_shows_the_shares_in_constant_queries(
    client,
    people,  # noqa: F811
    procedure,  # noqa: F811
    settings,
):
    """The manager's page has the table of inter-agency work, with its CSV and
    XLSX files; its queries do not grow with the inter-agency dossiers."""
    from openpyxl import load_workbook

    settings.REPORTS_LIVE_MAX_AGE_SECONDS = 0
    later = datetime(2026, 12, 20, 9, 0, tzinfo=TZ)
    with time_machine.travel(later, tick=False):
        client.force_login(people.manager)
    query = {"kind": "month", "year": 2026, "month": 12}

    def page() -> tuple[int, str]:
        with (
            time_machine.travel(later, tick=False),
            CaptureQueriesContext(connection) as captured,
        ):
            response = client.get(URL, query)
        assert response.status_code == 200
        return len(captured), response.content.decode()

    receive_and_walk(people, procedure, "Nguyễn Văn Một")
    page()  # warms the per-process caches (agency tree, inbox count)
    one, body = page()
    assert 'id="table-shares"' in body
    rows = {row.code: row.values for row in work_rows(DECEMBER, Scope())}
    assert (rows[WARD].shares, rows[LAND_OFFICE].late) == (1, 1)
    for name in ("Nguyễn Văn Hai", "Nguyễn Văn Ba"):
        receive_and_walk(people, procedure, name)
    three, body = page()
    assert three == one
    assert work_rows(DECEMBER, Scope())[0].values.shares == 3

    with time_machine.travel(later, tick=False):
        response = client.get(URL, {**query, "export": "shares", "format": "csv"})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        lines = list(csv.reader(io.StringIO(text)))
        assert [line[0] for line in lines[1:]] == sorted(
            [WARD, LAND_OFFICE], key=lambda code: str(Agency.objects.get(code=code))
        )
        ward_line = next(line for line in lines if line[0] == WARD)
        assert ward_line[2:5] == ["3", "0", "3"]  # shares, early, on time
        response = client.get(URL, {**query, "export": "shares", "format": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row == 3
        assert [cell.value for cell in sheet[1]][2] == lines[0][2]
