"""Catalogue administration: add with inlines, validation, publish, history, import."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
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
    selection = {
        "action": "publish_selected",
        "_selected_action": [complete.pk, incomplete.pk],
    }
    changelist = reverse("admin:procedures_procedure_changelist")
    confirm = admin_client.post(changelist, selection)
    # First a page that says what changes and which cannot be published; nothing
    # has changed yet.
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Công bố các thủ tục này?" in page
    assert "Cần có ít nhất một thành phần hồ sơ trước khi công bố." in page
    complete.refresh_from_db()
    assert complete.status == PublicationStatus.DRAFT
    response = admin_client.post(
        changelist, {**selection, "confirmed": "yes"}, follow=True
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


def test_withdraw_asks_first_and_says_what_changes_for_citizens(admin_client):
    """Withdrawing shows the procedure's drafts, dossiers waiting for the desk and
    dossiers in processing, and changes nothing until confirmed."""
    from dossiers.models import Dossier

    procedure = ProcedureFactory(published=True)
    for _ in range(2):
        Dossier.objects.create(
            applicant_name="Nguyễn Văn An",
            procedure=procedure,
            procedure_snapshot={},
            receiving_desk=procedure.receiving_agency,
            deciding_agency=procedure.deciding_agency,
        )
    changelist = reverse("admin:procedures_procedure_changelist")
    selection = {"action": "withdraw_selected", "_selected_action": [procedure.pk]}
    confirm = admin_client.post(changelist, selection)
    page = confirm.content.decode()
    assert "Ngừng công khai các thủ tục này?" in page
    assert "không thể nộp" in page
    procedure.refresh_from_db()
    assert procedure.status == PublicationStatus.PUBLISHED
    row = page[page.index(procedure.code) :]
    assert "<td>2</td>" in row[: row.index("</tr>")]
    admin_client.post(changelist, {**selection, "confirmed": "yes"}, follow=True)
    procedure.refresh_from_db()
    assert procedure.status == PublicationStatus.WITHDRAWN


def test_new_papers_go_last_and_are_optional_by_default(admin_client):
    """A paper added with no order goes after the existing ones; the add form
    offers it unticked (optional)."""
    procedure = ProcedureFactory()
    first = RequiredPaperFactory(procedure=procedure, position=4)
    change = reverse("admin:procedures_procedure_change", args=[procedure.pk])
    page = admin_client.get(change).content.decode()
    empty = page[page.index('id="papers-empty"') :]
    empty = empty[: empty.index("</fieldset>")]
    assert 'name="papers-__prefix__-mandatory"' in empty
    assert (
        "checked"
        not in empty[empty.index('name="papers-__prefix__-mandatory"') - 200 :][:400]
    )
    form = procedure_form(("2", "1"))
    data = {
        **{
            k: v for k, v in form.items() if not k.startswith(("papers", "route_steps"))
        },
        "code": procedure.code,
        "sector": procedure.sector_id,
        "receiving_agency": procedure.receiving_agency_id,
        "deciding_agency": procedure.deciding_agency_id,
        **inline("route_steps", []),
        "papers-TOTAL_FORMS": "2",
        "papers-INITIAL_FORMS": "1",
        "papers-MIN_NUM_FORMS": "0",
        "papers-MAX_NUM_FORMS": "1000",
        "papers-0-id": str(first.pk),
        "papers-0-procedure": str(procedure.pk),
        "papers-0-position": "4",
        "papers-0-name": first.name,
        "papers-0-originals": "1",
        "papers-0-certified_copies": "0",
        "papers-0-copies": "0",
        "papers-0-mandatory": "on",
        "papers-0-accepted_types": "pdf",
        "papers-1-procedure": str(procedure.pk),
        "papers-1-position": "",
        "papers-1-name": "Giấy ủy quyền",
        "papers-1-originals": "1",
        "papers-1-certified_copies": "0",
        "papers-1-copies": "0",
        "papers-1-accepted_types": "pdf",
    }
    response = admin_client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    added = procedure.papers.get(name="Giấy ủy quyền")
    assert added.position == 5
    assert added.mandatory is False
    assert list(procedure.papers.values_list("name", flat=True)) == [
        first.name,
        "Giấy ủy quyền",
    ]


def test_history_shows_changes_of_papers_fees_and_steps(admin_client):
    """The procedure's History lists a fee's new amount and a paper made optional,
    with who changed them, beside the procedure's own changes."""
    from tests.factories import FeeFactory, RouteStepFactory

    procedure = ProcedureFactory()
    paper = RequiredPaperFactory(procedure=procedure, name="Tờ khai đăng ký")
    fee = FeeFactory(procedure=procedure, amount_vnd=50000)
    RouteStepFactory(procedure=procedure, name="Thẩm định hồ sơ")
    fee._history_user = admin_client.user
    fee.amount_vnd = 75000
    fee.save()
    paper._history_user = admin_client.user
    paper.mandatory = False
    paper.save()
    procedure._history_user = admin_client.user
    procedure._change_reason = "withdraw"
    procedure.status = PublicationStatus.WITHDRAWN
    procedure.save()
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(
            reverse("admin:procedures_procedure_history", args=[procedure.pk])
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Lệ phí" in page and "50000 → 75000" in page
    assert "Tờ khai đăng ký" in page and "có → không" in page
    assert "Thẩm định hồ sơ" in page
    assert "ngừng công khai" in page
    assert "admin" in page
    # One query per history table, whatever the length of the history.
    assert len(queries) < 20
