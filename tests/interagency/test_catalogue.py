"""Inter-agency routes in the catalogue: steps owned by an agency, checked in the
admin's model validation and in the import, carried by the export, and each
agency's share of the time (docs/interagency.md)."""

import json
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from dossiers.deadlines import agency_shares, share_due
from procedures.catalogue_io import (
    CatalogueImportError,
    export_catalogue,
    import_catalogue,
)
from procedures.models import Agency, Department, Procedure, RouteStep

from .scenario import LAND_OFFICE, PROCEDURE, WARD

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("owners", "expected"),
    [
        ([], []),
        (["a"], [(0, 0)]),
        (["a", "a", "b", "b"], [(0, 1), (2, 3)]),
        (["a", "b", "a"], [(0, 0), (1, 1), (2, 2)]),
        ([None, None, 7], [(0, 1), (2, 2)]),
    ],
)
def test_agency_shares_are_runs_of_one_owner(owners, expected):
    """A share is a run of consecutive steps of one agency; a route coming back to
    an agency gives it a second share."""
    assert agency_shares(owners) == expected


def test_share_due_is_the_due_of_the_shares_last_step():
    dues = [datetime(2026, 12, day, 17, tzinfo=TZ) for day in (3, 4, 11, 15)]
    owners = ["ward", "ward", "land", "land"]
    assert share_due(owners, dues, 0) == dues[1]
    assert share_due(owners, dues, 1) == dues[1]
    assert share_due(owners, dues, 2) == dues[3]
    with pytest.raises(IndexError):
        share_due(owners, dues, 4)


@pytest.mark.django_db
def test_demo_route_goes_from_the_commune_to_the_province(procedure):
    """The demo procedure's route: two ward steps, then two land-office steps,
    adding up to its processing time."""
    steps = list(procedure.route_steps.select_related("agency"))
    assert [s.agency.code for s in steps] == [WARD, WARD, LAND_OFFICE, LAND_OFFICE]
    assert [s.agency.level for s in steps] == ["commune"] * 2 + ["province"] * 2
    assert procedure.deciding_agency.code == LAND_OFFICE
    assert procedure.receiving_agency.code == "000.21.32.H99"
    assert procedure.route_error([s.working_days for s in steps]) is None


@pytest.mark.django_db
def test_a_step_department_must_belong_to_the_steps_agency(procedure):
    """The admin's validation refuses a department of another agency."""
    step = procedure.route_steps.get(position=3)
    step.department = Department.objects.get(agency__code=WARD, code="kinh-te-ha-tang")
    with pytest.raises(ValidationError) as excinfo:
        step.full_clean()
    assert "department" in excinfo.value.message_dict


@pytest.mark.django_db
def test_route_still_has_to_fit_the_processing_time(procedure):
    """Across agencies, the steps together may not exceed the processing time."""
    days = [Decimal(s.working_days) for s in procedure.route_steps.all()]
    assert procedure.route_error([*days, Decimal(1)])


@pytest.mark.django_db
def test_export_carries_the_step_agencies_and_import_restores_them(procedure):
    """The export names each step's agency (null: the deciding one); importing it
    back gives the same route."""
    document = json.loads(export_catalogue())
    route = next(p for p in document["procedures"] if p["code"] == PROCEDURE)["route"]
    assert [s["agency"] for s in route] == [WARD, WARD, LAND_OFFICE, LAND_OFFICE]
    RouteStep.objects.filter(procedure=procedure).update(agency=None)
    import_catalogue(document)
    assert list(
        Procedure.objects.get(code=PROCEDURE)
        .route_steps.order_by("position")
        .values_list("agency__code", flat=True)
    ) == [WARD, WARD, LAND_OFFICE, LAND_OFFICE]


@pytest.mark.django_db
def test_import_refuses_unknown_agencies_and_foreign_departments(procedure):
    """An unknown agency code and a department of another agency are both
    reported with their position; nothing is written."""
    document = json.loads(export_catalogue())
    item = next(p for p in document["procedures"] if p["code"] == PROCEDURE)
    item["route"][0]["agency"] = "999.99.99.X00"
    item["route"][2]["department"] = {"agency": WARD, "code": "kinh-te-ha-tang"}
    with pytest.raises(CatalogueImportError) as excinfo:
        import_catalogue(document)
    joined = "\n".join(excinfo.value.errors)
    assert ".route[0].agency: unknown agency code '999.99.99.X00'" in joined
    assert ".route[2].department: belongs to" in joined
    assert Agency.objects.filter(code="999.99.99.X00").count() == 0
