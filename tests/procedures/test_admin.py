"""Catalogue administration: add with inlines, validation, publish, history, import."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procedures.models import Procedure, PublicationStatus
from tests.factories import (
    AgencyFactory,
    DepartmentFactory,
    ProcedureFactory,
    RequiredPaperFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(
        username="admin", password="onecenter-demo", role="administrator"
    )
    client.force_login(admin)
    client.user = admin
    return client


def inline(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def procedure_form(route_days: tuple[str, str]) -> dict:
    desk = AgencyFactory(desk=True)
    agency = AgencyFactory()
    department = DepartmentFactory(agency=agency)
    sector = SectorFactory()
    return {
        "code": "1.999001",
        "name": "Cấp giấy xác nhận thử nghiệm",
        "name_en": "",
        "sector": sector.pk,
        "level": "province",
        "receiving_agency": desk.pk,
        "deciding_agency": agency.pk,
        "implementing_note": "",
        "processing_time_value": "3",
        "processing_time_unit": "working_days",
        "cutoff_time": "",
        "processing_time_note": "",
        "via_counter": "on",
        "via_online": "on",
        "online_level": "partial",
        "conditions": "",
        "result": "Giấy xác nhận",
        "legal_basis": "Nghị định 118/2025/NĐ-CP",
        "valid_from": "",
        "valid_until": "",
        "sources": "",
        **inline(
            "papers",
            [
                {
                    "position": "1",
                    "name": "Tờ khai",
                    "originals": "1",
                    "certified_copies": "0",
                    "copies": "0",
                    "mandatory": "on",
                    "accepted_types": "pdf,jpg,png",
                },
                {
                    "position": "2",
                    "name": "Bản sao CCCD",
                    "originals": "0",
                    "certified_copies": "1",
                    "copies": "0",
                    "accepted_types": "pdf",
                },
            ],
        ),
        **inline("fees", []),
        **inline(
            "route_steps",
            [
                {
                    "position": "1",
                    "name": "Thẩm định",
                    "role": "officer",
                    "department": department.pk,
                    "working_days": route_days[0],
                },
                {
                    "position": "2",
                    "name": "Phê duyệt",
                    "role": "leader",
                    "department": "",
                    "working_days": route_days[1],
                },
            ],
        ),
    }


def test_admin_adds_procedure_with_papers_and_route(admin_client):
    """An administrator adds a procedure with two papers and a two-step route."""
    response = admin_client.post(
        reverse("admin:procedures_procedure_add"), procedure_form(("2", "1"))
    )
    assert response.status_code == 302, response.context["errors"]
    procedure = Procedure.objects.get(code="1.999001")
    assert procedure.papers.count() == 2
    assert procedure.route_steps.count() == 2
    assert procedure.status == PublicationStatus.DRAFT
    assert procedure.history.first().history_user == admin_client.user


def test_admin_refuses_a_route_longer_than_the_processing_time(admin_client):
    """A route exceeding the processing time is refused with a Vietnamese message."""
    response = admin_client.post(
        reverse("admin:procedures_procedure_add"), procedure_form(("3", "1"))
    )
    assert response.status_code == 200
    assert "vượt quá thời hạn giải quyết" in response.content.decode()
    assert not Procedure.objects.filter(code="1.999001").exists()


def test_admin_publish_action_and_history_page(admin_client):
    """The publish action publishes complete procedures and reports the others."""
    complete = ProcedureFactory()
    RequiredPaperFactory(procedure=complete)
    incomplete = ProcedureFactory()
    response = admin_client.post(
        reverse("admin:procedures_procedure_changelist"),
        {
            "action": "publish_selected",
            "_selected_action": [complete.pk, incomplete.pk],
        },
        follow=True,
    )
    complete.refresh_from_db()
    incomplete.refresh_from_db()
    assert complete.status == PublicationStatus.PUBLISHED
    assert incomplete.status == PublicationStatus.DRAFT
    content = response.content.decode()
    assert f"{incomplete.code} chưa được công bố" in content
    history = admin_client.get(
        reverse("admin:procedures_procedure_history", args=[complete.pk])
    )
    assert history.status_code == 200
    assert "admin" in history.content.decode()


def test_admin_change_page_and_search(admin_client):
    """The change page opens and the admin search ignores accents."""
    procedure = ProcedureFactory(name="Đăng ký khai sinh")
    RequiredPaperFactory(procedure=procedure)
    assert (
        admin_client.get(
            reverse("admin:procedures_procedure_change", args=[procedure.pk])
        ).status_code
        == 200
    )
    response = admin_client.get(
        reverse("admin:procedures_procedure_changelist"), {"q": "DANG KY KHAI SINH"}
    )
    assert procedure in response.context["cl"].result_list


def test_admin_import_reports_every_error(admin_client):
    """The import page rejects a bad file whole and lists each problem."""
    bad = {
        "format": "onecenter.catalogue",
        "version": 1,
        "procedures": [{"code": "1"}, {"code": "2.000001", "sector": "x"}],
    }
    upload = SimpleUploadedFile(
        "catalogue.json", json.dumps(bad).encode(), content_type="application/json"
    )
    response = admin_client.post(
        reverse("admin:procedures_procedure_import"), {"file": upload}
    )
    assert response.status_code == 200
    errors = response.context["errors"]
    assert any(e.startswith("procedures[0]") for e in errors)
    assert any(e.startswith("procedures[1]") for e in errors)
    assert Procedure.objects.count() == 0


def test_admin_export_downloads_json(admin_client):
    """The export link downloads the catalogue as JSON."""
    ProcedureFactory(published=True)
    response = admin_client.get(reverse("admin:procedures_procedure_export"))
    assert response["Content-Disposition"] == 'attachment; filename="catalogue.json"'
    assert json.loads(response.content)["format"] == "onecenter.catalogue"


def test_citizens_cannot_reach_the_catalogue_admin(client, django_user_model):
    """A citizen is sent to the admin login, not into the catalogue."""
    citizen = django_user_model.objects.create_user(username="dan", password="x")
    client.force_login(citizen)
    response = client.get(reverse("admin:procedures_procedure_changelist"))
    assert response.status_code == 302
