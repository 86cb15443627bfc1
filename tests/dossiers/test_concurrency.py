"""Real concurrency on PostgreSQL: dossier codes and racing transitions.

Each test starts real threads, each with its own database connection, released
together by a barrier; the row locks taken by the services decide who goes first.
SQLite serialises whole transactions, so these run on PostgreSQL only.
"""

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.utils import timezone, translation

from accounts.models import Role
from dossiers import notices, services
from dossiers import tasks as dossier_tasks
from dossiers.models import (
    Attachment,
    Channel,
    Dossier,
    DossierCodeCounter,
    Pause,
    State,
    SupplementRequest,
    TransitionLog,
    TransitionNotice,
)
from notifications.models import Status
from portal.demo import DEMO_PASSWORD, WARD_CENTRE, seed_accounts, seed_agencies
from procedures.catalogue_io import import_catalogue
from procedures.demo import demo_catalogue_document
from procedures.models import Agency, Procedure
from tests.factories import UserFactory, demo_user
from workcalendar.demo import seed_calendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PROCEDURE = "1.004873"  # ward desk, 3 working days, two route steps
CODE_PREFIX = "000.21.32.H99-261201-"
RECEIVED = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)
THREADS = 8

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Row locks and concurrent connections need PostgreSQL.",
    ),
    pytest.mark.django_db(transaction=True),
]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def centre(db, settings) -> None:
    """The demo centre and its procedure: calendar, agencies, accounts; no dossiers."""
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


def submitted() -> Dossier:
    """The citizen's online dossier, submitted with its mandatory papers."""
    procedure = Procedure.objects.get(code=PROCEDURE)
    dossier = Dossier.objects.create(
        applicant=demo_user("citizen"),
        applicant_name="Nguyễn Văn An",
        applicant_email="citizen@example.vn",
        procedure=procedure,
        procedure_snapshot=services.snapshot_procedure(procedure),
        channel=Channel.ONLINE,
        receiving_desk=procedure.receiving_agency,
        deciding_agency=procedure.deciding_agency,
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
        state=State.SUBMITTED, submitted_at=at("2026-12-01 09:00")
    )
    return Dossier.objects.get(pk=dossier.pk)


def processing() -> Dossier:
    """A dossier received and transferred: at the officer's review step."""
    dossier = submitted()
    clerk = demo_user("clerk")
    services.dossier_receive(dossier=dossier, actor=clerk, at=RECEIVED)
    services.dossier_transfer(dossier=dossier, actor=clerk, at=at("2026-12-01 10:30"))
    return Dossier.objects.get(pk=dossier.pk)


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run each call in its own thread, all released at once; results or errors."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            with translation.override("en"):
                barrier.wait(timeout=20)
                outcomes[index] = call()
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


def one_winner(outcomes: list[Any]) -> Exception:
    """Exactly one call succeeded; the loser's error is returned."""
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1, outcomes
    assert isinstance(errors[0], services.DossierChanged | services.TransitionRefused)
    return errors[0]


def log_count(dossier: Dossier) -> int:
    return TransitionLog.objects.filter(dossier=dossier).count()


def test_codes_issued_at_once_at_one_desk_are_distinct_and_consecutive(
    centre,
) -> None:
    """Eight clerks' threads receiving eight dossiers at the same desk on the same
    day get eight distinct codes numbered 0001 to 0008, with no gap."""
    clerk = demo_user("clerk")
    dossiers = [submitted() for _ in range(THREADS)]
    outcomes = race(
        *(
            lambda d=d: services.dossier_receive(dossier=d, actor=clerk, at=RECEIVED)
            for d in dossiers
        )
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    codes = sorted(
        Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).values_list(
            "code", flat=True
        )
    )
    assert codes == [f"{CODE_PREFIX}{n:04d}" for n in range(1, THREADS + 1)]
    counter = DossierCodeCounter.objects.get()
    assert counter.last_number == THREADS
    assert all(log_count(d) == 1 for d in dossiers)


def test_a_double_receipt_issues_one_code(centre) -> None:
    """The same clerk receiving one dossier twice at once: one receipt, the other
    refused with the dossier's new state; one log row, and the counter moved once
    (the next dossier of the day gets 0002)."""
    clerk = demo_user("clerk")
    dossier = submitted()
    outcomes = race(
        lambda: services.dossier_receive(dossier=dossier, actor=clerk, at=RECEIVED),
        lambda: services.dossier_receive(dossier=dossier, actor=clerk, at=RECEIVED),
    )
    error = one_winner(outcomes)
    assert isinstance(error, services.TransitionRefused)
    assert "cannot be done while the dossier is “Received”" in str(error)
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED
    assert dossier.code == f"{CODE_PREFIX}0001"
    assert log_count(dossier) == 1
    assert DossierCodeCounter.objects.get().last_number == 1
    other = submitted()
    services.dossier_receive(dossier=other, actor=clerk, at=RECEIVED)
    other.refresh_from_db()
    assert other.code == f"{CODE_PREFIX}0002"


def test_two_clerks_acting_on_the_same_version_one_is_told_it_changed(
    centre,
) -> None:
    """Two clerks of the desk receive the dossier they both loaded (same version):
    one succeeds, the other gets "changed by someone else" and nothing of theirs
    is saved."""
    colleague = UserFactory(
        username="second-clerk",
        role=Role.CLERK,
        agency=Agency.objects.get(code=WARD_CENTRE),
    )
    clerks = [demo_user("clerk"), colleague]
    dossier = submitted()
    version = dossier.version
    outcomes = race(
        *(
            lambda c=c: services.dossier_receive(
                dossier=dossier, actor=c, expected_version=version, at=RECEIVED
            )
            for c in clerks
        )
    )
    error = one_winner(outcomes)
    assert isinstance(error, services.DossierChanged)
    assert "changed by someone else" in str(error)
    dossier.refresh_from_db()
    assert dossier.version == version + 1
    assert log_count(dossier) == 1
    assert DossierCodeCounter.objects.get().last_number == 1


def test_withdrawal_and_receipt_at_once_one_wins(centre) -> None:
    """The applicant withdraws while the clerk receives: whichever comes second is
    refused; a refused receipt leaves no number taken from the desk's counter."""
    dossier = submitted()
    citizen, clerk = demo_user("citizen"), demo_user("clerk")
    outcomes = race(
        lambda: services.dossier_withdraw(dossier=dossier, actor=citizen, at=RECEIVED),
        lambda: services.dossier_receive(dossier=dossier, actor=clerk, at=RECEIVED),
    )
    error = one_winner(outcomes)
    assert isinstance(error, services.TransitionRefused)
    dossier.refresh_from_db()
    assert log_count(dossier) == 1
    assert dossier.state in {State.WITHDRAWN, State.RECEIVED}
    other = submitted()
    services.dossier_receive(dossier=other, actor=clerk, at=RECEIVED)
    other.refresh_from_db()
    expected = "0001" if dossier.state == State.WITHDRAWN else "0002"
    assert other.code == f"{CODE_PREFIX}{expected}"


def test_a_double_supplement_request_pauses_once(centre) -> None:
    """The officer's request for papers sent twice at once: one Form 02, one pause,
    one log row; the second is refused."""
    dossier = processing()
    officer = demo_user("officer")
    before = log_count(dossier)

    def request() -> Any:
        return services.dossier_request_supplement(
            dossier=dossier,
            actor=officer,
            items=[{"paper_index": 0, "guidance": "Ký tên vào tờ khai"}],
            message="Bổ sung tờ khai có chữ ký.",
            at=at("2026-12-02 10:00"),
        )

    error = one_winner(race(request, request))
    assert isinstance(error, services.TransitionRefused)
    dossier.refresh_from_db()
    assert dossier.state == State.AWAITING_SUPPLEMENT
    assert log_count(dossier) == before + 1
    assert Pause.objects.filter(dossier=dossier).count() == 1
    assert SupplementRequest.objects.filter(dossier=dossier).count() == 1


def test_stop_and_supplement_request_on_one_version_one_wins(centre) -> None:
    """The leader stops while the officer asks for papers, both on the version they
    loaded: one move happens, the other is told the dossier changed; no pause is
    left open on a stopped dossier."""
    dossier = processing()
    version = dossier.version
    before = log_count(dossier)
    leader, officer = demo_user("leader"), demo_user("officer")
    outcomes = race(
        lambda: services.dossier_stop(
            dossier=dossier,
            actor=leader,
            reasons="Người nộp đề nghị dừng.",
            expected_version=version,
            at=at("2026-12-02 10:00"),
        ),
        lambda: services.dossier_request_supplement(
            dossier=dossier,
            actor=officer,
            items=[{"paper_index": 0, "guidance": "Ký tên vào tờ khai"}],
            message="Bổ sung tờ khai có chữ ký.",
            expected_version=version,
            at=at("2026-12-02 10:00"),
        ),
    )
    error = one_winner(outcomes)
    assert isinstance(error, services.DossierChanged)
    dossier.refresh_from_db()
    assert dossier.version == version + 1
    assert log_count(dossier) == before + 1
    pauses = Pause.objects.filter(dossier=dossier)
    if dossier.state == State.STOPPED:
        assert not pauses.exists()
        assert not SupplementRequest.objects.filter(dossier=dossier).exists()
    else:
        assert dossier.state == State.AWAITING_SUPPLEMENT
        assert pauses.filter(resumed_at__isnull=True).count() == 1


def test_a_double_resume_moves_the_due_dates_once(centre) -> None:
    """The applicant's supplement sent twice at once resumes the clock once: the
    due dates move by the paused time once, and one log row is written."""
    dossier = processing()
    services.dossier_request_supplement(
        dossier=dossier,
        actor=demo_user("officer"),
        items=[{"paper_index": 0, "guidance": "Ký tên vào tờ khai"}],
        message="Bổ sung tờ khai có chữ ký.",
        at=at("2026-12-02 10:00"),
    )
    before = log_count(dossier)
    citizen = demo_user("citizen")

    def resume() -> Any:
        return services.dossier_supplement(
            dossier=dossier, actor=citizen, at=at("2026-12-02 14:00")
        )

    error = one_winner(race(resume, resume))
    assert isinstance(error, services.TransitionRefused)
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING
    assert log_count(dossier) == before + 1
    # 2 h 30 min paused: Fri 4 Dec 17:00 becomes Mon 7 Dec 10:00, once.
    assert dossier.current_due_at == at("2026-12-07 10:00")
    assert list(
        dossier.steps.order_by("position").values_list("due_at", flat=True)
    ) == [at("2026-12-04 14:42"), at("2026-12-07 10:00")]
    assert not Pause.objects.filter(dossier=dossier, resumed_at__isnull=True).exists()


def test_a_notice_is_sent_while_its_dossier_is_locked_by_a_change(centre, mailoutbox):
    """The sender locks the notice's row only: a change holding the dossier's row
    (a transition in progress) does not make it skip the notice, which would then
    never be sent."""
    dossier = processing()
    notice = TransitionNotice.objects.filter(log__dossier=dossier).latest("id")
    TransitionNotice.objects.filter(pk=notice.pk).update(
        status=Status.PENDING,
        attempts=0,
        sent_at=None,
        notified_at=None,
        emailed_at=None,
        texted_at=None,
    )
    locked, release = threading.Event(), threading.Event()

    def hold_the_dossier() -> None:
        try:
            with transaction.atomic():
                Dossier.objects.select_for_update().get(pk=dossier.pk)
                locked.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_dossier)
    holder.start()
    try:
        assert locked.wait(timeout=60)
        mailoutbox.clear()
        sent = notices.send_transition_notice(notice.pk)
    finally:
        release.set()
        holder.join(timeout=60)
    assert sent is not None and sent.status == Status.SENT
    assert [m.to for m in mailoutbox] == [["citizen@example.vn"]]


def test_the_sweep_queues_again_only_old_notices_never_tried(centre, settings):
    """A notice whose sending message was lost is sent by the beat sweep once it
    is older than NOTICE_SWEEP_AFTER_SECONDS; a recent one, or one a worker tried
    already (its own retries continue), is left alone."""
    settings.NOTICE_SWEEP_AFTER_SECONDS = 120
    dossier = processing()
    other = processing()
    TransitionNotice.objects.all().delete()
    logs = TransitionLog.objects.filter(dossier__in=[dossier, other]).order_by("id")
    lost, recent, tried = (
        TransitionNotice.objects.create(
            key=f"test:{log.pk}",
            log=log,
            recipient=demo_user("citizen"),
            recipient_name="Nguyễn Văn An",
            email="citizen@example.vn",
        )
        for log in logs[:3]
    )
    long_ago = timezone.now() - timedelta(minutes=10)
    TransitionNotice.objects.filter(pk=lost.pk).update(created_at=long_ago)
    TransitionNotice.objects.filter(pk=tried.pk).update(created_at=long_ago, attempts=1)
    assert notices.never_tried(120) == [lost.pk]
    assert dossier_tasks.send_pending_notices() == 1
    statuses = dict(TransitionNotice.objects.values_list("pk", "status"))
    assert statuses[lost.pk] == Status.SENT
    assert statuses[recent.pk] == statuses[tried.pk] == Status.PENDING
