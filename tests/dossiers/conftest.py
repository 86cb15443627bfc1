"""The dossier tests' centre: the demo marriage-status procedure and a dossier at
each point of its lifecycle, reached through the services (test_services.py and
the counter, Form 04 and tracking tests share them)."""

from types import SimpleNamespace

import pytest

from dossiers import services
from dossiers.models import Dossier
from portal.demo import DEMO_PASSWORD, seed_accounts, seed_agencies
from procedures.catalogue_io import import_catalogue
from procedures.demo import demo_catalogue_document
from procedures.models import Procedure
from tests.factories import demo_user
from workcalendar.demo import seed_calendar

from .scenario import PROCEDURE, RECEIVED, TRANSFERRED, at, fresh, pdf


@pytest.fixture
def centre(db, settings, tmp_path) -> None:
    """The demo centre and its procedure: calendar, agencies, accounts; no dossiers."""
    settings.MEDIA_ROOT = tmp_path
    seed_calendar()
    seed_agencies()
    accounts = seed_accounts(DEMO_PASSWORD)
    catalogue = demo_catalogue_document()
    catalogue["procedures"] = [
        p for p in catalogue["procedures"] if p["code"] in {PROCEDURE}
    ]
    import_catalogue(
        catalogue, actor=next(u for u in accounts if u.username == "admin")
    )


@pytest.fixture
def people(centre) -> SimpleNamespace:
    return SimpleNamespace(
        **{
            name: demo_user(name)
            for name in ("citizen", "clerk", "officer", "leader", "manager")
        }
    )


@pytest.fixture
def procedure(centre) -> Procedure:
    return Procedure.objects.get(code=PROCEDURE)


@pytest.fixture
def draft(people, procedure) -> Dossier:
    """The citizen's online draft with every mandatory paper attached."""
    dossier = services.dossier_create_draft(
        applicant=people.citizen, procedure=procedure
    )
    for paper in dossier.papers:
        if paper["mandatory"]:
            services.dossier_attach_paper(
                dossier=dossier,
                actor=people.citizen,
                paper_index=paper["index"],
                upload=pdf(),
            )
    return fresh(dossier)


@pytest.fixture
def filed(draft, people) -> Dossier:
    services.dossier_submit(
        dossier=draft, actor=people.citizen, at=at("2026-12-01 09:00")
    )
    return fresh(draft)


@pytest.fixture
def received(filed, people) -> Dossier:
    services.dossier_receive(dossier=filed, actor=people.clerk, at=RECEIVED)
    return fresh(filed)


@pytest.fixture
def processing(received, people) -> Dossier:
    services.dossier_transfer(dossier=received, actor=people.clerk, at=TRANSFERRED)
    return fresh(received)


@pytest.fixture
def at_last_step(processing, people) -> Dossier:
    services.dossier_forward(
        dossier=processing, actor=people.officer, at=at("2026-12-02 09:00")
    )
    return fresh(processing)


@pytest.fixture
def result_ready(at_last_step, people) -> Dossier:
    services.dossier_approve(
        dossier=at_last_step, actor=people.leader, at=at("2026-12-03 15:00")
    )
    return fresh(at_last_step)
