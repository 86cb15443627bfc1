"""Fixtures for reminders: the demo centre with one procedure, dossiers at set times.

Dossiers are moved through the real services with ``at=`` moments in December
2026, so due dates and step dues are what the engine computes. Procedure
1.004873 is received at the Đông Sơn ward desk (the demo clerk) and decided by
the ward People's Committee in 3 working days: an officer's review step in the
civil-status department (the demo officer), then the leader's approval (the demo
leader). The demo manager's agency is the province, above both.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from dossiers import services
from dossiers.models import Attachment, Channel, Dossier, State
from notifications.channels import MemorySMSBackend
from portal.demo import DEMO_PASSWORD, seed_accounts, seed_agencies
from procedures.catalogue_io import import_catalogue
from procedures.demo import demo_catalogue_document
from procedures.models import Procedure
from tests.conftest import SEEDED_STATES
from tests.factories import demo_user
from workcalendar.demo import seed_calendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PROCEDURE = "1.004873"
ITEMS = [{"paper_index": 0, "guidance": "Ký tên vào tờ khai."}]


def at(text: str) -> datetime:
    """A local moment in the centre's time zone, from "YYYY-MM-DD HH:MM"."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def seed_centre() -> None:
    """Calendar, agencies, the demo accounts and one procedure; no dossiers."""
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


# Seeded once per test process and restored before each test that asks for it
# (tests/conftest.py). The name is the suite's own: other modules define a
# `centre` fixture of their own.
SEEDED_STATES["reminders_centre"] = seed_centre


@pytest.fixture
def reminders_centre(database_state, db, settings, tmp_path) -> None:
    database_state.use("reminders_centre", settings, tmp_path)


@pytest.fixture
def centre(reminders_centre) -> None:
    """Calendar, agencies, the demo accounts and one procedure; no dossiers."""


@pytest.fixture(autouse=True)
def quiet_channels(settings) -> Iterator[list[tuple[str, str, str]]]:
    """SMS kept in memory and absolute links on a known host."""
    settings.SMS_BACKEND = "notifications.channels.MemorySMSBackend"
    settings.SITE_URL = "https://onecenter.example.vn"
    MemorySMSBackend.outbox.clear()
    yield MemorySMSBackend.outbox
    MemorySMSBackend.outbox.clear()


@pytest.fixture
def sms(quiet_channels) -> list[tuple[str, str, str]]:
    """The SMS outbox: (phone, text, key) per message."""
    return quiet_channels


class Dossiers:
    """Builds dossiers of the citizen through the services, at given moments.

    Applicants are not notified of these transitions (``notifications_muted``):
    only reminders reach the outbox.
    """

    def submitted(self, at_: datetime, **applicant: object) -> Dossier:
        procedure = Procedure.objects.get(code=PROCEDURE)
        citizen = demo_user("citizen")
        fields = {
            "applicant": citizen,
            "applicant_name": citizen.full_name,
            "applicant_email": citizen.email,
            "applicant_phone": citizen.phone,
            **applicant,
        }
        dossier = Dossier.objects.create(
            procedure=procedure,
            procedure_snapshot=services.snapshot_procedure(procedure),
            channel=Channel.ONLINE,
            receiving_desk=procedure.receiving_agency,
            deciding_agency=procedure.deciding_agency,
            **fields,
        )
        for paper in dossier.papers:
            if paper["mandatory"]:
                Attachment.objects.create(
                    dossier=dossier,
                    paper_index=paper["index"],
                    file=f"dossiers/{dossier.pk}/scan-{paper['index']}",
                    original_name="scan.pdf",
                    content_type="application/pdf",
                    size=100,
                )
        Dossier.objects.filter(pk=dossier.pk).update(
            state=State.SUBMITTED, submitted_at=at_
        )
        return self.fresh(dossier)

    def received(self, at_: datetime, **applicant: object) -> Dossier:
        dossier = self.submitted(at_, **applicant)
        with services.notifications_muted():
            services.dossier_receive(dossier=dossier, actor=demo_user("clerk"), at=at_)
        return self.fresh(dossier)

    def processing(
        self, at_: datetime, *, assign: bool = False, **applicant: object
    ) -> Dossier:
        """Received at ``at_`` and transferred half an hour later."""
        dossier = self.received(at_, **applicant)
        with services.notifications_muted():
            services.dossier_transfer(
                dossier=dossier,
                actor=demo_user("clerk"),
                assignee=demo_user("officer") if assign else None,
                at=at_ + timedelta(minutes=30),
            )
        return self.fresh(dossier)

    def awaiting_supplement(self, at_: datetime, requested: datetime) -> Dossier:
        dossier = self.processing(at_)
        with services.notifications_muted():
            services.dossier_request_supplement(
                dossier=dossier,
                actor=demo_user("officer"),
                items=ITEMS,
                message="Đề nghị bổ sung tờ khai có chữ ký.",
                at=requested,
            )
        return self.fresh(dossier)

    def intake_supplement(self, at_: datetime, requested: datetime) -> Dossier:
        dossier = self.submitted(at_)
        with services.notifications_muted():
            services.dossier_request_intake_supplement(
                dossier=dossier,
                actor=demo_user("clerk"),
                items=ITEMS,
                message="Đề nghị bổ sung tờ khai có chữ ký.",
                at=requested,
            )
        return self.fresh(dossier)

    def result_ready(
        self, at_: datetime, decided: datetime, **applicant: object
    ) -> Dossier:
        dossier = self.processing(at_, **applicant)
        with services.notifications_muted():
            services.dossier_forward(
                dossier=dossier, actor=demo_user("officer"), at=decided
            )
            services.dossier_approve(
                dossier=self.fresh(dossier), actor=demo_user("leader"), at=decided
            )
        return self.fresh(dossier)

    @staticmethod
    def fresh(dossier: Dossier) -> Dossier:
        return Dossier.objects.get(pk=dossier.pk)


@pytest.fixture
def dossiers(centre) -> Dossiers:
    return Dossiers()


@pytest.fixture
def outbox(mailoutbox) -> list:
    """The e-mail outbox, empty at the start."""
    mail.outbox.clear()
    return mailoutbox
