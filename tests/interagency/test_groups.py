"""Groups of linked procedures filed once: the group's rules, filing the demo group
at the counter (one parent file, a child per procedure at its competent agency),
and the parent's status from its children (docs/interagency.md)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from dossiers import services
from dossiers.models import Dossier, State
from dossiers.selectors import dossiers_visible_to
from portal.demo import DEMO_PASSWORD, seed_accounts, seed_agencies
from procedure_groups import rules
from procedure_groups.demo import BIRTH_GROUP, seed_groups
from procedure_groups.models import GroupFiling, GroupMember, ProcedureGroup
from procedure_groups.services import (
    combined_papers,
    filing_status,
    group_members,
    group_receive_at_counter,
)
from procedures.catalogue_io import import_catalogue
from procedures.demo import demo_catalogue_document
from procedures.models import Agency, Department, Procedure, RequiredPaper
from tests.factories import UserFactory, demo_user
from workcalendar.demo import seed_calendar

from .scenario import at

BIRTH, RESIDENCE, INSURANCE = "1.001193", "1.004222", "1.014137"
RECEIVED = at("2026-12-01 09:00")


@pytest.mark.parametrize(
    ("edges", "cycle"),
    [
        ({}, None),
        ({"a": [], "b": ["a"], "c": ["b", "a"]}, None),
        ({"a": ["a"]}, ["a", "a"]),
        ({"a": ["c"], "b": ["a"], "c": ["b"]}, ["a", "c", "b", "a"]),
        ({"x": [], "a": ["b"], "b": ["a"]}, ["a", "b", "a"]),
    ],
)
def test_dependency_cycle(edges, cycle):
    """A cycle is found and named along its members; a chain has none."""
    assert rules.dependency_cycle(edges) == cycle


def test_longest_chain_adds_the_days_of_dependent_members():
    days = {"birth": Decimal(1), "residence": Decimal(2), "card": Decimal("0.5")}
    edges = {"birth": [], "residence": ["birth"], "card": ["birth"]}
    assert rules.longest_chain_days(days, edges) == Decimal(3)


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        (["processing", "received", "received"], rules.IN_PROGRESS),
        (
            ["processing", "awaiting_supplement", "received"],
            rules.WAITING_FOR_APPLICANT,
        ),
        (["result_ready", "returned", "result_ready"], rules.RESULTS_READY),
        (["returned", "returned", "returned"], rules.COMPLETED),
        (["returned", "stopped", "processing"], rules.ENDED),
    ],
)
def test_parent_status_summarises_the_children(states, expected):
    assert rules.parent_status([rules.ChildState(s) for s in states]) == expected


def test_a_result_the_group_does_not_require_does_not_hold_it_back():
    children = [
        rules.ChildState("returned"),
        rules.ChildState("processing", required=False),
    ]
    assert rules.parent_status(children) == rules.COMPLETED


def test_group_route_errors_name_cycles_and_chains_too_long():
    group = ProcedureGroup(code="g", name="G", processing_time_days=3)
    assert group.route_errors([("a", Decimal(1), []), ("b", Decimal(2), ["a"])]) == []
    [cycle] = group.route_errors([("a", Decimal(1), ["b"]), ("b", Decimal(1), ["a"])])
    assert "a → b → a" in cycle
    [too_long] = group.route_errors([("a", Decimal(2), []), ("b", Decimal(2), ["a"])])
    assert "4" in too_long and "3" in too_long
    assert group.route_errors([("a", Decimal(1), ["zz"])])


# --- the demo group, filed at the ward centre ----------------------------------------


@pytest.fixture
def group(db, settings, tmp_path) -> ProcedureGroup:
    settings.MEDIA_ROOT = tmp_path
    seed_calendar()
    seed_agencies()
    accounts = seed_accounts(DEMO_PASSWORD)
    catalogue = demo_catalogue_document()
    catalogue["procedures"] = [
        p for p in catalogue["procedures"] if p["code"] in {BIRTH, RESIDENCE, INSURANCE}
    ]
    import_catalogue(
        catalogue, actor=next(u for u in accounts if u.username == "admin")
    )
    return seed_groups()


def staff(agency_code: str, department_code: str, role: str, name: str):
    agency = Agency.objects.get(code=agency_code)
    return UserFactory(
        username=name,
        role=role,
        agency=agency,
        department=Department.objects.get(agency=agency, code=department_code),
    )


def complete_counts(group: ProcedureGroup) -> dict[int, tuple[int, int, int]]:
    lines = combined_papers(group_members(group))
    return {i: (1, 0, 0) for i, line in enumerate(lines) if line.mandatory}


def file_group(group: ProcedureGroup) -> GroupFiling:
    return group_receive_at_counter(
        clerk=demo_user("clerk"),
        group=group,
        details=services.ApplicantDetails(name="Nguyễn Thị Hoa", phone="0912000111"),
        applicant=demo_user("citizen"),
        received=complete_counts(group),
        shared_answers={"child_name": "Nguyễn Minh Khang"},
        at=RECEIVED,
    )


@pytest.mark.django_db
def test_the_demo_group_is_three_linked_procedures_in_three_days(group):
    members = group_members(group)
    assert group.code == BIRTH_GROUP and group.processing_time_days == 3
    assert [m.procedure.code for m in members] == [BIRTH, RESIDENCE, INSURANCE]
    assert [[d.procedure.code for d in m.depends_on.all()] for m in members] == [
        [],
        [BIRTH],
        [RESIDENCE],
    ]
    assert seed_groups().pk == group.pk  # seeding again changes nothing
    assert GroupMember.objects.filter(group=group).count() == 3


@pytest.mark.django_db
def test_a_paper_asked_by_two_procedures_is_handed_over_once(group):
    """Same name (accents and case aside): one line of the combined list."""
    birth_id_paper = Procedure.objects.get(code=BIRTH).papers.all()[2]
    RequiredPaper.objects.create(
        procedure=Procedure.objects.get(code=INSURANCE),
        position=9,
        name=birth_id_paper.name.upper(),
        mandatory=True,
    )
    lines = combined_papers(group_members(group))
    [shared] = [line for line in lines if len(line.uses) == 2]
    assert shared.name == birth_id_paper.name
    assert shared.mandatory


@pytest.mark.django_db
def test_filing_once_gives_one_code_one_appointment_and_a_child_per_agency(group):
    """One parent file (code, PIN, appointment 3 working days after receipt) and
    three received child dossiers at their competent agencies."""
    filing = file_group(group)
    assert filing.code.startswith("000.21.32.H99-261201-")
    assert len(filing.lookup_pin) == 6
    assert filing.due_at == at("2026-12-04 17:00")
    assert filing.answers == {"child_name": "Nguyễn Minh Khang"}
    children = list(filing.children.select_related("dossier__deciding_agency"))
    assert [c.dossier.procedure.code for c in children] == [BIRTH, RESIDENCE, INSURANCE]
    assert [c.dossier.deciding_agency.code for c in children] == [
        "000.21.31.H99",  # ward people's committee
        "000.21.33.H99",  # ward police
        "000.00.40.H99",  # provincial social insurance
    ]
    assert all(c.dossier.state == State.RECEIVED for c in children)
    assert len({filing.code, *(c.dossier.code for c in children)}) == 4
    assert all(c.dossier.applicant == demo_user("citizen") for c in children)
    assert filing.code in children[0].dossier.transitions.get().note


@pytest.mark.django_db
def test_a_group_without_a_mandatory_paper_is_refused_whole(group):
    counts = complete_counts(group)
    counts.pop(next(iter(counts)))
    with pytest.raises(ValidationError, match="còn thiếu"):
        group_receive_at_counter(
            clerk=demo_user("clerk"),
            group=group,
            details=services.ApplicantDetails(name="Nguyễn Thị Hoa"),
            received=counts,
        )
    assert GroupFiling.objects.count() == 0
    assert Dossier.objects.count() == 0


@pytest.mark.django_db
def test_only_the_groups_shared_fields_and_a_clerk_are_accepted(group):
    with pytest.raises(ValidationError):
        group_receive_at_counter(
            clerk=demo_user("clerk"),
            group=group,
            details=services.ApplicantDetails(name="A"),
            received=complete_counts(group),
            shared_answers={"salary": "1"},
        )
    with pytest.raises(ValidationError):
        group_receive_at_counter(
            clerk=demo_user("officer"),
            group=group,
            details=services.ApplicantDetails(name="A"),
            received=complete_counts(group),
        )
    assert GroupFiling.objects.count() == 0


def take_to_result(dossier: Dossier, officer, leader) -> None:
    services.dossier_transfer(dossier=dossier, actor=demo_user("clerk"))
    dossier = Dossier.objects.get(pk=dossier.pk)
    services.dossier_forward(dossier=dossier, actor=officer)
    services.dossier_approve(dossier=Dossier.objects.get(pk=dossier.pk), actor=leader)


@pytest.mark.django_db
def test_children_follow_their_own_lifecycles_to_the_completed_group(group):
    """A supplement for the residence child pauses only that child; the card waits
    for the residence result; each agency sees only its child; once every result is
    handed back the group is completed."""
    filing = file_group(group)
    birth, residence, card = (c.dossier for c in filing.children.all())
    police_officer = staff("000.21.33.H99", "cu-tru", Role.OFFICER, "police_officer")
    police_leader = staff("000.21.33.H99", "cu-tru", Role.LEADER, "police_leader")
    bhxh_officer = staff("000.00.40.H99", "thu-so-the", Role.OFFICER, "bhxh_officer")
    bhxh_leader = staff("000.00.40.H99", "lanh-dao", Role.LEADER, "bhxh_leader")

    # Results chained: the residence registration waits for the birth certificate.
    reason = services.refusal_reason(residence, "transfer", demo_user("clerk"))
    assert reason and "kết quả" in reason
    assert (
        residence.procedure_snapshot["group"].items()
        >= {
            "code": filing.code,
            "waits_for": [birth.pk],
        }.items()
    )
    take_to_result(birth, demo_user("officer"), demo_user("leader"))
    residence = Dossier.objects.get(pk=residence.pk)
    services.dossier_transfer(dossier=residence, actor=demo_user("clerk"))
    services.dossier_request_supplement(
        dossier=Dossier.objects.get(pk=residence.pk),
        actor=police_officer,
        items=[{"paper_index": 0, "guidance": "Ký tờ khai CT01"}],
        message="Đề nghị Ông/Bà ký tờ khai",
    )
    status, views = filing_status(filing)
    assert status == rules.WAITING_FOR_APPLICANT
    states = [v.child.dossier.state for v in views]
    assert states == [State.RESULT_READY, State.AWAITING_SUPPLEMENT, State.RECEIVED]
    assert views[2].waiting_for == ["Đăng ký thường trú"]

    # Each agency sees its own child only.
    assert set(dossiers_visible_to(police_officer)) == {residence}
    assert not dossiers_visible_to(bhxh_officer).filter(pk=card.pk).exists()
    assert set(dossiers_visible_to(demo_user("clerk"))) == {birth, residence, card}

    services.dossier_supplement(
        dossier=Dossier.objects.get(pk=residence.pk), actor=demo_user("citizen")
    )
    services.dossier_forward(
        dossier=Dossier.objects.get(pk=residence.pk), actor=police_officer
    )
    services.dossier_approve(
        dossier=Dossier.objects.get(pk=residence.pk), actor=police_leader
    )
    assert filing_status(filing)[1][2].waiting_for == []
    take_to_result(card, bhxh_officer, bhxh_leader)
    assert filing_status(filing)[0] == rules.RESULTS_READY

    for dossier in (birth, residence, card):
        services.dossier_return_result(
            dossier=Dossier.objects.get(pk=dossier.pk),
            actor=demo_user("clerk"),
            channel="counter",
            collected_by="Nguyễn Thị Hoa",
            id_checked=True,
        )
    assert filing_status(filing)[0] == rules.COMPLETED


# --- public tracking of the group file ------------------------------------------------


@pytest.mark.django_db
def test_the_group_is_tracked_with_its_one_code_and_pin(
    client, group, django_assert_max_num_queries
):
    """Code and PIN show the group's status, appointment and each procedure's
    status, with no personal data; the query count does not grow per child."""
    filing = file_group(group)
    url = reverse("procedure_groups:track")
    with django_assert_max_num_queries(12):
        page = client.post(url, {"code": filing.code, "pin": filing.lookup_pin})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Đang giải quyết" in html
    assert html.count('data-state="received"') == 3
    assert "Nguyễn Thị Hoa" not in html
    for child in filing.children.select_related("dossier"):
        assert child.dossier.code in html


@pytest.mark.django_db
def test_a_wrong_pin_shows_nothing(client, group):
    """A wrong PIN shows no status, only that nothing matches."""
    filing = file_group(group)
    url = reverse("procedure_groups:track")
    page = client.post(url, {"code": filing.code, "pin": "000000x"})
    assert page.status_code == 200
    assert filing.children.first().dossier.code not in page.content.decode()
    assert "Không tìm thấy hồ sơ" in page.content.decode()


@pytest.mark.django_db
def test_too_many_misses_block_the_group_lookup(client, group, settings):
    """Guesses share the dossiers' limit: past it the page answers 429."""
    settings.TRACKING_MAX_FAILURES = 2
    filing = file_group(group)
    url = reverse("procedure_groups:track")
    for _ in range(2):
        client.post(url, {"code": filing.code, "pin": "999999"})
    page = client.post(url, {"code": filing.code, "pin": filing.lookup_pin})
    assert page.status_code == 429
    assert page["Retry-After"]
    assert filing.children.first().dossier.code not in page.content.decode()


# --- Form 01 of a group file --------------------------------------------------------


@pytest.mark.django_db
def test_the_desk_prints_one_form_01_for_the_group(client, group):
    """The receiving desk's Form 01 lists every procedure with its child's code,
    the combined papers once each, and the one appointment date."""
    filing = file_group(group)
    url = reverse("procedure_groups:form_01", args=[filing.code])
    client.force_login(demo_user("clerk"))
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert filing.code in html and filing.lookup_pin in html
    for child in filing.children.select_related("dossier"):
        assert child.dossier.code in html
    assert html.count('<td class="n">1</td>') == len(filing.papers)
    assert "17 giờ 00 phút, ngày 04/12/2026" in html


@pytest.mark.django_db
def test_form_01_of_a_group_is_the_desks_only(client, group):
    """An officer (even of an agency with a child) gets a 404, a citizen a 403."""
    filing = file_group(group)
    url = reverse("procedure_groups:form_01", args=[filing.code])
    client.force_login(demo_user("officer"))
    assert client.get(url).status_code == 404
    client.force_login(demo_user("citizen"))
    assert client.get(url).status_code == 403
    client.force_login(demo_user("manager"))
    assert client.get(url).status_code == 200


# --- the desk's intake screen -------------------------------------------------------


def intake_data(group: ProcedureGroup, *, complete: bool = True) -> dict[str, str]:
    data = {
        "applicant_name": "Nguyễn Thị Hoa",
        "applicant_id_number": "036195004321",
        "applicant_phone": "0912000111",
        "shared-child_name": "Nguyễn Minh Khang",
    }
    lines = combined_papers(group_members(group))
    for i, line in enumerate(lines):
        if line.mandatory and (complete or i > 0):
            data[f"paper-{i}-originals"] = "1"
    return data


@pytest.mark.django_db
def test_the_desk_receives_the_group_on_one_screen(client, group):
    """The clerk's one form makes the parent file and its three children, then
    opens the group's Form 01."""
    url = reverse("procedure_groups:intake", args=[group.code])
    client.force_login(demo_user("clerk"))
    assert client.get(url).status_code == 200
    response = client.post(url, intake_data(group))
    filing = GroupFiling.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "procedure_groups:form_01", args=[filing.code]
    )
    assert filing.children.count() == 3
    assert filing.answers == {"child_name": "Nguyễn Minh Khang"}
    assert Dossier.objects.filter(applicant_id_number="036195004321").count() == 3


@pytest.mark.django_db
def test_the_intake_screen_says_what_is_missing_and_writes_nothing(client, group):
    url = reverse("procedure_groups:intake", args=[group.code])
    client.force_login(demo_user("clerk"))
    response = client.post(url, intake_data(group, complete=False))
    assert response.status_code == 400
    assert "còn thiếu" in response.content.decode()
    assert GroupFiling.objects.count() == 0 and Dossier.objects.count() == 0


@pytest.mark.django_db
def test_only_a_clerk_opens_the_group_intake(client, group):
    url = reverse("procedure_groups:intake", args=[group.code])
    for name in ("officer", "leader", "citizen"):
        client.force_login(demo_user(name))
        assert client.get(url).status_code == 403, name


@pytest.mark.django_db
def test_the_public_catalogue_lists_the_group(client, group):
    """Anyone reads the group: its procedures in order with their agencies and
    what each waits for, its time, and the papers each once."""
    page = client.get(reverse("procedure_groups:list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert group.name in html
    assert html.index("1.001193") < html.index("1.004222") < html.index("1.014137")
    assert "BHXH tỉnh" in html
    assert "3 ngày làm việc" in html
