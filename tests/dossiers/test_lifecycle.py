"""The dossier lifecycle end to end through the services, with the demo centre."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import services
from dossiers.models import State, Timeliness, TransitionLog
from dossiers.selectors import dossiers_visible_to
from procedures.models import Procedure
from tests.factories import demo_user

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


@pytest.fixture
def filed(demo, settings, tmp_path):
    """A citizen's online marriage-status certificate dossier, submitted."""
    settings.MEDIA_ROOT = tmp_path
    citizen = demo_user("citizen")
    procedure = Procedure.objects.get(code="1.004873")
    dossier = services.dossier_create_draft(applicant=citizen, procedure=procedure)
    for paper in dossier.papers:
        if paper["mandatory"]:
            services.dossier_attach_paper(
                dossier=dossier, actor=citizen, paper_index=paper["index"], upload=pdf()
            )
    services.dossier_submit(dossier=dossier, actor=citizen, at=at("2026-12-01 09:00"))
    dossier.refresh_from_db()
    return dossier


def test_online_dossier_goes_from_draft_to_returned(
    filed, django_capture_on_commit_callbacks
):
    """A dossier is received, processed along its route, decided and returned."""
    clerk, officer, leader, citizen = (
        demo_user(n) for n in ("clerk", "officer", "leader", "citizen")
    )
    dossier = filed
    assert dossier.state == State.SUBMITTED
    services.dossier_receive(dossier=dossier, actor=clerk, at=at("2026-12-01 10:00"))
    dossier.refresh_from_db()
    assert re.fullmatch(r"000\.21\.32\.H99-261201-\d{4}", dossier.code)
    assert len(dossier.lookup_pin) == 6
    # 3 working days from Tue 1 Dec 2026: due Fri 4 Dec at 17:00.
    assert dossier.due_at == at("2026-12-04 17:00")
    services.dossier_transfer(dossier=dossier, actor=clerk, at=at("2026-12-01 10:30"))
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING
    assert dossier.steps.count() == 2
    assert dossier.steps.last().due_at == dossier.due_at
    assert dossier in dossiers_visible_to(officer)
    services.dossier_request_supplement(
        dossier=dossier,
        actor=officer,
        items=[{"paper_index": 0, "guidance": "Ký tên vào tờ khai"}],
        message="Vui lòng bổ sung tờ khai có chữ ký.",
        at=at("2026-12-02 08:00"),
    )
    services.dossier_supplement(
        dossier=dossier, actor=citizen, at=at("2026-12-03 08:00")
    )
    dossier.refresh_from_db()
    # Paused one full working day (Wed 08:00 to Thu 08:00): due moves to Mon 7 Dec.
    assert dossier.current_due_at == at("2026-12-07 17:00")
    assert dossier.due_at == at("2026-12-04 17:00")
    services.dossier_forward(dossier=dossier, actor=officer, at=at("2026-12-03 10:00"))
    services.dossier_approve(
        dossier=dossier,
        actor=leader,
        result_files=[pdf("ket-qua.pdf")],
        at=at("2026-12-03 15:00"),
    )
    with django_capture_on_commit_callbacks() as callbacks:
        services.dossier_return_result(
            dossier=dossier, actor=clerk, channel="online", at=at("2026-12-04 09:00")
        )
    # Besides the notice, the staff's counts are retired (dossiers/freshness.py).
    assert len([c for c in callbacks if c.__module__ != "dossiers.freshness"]) == 1
    dossier.refresh_from_db()
    assert dossier.state == State.RETURNED
    assert dossier.timeliness == Timeliness.EARLY
    transitions = list(
        TransitionLog.objects.filter(dossier=dossier).values_list(
            "transition", flat=True
        )
    )
    assert transitions == [
        "submit",
        "receive",
        "transfer",
        "request_supplement",
        "supplement",
        "forward",
        "approve",
        "return_result",
    ]
