"""The manager's audit trail page: their scope only, filters, pages, CSV export."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import Action, AuditEvent
from audit.services import record
from tests.factories import AgencyFactory, UserFactory, demo_user

pytestmark = pytest.mark.django_db

URL = reverse("workspace:audit_trail")


@pytest.fixture
def other_centre(demo):
    """A second province's centre, outside the demo manager's tree, with its own
    manager and clerk, a login there and a view of one of its dossiers."""
    agency = AgencyFactory(code="999.00.00.T99", name="Tỉnh khác")
    manager = UserFactory(username="other-manager", role=Role.MANAGER, agency=agency)
    clerk = UserFactory(username="other-clerk", role=Role.CLERK, agency=agency)
    record(None, Action.LOGIN, actor=clerk, obj=clerk)
    AuditEvent.objects.create(
        action=Action.DOSSIER_VIEWED,
        actor=clerk,
        actor_label=clerk.username,
        dossier_id=10**9,
        dossier_code="999-OTHER-0001",
        receiving_desk_id=agency.pk,
        deciding_agency_id=agency.pk,
    )
    return manager


@pytest.fixture
def demo_events(as_staff, in_processing):
    """The demo clerk logs in and the officer opens the dossier in processing."""
    clerk, officer = demo_user("clerk"), demo_user("officer")
    record(None, Action.LOGIN, actor=clerk, obj=clerk)
    as_staff(officer).get(reverse("workspace:dossier_detail", args=[in_processing.pk]))
    return in_processing


def shown(response) -> set[tuple[str, str]]:
    return {(e.actor_label, e.action) for e in response.context["rows"]}


def test_a_manager_sees_only_the_events_of_their_agency_tree(
    client, as_staff, demo_events, other_centre
):
    """The province's manager sees its staff's logins and views of its dossiers;
    the other centre's manager sees only theirs."""
    as_staff(demo_user("manager"))
    response = client.get(URL)
    assert response.status_code == 200
    assert shown(response) == {
        ("clerk", Action.LOGIN),
        ("officer", Action.LOGIN),
        ("officer", Action.DOSSIER_VIEWED),
        ("manager", Action.LOGIN),
    }
    as_staff(other_centre)
    assert shown(client.get(URL)) == {
        ("other-clerk", Action.LOGIN),
        ("other-clerk", Action.DOSSIER_VIEWED),
        ("other-manager", Action.LOGIN),
    }


def test_failed_logins_on_staff_accounts_are_in_their_managers_scope(
    client, as_staff, demo, other_centre
):
    """A failed login naming a staff account shows to that account's manager."""
    client.post(reverse("accounts:login"), {"username": "clerk", "password": "no"})
    client.post(
        reverse("accounts:login"), {"username": "other-clerk", "password": "no"}
    )
    as_staff(demo_user("manager"))
    assert shown(client.get(URL, {"action": Action.LOGIN_FAILED})) == {
        ("clerk", Action.LOGIN_FAILED)
    }


@pytest.mark.parametrize("username", ["clerk", "officer", "leader"])
def test_other_staff_roles_get_403(client, as_staff, demo, username):
    """Only a manager reads the audit trail."""
    as_staff(demo_user(username))
    assert client.get(URL).status_code == 403


def test_a_citizen_gets_403(client, demo):
    client.force_login(demo_user("citizen"))
    assert client.get(URL).status_code == 403


def test_the_filters_narrow_the_events(client, as_staff, demo_events):
    """By action, by user name and by dossier code (in any case)."""
    as_staff(demo_user("manager"))
    by_code = client.get(URL, {"dossier_code": demo_events.code.lower()})
    assert shown(by_code) == {("officer", Action.DOSSIER_VIEWED)}
    assert shown(client.get(URL, {"actor": "CLER"})) == {("clerk", Action.LOGIN)}
    assert shown(client.get(URL, {"action": Action.DOSSIER_VIEWED})) == {
        ("officer", Action.DOSSIER_VIEWED)
    }
    assert shown(client.get(URL, {"action": Action.LOGOUT})) == set()
    old = {"date_from": "2000-01-01", "date_to": "2000-12-31"}
    assert shown(client.get(URL, old)) == set()
    reversed_period = client.get(
        URL, {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert reversed_period.status_code == 400


def test_the_page_goes_back_in_time_with_a_cursor(
    client, as_staff, demo, django_assert_max_num_queries
):
    """60 events show as 50 then 10, newest first, at a bounded query cost."""
    clerk = demo_user("clerk")
    for _ in range(60):
        record(None, Action.LOGIN, actor=clerk, obj=clerk)
    as_staff(demo_user("manager"))
    with django_assert_max_num_queries(12):
        first = client.get(URL, {"action": Action.LOGIN, "actor": "clerk"})
    assert len(first.context["rows"]) == 50
    cursor = first.context["next_cursor"]
    assert cursor
    second = client.get(
        URL, {"action": Action.LOGIN, "actor": "clerk", "before": cursor}
    )
    assert len(second.context["rows"]) == 10
    assert second.context["next_cursor"] is None
    ids = [e.pk for e in first.context["rows"] + second.context["rows"]]
    assert ids == sorted(ids, reverse=True)
    assert len(set(ids)) == 60
    assert client.get(URL, {"before": "garbage"}).status_code == 200


def test_the_csv_export_holds_the_rows_and_is_itself_recorded(
    client, as_staff, demo_events, other_centre
):
    """The CSV holds the scope's filtered events, and the export is recorded with
    its filters."""
    manager = demo_user("manager")
    as_staff(manager)
    response = client.get(
        URL, {"format": "csv", "actor": "officer", "action": Action.DOSSIER_VIEWED}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    body = rows[1:]
    assert [(row[1], row[2], row[7]) for row in body] == [
        ("officer", Action.DOSSIER_VIEWED, demo_events.code)
    ]
    [export] = AuditEvent.objects.filter(action=Action.AUDIT_EXPORTED)
    assert export.actor == manager
    assert export.details["actor"] == "officer"


def test_csv_cells_never_start_a_formula(client, as_staff, demo):
    """A file name chosen by an applicant cannot become a spreadsheet formula."""
    desk = demo_user("clerk").agency_id
    AuditEvent.objects.create(
        action=Action.FILE_VIEWED,
        actor_label="-clerk",
        object_label='=HYPERLINK("http://x.example","y")',
        dossier_id=1,
        dossier_code="@X",
        receiving_desk_id=desk,
        deciding_agency_id=desk,
    )
    as_staff(demo_user("manager"))
    response = client.get(URL, {"format": "csv", "action": Action.FILE_VIEWED})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    [_, row] = list(csv.reader(io.StringIO(text)))
    assert row[1] == "'-clerk"
    assert row[6].startswith("'=HYPERLINK")
    assert row[7] == "'@X"


def test_the_dashboard_links_the_trail_for_managers_only(client, as_staff, demo):
    """The manager's dashboard has the link; a clerk's does not."""
    as_staff(demo_user("manager"))
    assert URL.encode() in client.get(reverse("workspace:dashboard")).content
    as_staff(demo_user("clerk"))
    assert URL.encode() not in client.get(reverse("workspace:dashboard")).content
