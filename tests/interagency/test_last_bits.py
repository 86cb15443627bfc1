"""The inter-agency one-stop's last bits (docs/interagency.md): the applicant's
timeline naming the agency a transfer passes the dossier to, the worklist naming
the holder of the branch it shows, and the clerk's and manager's reminders naming
every open branch.

The routes are the demo's 1.115712 (ward → land office, scenario.py) and its
rebuilt parallel route (test_parallel_branches.py: at once the land office's
registration, due Fri 11 Dec, and the justice opinion, due Wed 9 Dec).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from dossiers import services
from dossiers.models import Dossier, DossierStep
from dossiers.selectors import due_windows, worklist, worklist_rows
from dossiers.timeline import applicant_event, applicant_timeline, route_shape
from procedures.models import Agency, RouteStep
from reminders import delivery, scan
from reminders.models import Kind, Reminder
from tests.factories import received_mandatory

from .scenario import LAND_OFFICE, TZ, WARD, at, fresh
from .test_branch_leftovers import LATE, fork_dossier
from .test_parallel_branches import (  # noqa: F401 (fixtures)
    JUSTICE,
    branched,
    parallel_route,
)

pytestmark = pytest.mark.django_db

WARD_DONE = at("2026-12-02 09:00")
HANDED_OFF = at("2026-12-03 09:00")
RETURNED = at("2026-12-07 09:00")
HANDED_AGAIN = at("2026-12-07 15:00")


def passed_to(code: str) -> str:
    name = Agency.objects.get(code=code).name
    return gettext("The dossier was passed to %(agency)s (inter-agency one-stop).") % {
        "agency": name
    }


def texts(dossier: Dossier) -> list[str]:
    events = applicant_timeline(dossier.transitions.all(), route_shape(dossier))
    return [event.text for event in events]


def to_land_office(dossier: Dossier, people) -> Dossier:
    services.dossier_forward(dossier=dossier, actor=people.officer, at=WARD_DONE)
    services.dossier_transfer_to_agency(
        dossier=fresh(dossier), actor=people.leader, at=HANDED_OFF
    )
    return fresh(dossier)


# --- 1. the timeline names the agency a transfer passes the dossier to -----------


def test_a_transfer_between_single_steps_names_the_receiving_agency(
    transferred, people, django_assert_num_queries
):
    """Ward → land office: the applicant reads that the dossier was passed to the
    land office by name; the route's agencies cost one query."""
    dossier = to_land_office(transferred, people)
    with django_assert_num_queries(1):
        shape = route_shape(dossier)
    assert shape is not None
    events = applicant_timeline(dossier.transitions.all(), shape)
    assert [event.text for event in events] == [
        applicant_event("receive_at_counter"),
        applicant_event("transfer"),
        applicant_event("forward"),
        passed_to(LAND_OFFICE),
    ]
    assert events[-1].action == "transfer_to_agency"
    assert applicant_event("transfer_to_agency") not in [e.text for e in events]


def test_a_return_and_a_second_transfer_name_the_land_office_again(transferred, people):
    """Returned to the ward with reasons, then transferred again: the return keeps
    the registry's sentence, the second transfer names the land office again."""
    dossier = to_land_office(transferred, people)
    services.dossier_return_to_agency(
        dossier=dossier, actor=people.land_officer, reasons="Thiếu", at=RETURNED
    )
    services.dossier_transfer_to_agency(
        dossier=fresh(dossier), actor=people.leader, at=HANDED_AGAIN
    )
    assert texts(fresh(dossier))[-3:] == [
        passed_to(LAND_OFFICE),
        applicant_event("return_to_agency"),
        passed_to(LAND_OFFICE),
    ]
    assert passed_to(WARD) not in texts(fresh(dossier))


def test_a_route_within_one_agency_needs_no_query(
    procedure, people, django_assert_num_queries
):
    """Every step the deciding agency's: no shape to read, the registry's
    sentences, as before."""
    RouteStep.objects.filter(procedure=procedure).update(agency=None, department=None)
    dossier = services.dossier_receive_at_counter(
        clerk=people.clerk,
        at=at("2026-12-01 10:00"),
        procedure=procedure,
        details=services.ApplicantDetails(name="Lê Thị Hoa", phone="0912000333"),
        applicant=people.citizen,
        received=received_mandatory(procedure),
    )
    services.dossier_transfer(
        dossier=dossier, actor=people.clerk, at=at("2026-12-01 10:30")
    )
    services.dossier_forward(
        dossier=fresh(dossier), actor=people.land_officer, at=WARD_DONE
    )
    dossier = fresh(dossier)
    assert not dossier.crosses_agencies
    with django_assert_num_queries(0):
        assert route_shape(dossier) is None
    assert texts(dossier)[-1] == applicant_event("forward")


def test_the_citizens_page_and_api_name_the_agency_in_fixed_queries(
    transferred, people, client
):
    """The citizen's dossier page and the API's timeline name the land office;
    the API reads the same number of queries after one transfer as after a
    transfer, a return and a second transfer."""
    dossier = to_land_office(transferred, people)
    client.force_login(people.citizen)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert passed_to(LAND_OFFICE) in page
    assert applicant_event("transfer_to_agency") not in page
    url = reverse("api:my_timeline", args=[dossier.pk])
    with CaptureQueriesContext(connection) as once:
        events = client.get(url).json()
    assert events[-1]["text"] == passed_to(LAND_OFFICE)
    services.dossier_return_to_agency(
        dossier=dossier, actor=people.land_officer, reasons="Thiếu", at=RETURNED
    )
    services.dossier_transfer_to_agency(
        dossier=fresh(dossier), actor=people.leader, at=HANDED_AGAIN
    )
    with CaptureQueriesContext(connection) as twice:
        events = client.get(url).json()
    assert [e["text"] for e in events].count(passed_to(LAND_OFFICE)) == 2
    assert len(twice) == len(once)


# --- 2. the worklist names the holder of the branch it shows ----------------------


def rows_for(user) -> dict[int, Dossier]:
    dossiers = worklist_rows(worklist(user, windows=due_windows(LATE)))
    return {dossier.pk: dossier for dossier in dossiers}


def test_the_worklist_names_the_holder_of_the_branch_shown(
    branched,  # noqa: F811
    people,
    client,
):
    """At the stage of branches the justice opinion (due first) is shown; once
    the justice officer holds it, the manager's worklist names them beside it,
    not the land office's officer who holds the other branch."""
    services.dossier_claim(dossier=branched, actor=people.land_officer)
    row = rows_for(people.manager)[branched.pk]
    assert (row.step_name, row.step_holder) == ("Ý kiến của cơ quan tư pháp", None)
    services.dossier_claim(dossier=fresh(branched), actor=people.other_officer)
    row = rows_for(people.manager)[branched.pk]
    assert row.assignee is None
    assert row.step_holder == str(people.other_officer)
    client.force_login(people.manager)
    listing = client.get(reverse("workspace:dossier_list")).content.decode()
    assert (
        'Ý kiến của cơ quan tư pháp · <span class="text-muted">'
        f"{people.other_officer}</span>"
    ) in listing
    assert f'· <span class="text-muted">{people.land_officer}</span>' not in listing


def test_a_single_step_shows_its_assignee_not_a_step_holder(transferred, people):
    """A returned step keeps who finished it as its ``handled_by``, but on a
    single step the holder is the dossier's assignee: no branch holder read."""
    dossier = to_land_office(transferred, people)
    services.dossier_return_to_agency(
        dossier=dossier, actor=people.land_officer, reasons="Thiếu", at=RETURNED
    )
    step = DossierStep.objects.get(dossier=dossier, position=1)
    assert step.finished_at is None
    assert step.handled_by == people.leader
    row = rows_for(people.manager)[dossier.pk]
    assert row.step_holder is None
    assert row.assignee == people.leader


def test_the_worklists_holders_cost_no_query_per_row(
    parallel_route,  # noqa: F811
    people,
    django_assert_num_queries,
):
    """Three dossiers at the stage of branches, each held: one query."""
    dossiers = [fork_dossier(parallel_route, people) for _ in range(3)]
    for dossier in dossiers:
        services.dossier_claim(dossier=dossier, actor=people.other_officer)
    dossiers = worklist_rows(worklist(people.manager, windows=due_windows(LATE)))
    with django_assert_num_queries(1):
        rows = list(dossiers)
    holders = {row.pk: row.step_holder for row in rows}
    assert [holders[d.pk] for d in dossiers] == [str(people.other_officer)] * 3


# --- 3. a clerk's or manager's reminder names every open branch -------------------


def branch_line(dossier: Dossier, position: int, holder: str) -> str:
    step = DossierStep.objects.select_related("agency", "department").get(
        dossier=dossier, position=position
    )
    due = step.due_at.astimezone(TZ)
    return (
        f"{step.name} ({step.department.name} – {step.agency}; "
        f"{gettext('step due')} {due:%H:%M %d/%m/%Y}; {holder})"
    )


def held_by(user) -> str:
    return gettext("held by %(name)s") % {"name": user}


def test_a_clerks_reminder_names_every_open_branch(branched, people, mailoutbox):  # noqa: F811
    """On the due day the desk's clerk is reminded of both branches, the one
    due first first, each with its department, agency and holder; each branch's
    officer still reads their own branch only."""
    services.dossier_claim(dossier=branched, actor=people.land_officer)
    for reminder in scan.record_due_reminders(at("2026-12-15 07:00")).pending:
        delivery.deliver(reminder)
    mails = {m.to[0]: m.body for m in mailoutbox}
    clerk = mails[people.clerk.email]
    justice = branch_line(branched, 3, gettext("nobody holds it yet"))
    land = branch_line(branched, 2, held_by(people.land_officer))
    assert f"{gettext('Open parallel branches')}:\n- {justice}\n- {land}\n" in clerk
    assert gettext("Current step") not in clerk
    officer = mails[people.land_officer.email]
    assert "Thẩm định hồ sơ đất đai" in officer
    assert "Ý kiến của cơ quan tư pháp" not in officer


def test_a_clerks_reminder_reads_no_more_than_an_officers(branched, people):  # noqa: F811
    """Naming every branch reads the branches the recipient's own would: the
    clerk's message costs the officer's queries."""
    scan.record_due_reminders(at("2026-12-15 07:00"))
    reminders = Reminder.objects.filter(kind=Kind.DUE_TODAY, dossier=branched)
    counts = {}
    for user in (people.clerk, people.land_officer):
        reminder = reminders.select_related("dossier").get(recipient=user)
        with CaptureQueriesContext(connection) as queries:
            delivery.compose(reminder)
        counts[user.username] = len(queries)
    assert counts[people.clerk.username] == counts[people.land_officer.username]


def test_the_managers_digest_names_every_open_branch_in_fixed_queries(
    branched,  # noqa: F811
    parallel_route,  # noqa: F811
    people,
):
    """The day after the due date the manager's digest lists the dossier with
    both its open branches; with three such dossiers the message reads the
    same number of queries, each dossier with its branches."""
    services.dossier_claim(dossier=branched, actor=people.other_officer)
    scan.record_due_reminders(LATE)
    digest = Reminder.objects.get(kind=Kind.OVERDUE_DIGEST, recipient=people.manager)
    with CaptureQueriesContext(connection) as one:
        message = delivery.compose(digest)
    branch = gettext("Open parallel branch")
    justice = branch_line(branched, 3, held_by(people.other_officer))
    land = branch_line(branched, 2, gettext("nobody holds it yet"))
    assert f"  {branch}: {justice}\n  {branch}: {land}\n" in message.body
    others = [fork_dossier(parallel_route, people) for _ in range(2)]
    scan.record_due_reminders(at("2026-12-17 09:00"))
    digest = Reminder.objects.get(
        kind=Kind.OVERDUE_DIGEST,
        recipient=people.manager,
        due_on=at("2026-12-17 09:00").date(),
    )
    assert len(digest.digest) == 3
    with CaptureQueriesContext(connection) as three:
        message = delivery.compose(digest)
    assert len(three) == len(one)
    assert message.body.count(f"{branch}: ") == 6
    for dossier in others:
        assert branch_line(dossier, 3, gettext("nobody holds it yet")) in (message.body)


def test_a_digest_of_single_steps_reads_no_branch(transferred, people):
    """A dossier on a single step is listed as before: no branch line, and no
    query for branches."""
    scan.record_due_reminders(LATE)
    digest = Reminder.objects.get(kind=Kind.OVERDUE_DIGEST, recipient=people.manager)
    with CaptureQueriesContext(connection) as queries:
        message = delivery.compose(digest)
    assert transferred.code in message.body
    assert gettext("Open parallel branch") not in message.body
    assert not any("dossiers_dossierstep" in q["sql"] for q in queries)
