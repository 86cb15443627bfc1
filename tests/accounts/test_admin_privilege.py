"""The catalogue administrator's rights in the admin site: the catalogue, the
calendar and their own centre's desk and processing staff, nothing more."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.groups import (
    CATALOGUE_ADMINISTRATOR_PERMISSIONS,
    CATALOGUE_ADMINISTRATORS,
)
from accounts.models import Role, User
from procedures.models import Agency, Department, Procedure, PublicationStatus
from tests.factories import UserFactory, demo_user
from workcalendar.models import CalendarException, ExceptionKind

pytestmark = pytest.mark.django_db

PROVINCE_CENTRE = "000.00.01.H99"  # the demo administrator's agency
WARD_CENTRE = "000.21.32.H99"


@pytest.fixture
def admin_client(client, demo):
    # force_login passes the second factor too (tests/conftest.py).
    client.force_login(demo_user("admin"))
    return client


@pytest.fixture
def centre_clerk(demo) -> User:
    """A clerk of the administrator's own centre."""
    centre = Agency.objects.get(code=PROVINCE_CENTRE)
    return UserFactory(
        username="clerk-province",
        role=Role.CLERK,
        agency=centre,
        department=Department.objects.get(agency=centre, code="tiep-nhan"),
        email="clerk-province@onecenter.local",
    )


def user_form(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "preferred_language": user.preferred_language,
        "role": user.role,
        "agency": user.agency_id or "",
        "department": user.department_id or "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_the_group_holds_only_catalogue_calendar_and_account_rights():
    """The migrations give the group exactly the catalogue's (its groups of linked
    procedures included), the calendar's and the user accounts' permissions (no
    deleting accounts, nothing else)."""
    group = Group.objects.get(name=CATALOGUE_ADMINISTRATORS)
    granted = {
        (p.content_type.app_label, p.codename)
        for p in group.permissions.select_related("content_type")
    }
    expected = {
        (app_label, f"{action}_{model}")
        for (app_label, model), actions in CATALOGUE_ADMINISTRATOR_PERMISSIONS.items()
        for action in actions
    }
    assert granted == expected
    assert {app for app, _ in granted} == {
        "procedures",
        "procedure_groups",
        "workcalendar",
        "accounts",
    }
    assert ("procedure_groups", "change_proceduregroup") in granted
    assert ("accounts", "delete_user") not in granted


def test_the_demo_administrator_is_not_a_superuser(demo):
    """The demo catalogue administrator is admin-site staff in the group only."""
    admin = demo_user("admin")
    assert admin.is_staff
    assert not admin.is_superuser
    assert list(admin.groups.values_list("name", flat=True)) == [
        CATALOGUE_ADMINISTRATORS
    ]
    assert not admin.user_permissions.exists()


def test_dossiers_feedback_reminders_and_groups_are_closed(admin_client):
    """The administrator cannot open the dossiers (not in the admin at all), the
    citizens' ratings, the reminders, or the groups and their permissions."""
    assert admin_client.get("/admin/dossiers/dossier/").status_code == 404
    for url in [
        reverse("admin:feedback_rating_changelist"),
        reverse("admin:reminders_reminder_changelist"),
        reverse("admin:auth_group_changelist"),
        reverse(
            "admin:auth_group_change",
            args=[Group.objects.get(name=CATALOGUE_ADMINISTRATORS).pk],
        ),
    ]:
        assert admin_client.get(url).status_code == 403, url
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "/admin/feedback/" not in index
    assert "/admin/reminders/" not in index
    assert "/admin/auth/" not in index


def test_citizens_accounts_are_out_of_reach(admin_client, centre_clerk):
    """The account list shows the centre's clerk only: no citizen, manager,
    administrator, nor staff of another centre; a citizen's page and password page
    are not found and nothing of theirs is shown."""
    citizen = demo_user("citizen")
    listing = admin_client.get(reverse("admin:accounts_user_changelist"))
    shown = set(
        re.findall(r"/admin/accounts/user/(\d+)/change/", listing.content.decode())
    )
    assert shown == {str(centre_clerk.pk)}
    searched = admin_client.get(
        reverse("admin:accounts_user_changelist"), {"q": citizen.id_number}
    )
    assert citizen.username not in searched.content.decode()

    change = reverse("admin:accounts_user_change", args=[citizen.pk])
    response = admin_client.get(change, follow=True)
    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    for detail in (citizen.id_number, citizen.phone, citizen.address):
        assert detail not in response.content.decode()
    password = reverse("admin:auth_user_password_change", args=[citizen.pk])
    assert admin_client.get(password).status_code == 404


def test_the_administrator_cannot_raise_itself(admin_client):
    """Its own account is not in its reach: posting "manager" and "superuser" to it
    changes nothing."""
    admin = demo_user("admin")
    change = reverse("admin:accounts_user_change", args=[admin.pk])
    assert admin_client.get(change).status_code == 302
    admin_client.post(
        change,
        user_form(admin, role=Role.MANAGER, is_superuser="on", is_staff="on"),
    )
    admin.refresh_from_db()
    assert (admin.role, admin.is_superuser) == (Role.ADMINISTRATOR, False)


def test_a_staff_account_gets_delegable_roles_and_no_rights(admin_client, centre_clerk):
    """On a clerk of its centre the administrator may give clerk, officer or leader,
    never manager; the rights fields are absent, so posting them does nothing."""
    change = reverse("admin:accounts_user_change", args=[centre_clerk.pk])
    page = admin_client.get(change).content.decode()
    for field in (
        "is_superuser",
        "is_staff",
        "groups",
        "user_permissions",
        "id_number",
    ):
        assert f'name="{field}"' not in page, field
    roles = set(re.findall(r'<option value="([a-z]+)"', page.split('name="role"')[1]))
    assert {"clerk", "officer", "leader"} <= roles
    assert not roles & {"manager", "administrator", "applicant"}

    refused = admin_client.post(change, user_form(centre_clerk, role=Role.MANAGER))
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["role"]
    centre_clerk.refresh_from_db()
    assert centre_clerk.role == Role.CLERK

    group = Group.objects.get(name=CATALOGUE_ADMINISTRATORS)
    saved = admin_client.post(
        change,
        user_form(
            centre_clerk,
            role=Role.LEADER,
            is_superuser="on",
            is_staff="on",
            groups=[group.pk],
        ),
    )
    assert saved.status_code == 302
    centre_clerk.refresh_from_db()
    assert centre_clerk.role == Role.LEADER
    assert not centre_clerk.is_superuser
    assert not centre_clerk.is_staff
    assert not centre_clerk.groups.exists()


def test_new_accounts_only_in_the_administrator_s_agency_tree(admin_client):
    """An account for another centre is refused; one for its own centre is made,
    without admin-site access."""
    add = reverse("admin:accounts_user_add")
    data = {
        "username": "new-clerk",
        "full_name": "Trần Văn Mới",
        "role": Role.CLERK,
        "password1": "a-long-new-password-9",
        "password2": "a-long-new-password-9",
    }
    elsewhere = Agency.objects.get(code=WARD_CENTRE)
    refused = admin_client.post(add, {**data, "agency": elsewhere.pk})
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["agency"]
    manager = admin_client.post(add, {**data, "role": Role.MANAGER})
    assert manager.context["adminform"].form.errors["role"]
    assert not User.objects.filter(username="new-clerk").exists()

    centre = Agency.objects.get(code=PROVINCE_CENTRE)
    made = admin_client.post(add, {**data, "agency": centre.pk})
    assert made.status_code == 302
    user = User.objects.get(username="new-clerk")
    assert (user.role, user.agency, user.is_staff, user.is_superuser) == (
        Role.CLERK,
        centre,
        False,
        False,
    )


def test_the_catalogue_and_the_calendar_stay_editable(admin_client):
    """The administrator opens and changes procedures and adds a calendar day."""
    procedure = Procedure.objects.filter(status=PublicationStatus.PUBLISHED).first()
    changelist = reverse("admin:procedures_procedure_changelist")
    assert admin_client.get(changelist).status_code == 200
    change = reverse("admin:procedures_procedure_change", args=[procedure.pk])
    assert admin_client.get(change).status_code == 200
    assert (
        admin_client.get(reverse("admin:procedures_procedure_add")).status_code == 200
    )
    selection = {"action": "withdraw_selected", "_selected_action": [procedure.pk]}
    # First the page saying what withdrawing changes, then the confirmed action.
    assert admin_client.post(changelist, selection).status_code == 200
    withdrawn = admin_client.post(changelist, {**selection, "confirmed": "yes"})
    assert withdrawn.status_code == 302
    procedure.refresh_from_db()
    assert procedure.status == PublicationStatus.WITHDRAWN

    add = reverse("admin:workcalendar_calendarexception_add")
    added = admin_client.post(
        add,
        {
            "date": "2027-03-03",
            "kind": ExceptionKind.DAY_OFF,
            "reason": "Nghỉ bù thử nghiệm",
            "source": "Quyết định thử nghiệm",
        },
    )
    assert added.status_code == 302
    assert CalendarException.objects.filter(date=date(2027, 3, 3)).exists()
