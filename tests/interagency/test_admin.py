"""The admin screens of inter-agency routes and procedure groups."""

import json

import pytest
from django.urls import reverse

from procedure_groups.demo import seed_groups
from procedures.catalogue_io import import_catalogue
from procedures.demo import demo_catalogue_document
from procedures.models import Procedure

from .scenario import PROCEDURE

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        username="root", password="x-admin-pass-1", preferred_language="vi"
    )


@pytest.fixture
def catalogue(centre):
    document = demo_catalogue_document()
    document["procedures"] = [
        p
        for p in document["procedures"]
        if p["code"] in {"1.001193", "1.004222", "1.014137"}
    ]
    import_catalogue(document)
    return seed_groups()


def test_route_steps_show_their_agency_in_the_procedure_admin(
    client, superuser, procedure
):
    client.force_login(superuser)
    page = client.get(
        reverse("admin:procedures_procedure_change", args=[procedure.pk])
    ).content.decode()
    assert 'name="route_steps-0-agency"' in page
    assert "000.21.31.H99" in page or "UBND phường Đông Sơn" in page


def test_a_cycle_of_dependencies_is_refused_in_the_group_admin(
    client, superuser, catalogue
):
    """Making the birth registration wait for the insurance card (which waits for
    it) is refused with the cycle named; nothing changes."""
    client.force_login(superuser)
    url = reverse("admin:procedure_groups_proceduregroup_change", args=[catalogue.pk])
    members = list(catalogue.members.order_by("position"))
    data = {
        "code": catalogue.code,
        "name": catalogue.name,
        "name_en": catalogue.name_en,
        "description": "",
        "processing_time_days": "3",
        "shared_fields": json.dumps(catalogue.shared_fields),
        "legal_basis": catalogue.legal_basis,
        "sources": catalogue.sources,
        "status": catalogue.status,
        "is_demo_data": "on",
        "members-TOTAL_FORMS": "3",
        "members-INITIAL_FORMS": "3",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for i, member in enumerate(members):
        data |= {
            f"members-{i}-id": str(member.pk),
            f"members-{i}-group": str(catalogue.pk),
            f"members-{i}-position": str(member.position),
            f"members-{i}-procedure": str(member.procedure_id),
            f"members-{i}-working_days": "1",
            f"members-{i}-result_required": "on",
        }
    data["members-1-depends_on"] = [str(members[0].pk)]
    data["members-2-depends_on"] = [str(members[1].pk)]
    response = client.post(url, data)
    assert response.status_code == 302  # as it is: a chain, accepted
    data["members-0-depends_on"] = [str(members[2].pk)]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "vòng" in response.content.decode()
    assert not members[0].depends_on.exists()
    data.pop("members-0-depends_on")
    data["members-2-working_days"] = "2"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Chuỗi thủ tục phụ thuộc dài nhất cần 4" in response.content.decode()


def test_procedure_group_admin_pages(client, superuser, catalogue):
    """The group's change page lists its members with their dependencies; the
    list and the add page open."""
    client.force_login(superuser)
    assert (
        client.get(
            reverse("admin:procedure_groups_proceduregroup_changelist")
        ).status_code
        == 200
    )
    assert (
        client.get(reverse("admin:procedure_groups_proceduregroup_add")).status_code
        == 200
    )
    page = client.get(
        reverse("admin:procedure_groups_proceduregroup_change", args=[catalogue.pk])
    ).content.decode()
    assert 'name="members-0-depends_on"' in page
    assert Procedure.objects.get(code=PROCEDURE)


def test_the_catalogue_administrator_keeps_the_groups(client, demo):
    """The demo catalogue administrator (no superuser: the group's rights) opens
    the groups of linked procedures and one of them."""
    from procedure_groups.models import ProcedureGroup
    from tests.factories import demo_user

    client.force_login(demo_user("admin"))
    changelist = reverse("admin:procedure_groups_proceduregroup_changelist")
    assert client.get(changelist).status_code == 200
    group = ProcedureGroup.objects.first()
    change = reverse("admin:procedure_groups_proceduregroup_change", args=[group.pk])
    assert client.get(change).status_code == 200
