"""The inter-agency tests' centre: the demo's vertical route (commune → province)
for re-issuing a lost land-use certificate (1.115712), its staff on both sides,
and a dossier received at the ward centre (docs/interagency.md)."""

from types import SimpleNamespace

import pytest

from accounts.models import Role
from dossiers import services
from dossiers.models import Dossier
from portal.demo import DEMO_PASSWORD, seed_accounts, seed_agencies
from procedures.catalogue_io import import_catalogue
from procedures.demo import demo_catalogue_document
from procedures.models import Agency, Department, Procedure
from tests.factories import UserFactory, demo_user, received_mandatory
from workcalendar.demo import seed_calendar

from .scenario import PROCEDURE, RECEIVED, TRANSFERRED, fresh


@pytest.fixture
def centre(db, settings, tmp_path) -> None:
    """The demo centre with the inter-agency procedure only; no dossiers."""
    settings.MEDIA_ROOT = tmp_path
    seed_calendar()
    seed_agencies()
    accounts = seed_accounts(DEMO_PASSWORD)
    catalogue = demo_catalogue_document()
    catalogue["procedures"] = [
        p for p in catalogue["procedures"] if p["code"] == PROCEDURE
    ]
    import_catalogue(
        catalogue, actor=next(u for u in accounts if u.username == "admin")
    )


@pytest.fixture
def people(centre) -> SimpleNamespace:
    """Both agencies' staff, the desk, the manager, and staff of a third agency."""
    justice = Agency.objects.get(code="000.00.12.H99")
    return SimpleNamespace(
        **{
            name: demo_user(name)
            for name in (
                "citizen",
                "clerk",
                "officer",
                "leader",
                "manager",
                "land_officer",
                "land_leader",
            )
        },
        other_officer=UserFactory(
            username="justice_officer",
            role=Role.OFFICER,
            agency=justice,
            department=Department.objects.get(
                agency=justice, code="hanh-chinh-tu-phap"
            ),
        ),
        other_leader=UserFactory(
            username="justice_leader",
            role=Role.LEADER,
            agency=justice,
            department=Department.objects.get(agency=justice, code="lanh-dao"),
        ),
    )


@pytest.fixture
def procedure(centre) -> Procedure:
    return Procedure.objects.get(code=PROCEDURE)


@pytest.fixture
def received(people, procedure) -> Dossier:
    """Received at the ward centre's counter on Tue 1 Dec 2026 at 10:00."""
    return services.dossier_receive_at_counter(
        clerk=people.clerk,
        at=RECEIVED,
        procedure=procedure,
        details=services.ApplicantDetails(
            name="Nguyễn Văn An", id_number="036095001234", phone="0912345678"
        ),
        applicant=people.citizen,
        received=received_mandatory(procedure),
    )


@pytest.fixture
def transferred(received, people) -> Dossier:
    """The desk transferred it to the ward's first step (Form 06, line 1)."""
    services.dossier_transfer(dossier=received, actor=people.clerk, at=TRANSFERRED)
    return fresh(received)
