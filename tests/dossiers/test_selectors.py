"""Who sees which dossiers: ``dossiers_visible_to`` for every role."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from dossiers import services
from dossiers.models import Channel, Dossier, DossierStep, Outcome, State, Timeliness
from dossiers.selectors import dossiers_visible_to
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

MARRIAGE_STATUS = "1.004873"  # ward desk; decided by the ward people's committee
RESIDENCE = "1.004222"  # ward desk; decided by the ward police
BUSINESS = "2.001610"  # province desk; decided by the provincial finance department
WHEN = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)


@pytest.fixture
def centre(db, settings) -> None:
    """The demo centre and three procedures: calendar, agencies, accounts."""
    seed_calendar()
    seed_agencies()
    accounts = seed_accounts(DEMO_PASSWORD)
    catalogue = demo_catalogue_document()
    catalogue["procedures"] = [
        p
        for p in catalogue["procedures"]
        if p["code"] in {MARRIAGE_STATUS, RESIDENCE, BUSINESS}
    ]
    import_catalogue(
        catalogue, actor=next(u for u in accounts if u.username == "admin")
    )


def department(agency_code: str, code: str) -> Department:
    return Department.objects.get(agency__code=agency_code, code=code)


def make(
    code: str,
    state: str,
    applicant: Any = None,
    *,
    started: int | None = None,
    departments: list[Department] | None = None,
) -> Dossier:
    """A dossier in ``state``; with ``started``, steps 0..started have begun."""
    procedure = Procedure.objects.get(code=code)
    dossier = Dossier.objects.create(
        applicant=applicant,
        applicant_name="Nguyễn Văn An",
        procedure=procedure,
        procedure_snapshot=services.snapshot_procedure(procedure),
        channel=Channel.ONLINE if applicant else Channel.COUNTER,
        receiving_desk=procedure.receiving_agency,
        deciding_agency=procedure.deciding_agency,
    )
    fields: dict[str, Any] = {"state": state}
    if state not in {State.DRAFT, State.SUBMITTED}:
        fields.update(
            code=f"X-{dossier.pk}", received_at=WHEN, due_at=WHEN, current_due_at=WHEN
        )
    if state in {State.RESULT_READY, State.RETURNED}:
        fields.update(outcome=Outcome.APPROVED)
    if state == State.RETURNED:
        fields.update(returned_at=WHEN, timeliness=Timeliness.EARLY)
    if started is not None:
        fields["current_step_index"] = started
        for position, step in enumerate(dossier.route):
            DossierStep.objects.create(
                dossier=dossier,
                position=position,
                name=step["name"],
                role=step["role"],
                department=(
                    departments[position]
                    if departments
                    else Department.objects.get(pk=step["department_id"])
                ),
                working_days=step["working_days"],
                due_at=WHEN,
                started_at=WHEN if position <= started else None,
                finished_at=WHEN if position < started else None,
            )
    Dossier.objects.filter(pk=dossier.pk).update(**fields)
    return Dossier.objects.get(pk=dossier.pk)


@pytest.fixture
def world(centre) -> dict[str, Any]:
    """Dossiers of two applicants and a walk-in, at two desks and three agencies."""
    citizen = demo_user("citizen")
    neighbour = UserFactory(username="neighbour", role=Role.APPLICANT)
    ward = WARD_PEOPLES_COMMITTEE
    d = {
        "citizen draft": make(MARRIAGE_STATUS, State.DRAFT, citizen),
        "citizen submitted": make(MARRIAGE_STATUS, State.SUBMITTED, citizen),
        "citizen in review": make(
            MARRIAGE_STATUS, State.PROCESSING, citizen, started=0
        ),
        "citizen returned": make(MARRIAGE_STATUS, State.RETURNED, citizen, started=1),
        "neighbour received": make(MARRIAGE_STATUS, State.RECEIVED, neighbour),
        "neighbour at signature": make(
            MARRIAGE_STATUS, State.PROCESSING, neighbour, started=1
        ),
        "neighbour residence": make(RESIDENCE, State.PROCESSING, neighbour, started=0),
        # The officer's department holds the second step, not yet begun.
        "neighbour before review": make(
            MARRIAGE_STATUS,
            State.PROCESSING,
            neighbour,
            started=0,
            departments=[
                department(ward, "kinh-te-ha-tang"),
                department(ward, "tu-phap-ho-tich"),
            ],
        ),
        "walk-in awaiting": make(MARRIAGE_STATUS, State.AWAITING_SUPPLEMENT, started=0),
        "province business": make(BUSINESS, State.PROCESSING, neighbour, started=0),
        "province draft": make(BUSINESS, State.DRAFT, neighbour),
    }
    return d


def visible(user: Any, world: dict[str, Any]) -> set[str]:
    pks = set(dossiers_visible_to(user).values_list("pk", flat=True))
    return {name for name, dossier in world.items() if dossier.pk in pks}


def drafts(world: dict[str, Any]) -> set[str]:
    return {name for name, d in world.items() if d.state == State.DRAFT}


def test_an_applicant_sees_only_their_own_dossiers(world) -> None:
    """A citizen sees their own dossiers, drafts included, and no one else's."""
    assert visible(demo_user("citizen"), world) == {
        "citizen draft",
        "citizen submitted",
        "citizen in review",
        "citizen returned",
    }
    assert visible(UserFactory(username="stranger"), world) == set()


def test_a_clerk_sees_the_dossiers_of_their_desk(world) -> None:
    """The ward desk's clerk sees every dossier filed at the ward desk, whoever
    decides it, and nothing filed at the province desk."""
    assert visible(demo_user("clerk"), world) - drafts(world) == {
        "citizen submitted",
        "citizen in review",
        "citizen returned",
        "neighbour received",
        "neighbour at signature",
        "neighbour residence",
        "neighbour before review",
        "walk-in awaiting",
    }
    province_desk = Agency.objects.get(code=PROVINCE_CENTRE)
    province_clerk = UserFactory(
        username="province-clerk", role=Role.CLERK, agency=province_desk
    )
    assert visible(province_clerk, world) - drafts(world) == {"province business"}


def test_an_officer_sees_only_dossiers_whose_step_reached_their_department(
    world,
) -> None:
    """An officer sees a dossier once a step of their department has started (and
    after it finished), not before, and not other departments' dossiers."""
    assert visible(demo_user("officer"), world) == {
        "citizen in review",
        "citizen returned",
        "neighbour at signature",
        "walk-in awaiting",
    }
    building = UserFactory(
        username="building-officer",
        role=Role.OFFICER,
        agency=Agency.objects.get(code=WARD_PEOPLES_COMMITTEE),
        department=department(WARD_PEOPLES_COMMITTEE, "kinh-te-ha-tang"),
    )
    assert visible(building, world) == {"neighbour before review"}


def test_a_leader_sees_what_their_agency_decides(world) -> None:
    """The ward leader sees the dossiers the ward people's committee decides, not
    the ward police's nor the province's."""
    assert visible(demo_user("leader"), world) - drafts(world) == {
        "citizen submitted",
        "citizen in review",
        "citizen returned",
        "neighbour received",
        "neighbour at signature",
        "neighbour before review",
        "walk-in awaiting",
    }


def test_the_province_manager_sees_every_dossier_but_drafts(world) -> None:
    """The demo manager sits at the province's top agency: every filed dossier of
    the province is in view, no draft is."""
    assert visible(demo_user("manager"), world) == set(world) - drafts(world)
    assert set(dossiers_visible_to(demo_user("manager"))) == set(
        Dossier.objects.exclude(state=State.DRAFT)
    )


def test_a_manager_below_the_top_sees_their_agency_subtree(world) -> None:
    """A manager of the ward people's committee sees what is received or decided
    in the ward (its centre and police are below it), not the province's."""
    ward_manager = UserFactory(
        username="ward-manager",
        role=Role.MANAGER,
        agency=Agency.objects.get(code=WARD_PEOPLES_COMMITTEE),
    )
    assert visible(ward_manager, world) == set(world) - drafts(world) - {
        "province business"
    }


@pytest.mark.parametrize("who", ["admin", "anonymous"])
def test_the_catalogue_administrator_and_anonymous_see_no_dossier(world, who) -> None:
    """Dossiers are not the catalogue administrator's to read, even as a
    superuser, and an anonymous visitor sees none."""
    user = AnonymousUser() if who == "anonymous" else demo_user("admin")
    assert not dossiers_visible_to(user).exists()


@pytest.mark.parametrize("who", ["clerk", "leader"])
def test_a_draft_is_the_applicants_alone_until_submitted(world, who) -> None:
    """Before submission, no staff member sees a citizen's draft."""
    assert "citizen draft" not in visible(demo_user(who), world)
