"""Login landing per role, the profile form and the demo accounts."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import Role, User
from procedures.models import Agency, Department
from tests.conftest import second_factor_code

LANDINGS = {
    "admin": "/admin/",
    "manager": "/staff/",
    "clerk": "/staff/",
    "officer": "/staff/",
    "leader": "/staff/",
    "citizen": "/my/dossiers/",
}


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "landing"), LANDINGS.items())
def test_each_role_lands_on_its_page(client, demo, username, landing):
    """After login (and staff's second factor) every demo account is sent to the
    page its role works from."""
    response = client.post(
        reverse("accounts:login"),
        {"username": username, "password": "onecenter-demo"},
        follow=True,
    )
    code_page = response.redirect_chain[-1][0]
    if code_page.startswith(reverse("accounts:mfa_verify")):
        response = client.post(
            code_page, {"code": second_factor_code(username)}, follow=True
        )
    assert response.redirect_chain[-1][0] == landing
    assert response.status_code == 200


@pytest.mark.django_db
def test_wrong_password_is_refused_with_message(client, demo):
    """A wrong password re-renders the login form with a clear message."""
    response = client.post(
        reverse("accounts:login"), {"username": "citizen", "password": "nope"}
    )
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()


@pytest.mark.django_db
def test_profile_rejects_bad_id_and_phone_and_keeps_input(client, demo):
    """Invalid profile input re-renders with errors and nothing is saved."""
    client.login(username="citizen", password="onecenter-demo")
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Nguyễn Văn Bình",
            "id_number": "12345",
            "phone": "12",
            "email": "",
            "address": "",
            "preferred_language": "vi",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"id_number", "phone"}
    assert "Nguyễn Văn Bình" in response.content.decode()
    assert User.objects.get(username="citizen").full_name == "Nguyễn Văn An"


@pytest.mark.django_db
def test_profile_saves_valid_details(client, demo):
    """Valid profile details are saved and the chosen language is remembered."""
    client.login(username="citizen", password="onecenter-demo")
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Nguyễn Văn Bình",
            "id_number": "001099012345",
            "phone": "0987 654 321",
            "email": "binh@example.vn",
            "address": "Phường Đông Sơn",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="citizen")
    assert (user.full_name, user.phone, user.preferred_language) == (
        "Nguyễn Văn Bình",
        "0987654321",
        "en",
    )
    assert response.cookies["django_language"].value == "en"


@pytest.mark.django_db
def test_officer_must_belong_to_a_department():
    """Validation explains that an officer needs an agency and a department."""
    from django.core.exceptions import ValidationError

    user = User(username="x", role=Role.OFFICER)
    with pytest.raises(ValidationError) as excinfo:
        user.clean()
    assert "agency" in excinfo.value.message_dict


@pytest.mark.django_db
def test_department_must_belong_to_the_agency(demo):
    """A user's department must be one of their agency's departments."""
    from django.core.exceptions import ValidationError

    other = Department.objects.exclude(agency__code="000.00.12.H99").first()
    user = User(
        username="y",
        role=Role.CLERK,
        agency=Agency.objects.get(code="000.00.12.H99"),
        department=other,
    )
    with pytest.raises(ValidationError) as excinfo:
        user.clean()
    assert "department" in excinfo.value.message_dict


@pytest.mark.django_db
def test_seed_demo_refuses_demo_passwords_without_debug(settings):
    """With DEBUG off, seed_demo refuses unless --allow-demo-passwords is given."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_is_idempotent(settings, tmp_path):
    """Running seed_demo twice leaves the same accounts, agencies and dossiers."""
    from dossiers.models import Dossier

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--allow-demo-passwords")
    counts = (
        User.objects.count(),
        Agency.objects.count(),
        Department.objects.count(),
        Dossier.objects.count(),
    )
    call_command("seed_demo", "--allow-demo-passwords")
    assert counts == (
        User.objects.count(),
        Agency.objects.count(),
        Department.objects.count(),
        Dossier.objects.count(),
    )
    assert set(LANDINGS) <= set(User.objects.values_list("username", flat=True))
