"""One notice stream for a group file (docs/interagency.md, "The group's rules"):
the children's results, ready or handed back at different moments, reach the
applicant as one digest per window; a bulk hand-back is one notice; a single
dossier keeps its immediate notice; nothing is lost or half-sent."""

import threading
import time
from datetime import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.utils import translation

from accounts.models import Role
from dossiers import services
from dossiers.models import Dossier, State, TransitionLog, TransitionNotice
from dossiers.notices import applicant_recipient
from notifications.channels import MemorySMSBackend
from notifications.delivery import DeliveryError
from notifications.models import Notification, Status
from onecenter.celery import app
from procedure_groups import notices as group_notices
from procedure_groups.digest import hold_in_window
from procedure_groups.models import GroupFiling, GroupNotice
from procedure_groups.tasks import send_due_group_notices
from procedures.models import Procedure
from tests.factories import demo_user, received_mandatory

from .scenario import at
from .test_groups import file_group, group, staff  # noqa: F401 (fixture)

BIRTH = "1.001193"
WINDOW = 180  # the default, seconds


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "notifications.channels.MemorySMSBackend"
    MemorySMSBackend.outbox.clear()
    yield MemorySMSBackend.outbox
    MemorySMSBackend.outbox.clear()


@pytest.fixture
def window(settings) -> int:
    settings.GROUP_NOTICE_WINDOW_SECONDS = WINDOW
    return WINDOW


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def children_of(filing: GroupFiling) -> list[Dossier]:
    return [fresh(child.dossier) for child in filing.children.all()]


def agency_staff() -> dict[str, tuple]:
    """Each child's officer and leader: the ward (birth), the ward police
    (residence), the provincial social insurance (card)."""
    return {
        "birth": (demo_user("officer"), demo_user("leader")),
        "residence": (
            staff("000.21.33.H99", "cu-tru", Role.OFFICER, "police_officer"),
            staff("000.21.33.H99", "cu-tru", Role.LEADER, "police_leader"),
        ),
        "card": (
            staff("000.00.40.H99", "thu-so-the", Role.OFFICER, "bhxh_officer"),
            staff("000.00.40.H99", "lanh-dao", Role.LEADER, "bhxh_leader"),
        ),
    }


def take_to_result(dossier: Dossier, officer, leader, capture) -> None:
    """The desk transfers, the officer forwards, the leader approves at the
    travelled clock; on-commit callbacks run (the digest's countdown task runs
    at once, eager, and must find it not due)."""
    with capture(execute=True):
        services.dossier_transfer(dossier=fresh(dossier), actor=demo_user("clerk"))
        services.dossier_forward(dossier=fresh(dossier), actor=officer)
        services.dossier_approve(dossier=fresh(dossier), actor=leader)


def sweep_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return send_due_group_notices.apply().get()


def approvals(filing: GroupFiling) -> list[GroupNotice]:
    return list(
        GroupNotice.objects.filter(filing=filing, send_after__isnull=False).order_by(
            "pk"
        )
    )


def messages_of(notice: GroupNotice) -> list[Notification]:
    return list(Notification.objects.filter(key=notice.key))


# --- the window --------------------------------------------------------------------


@pytest.mark.django_db
def test_two_results_a_minute_apart_are_one_notice(
    group,  # noqa: F811
    window,
    sms,
    django_capture_on_commit_callbacks,
):
    """The birth registration approved at 14:00 and the residence at 14:01
    (window 3 minutes): no notice of either alone, one digest naming both
    children and their status, sent once when the window ends; a second sweep
    sends nothing."""
    mail.outbox.clear()
    filing = file_group(group)
    birth, residence, _card = children_of(filing)
    people = agency_staff()
    with time_machine.travel(at("2026-12-01 14:00"), tick=False):
        take_to_result(birth, *people["birth"], django_capture_on_commit_callbacks)
    [digest] = approvals(filing)
    assert digest.send_after == at("2026-12-01 14:03")
    # The countdown task ran at commit (eager) and found the window open.
    digest.refresh_from_db()
    assert digest.status == Status.PENDING and digest.attempts == 0
    with time_machine.travel(at("2026-12-01 14:01"), tick=False):
        take_to_result(
            residence, *people["residence"], django_capture_on_commit_callbacks
        )
    [same] = approvals(filing)
    assert same.pk == digest.pk
    logs = TransitionLog.objects.filter(
        dossier__in=[birth, residence], transition="approve"
    )
    assert set(digest.logs.all()) == set(logs)
    assert not TransitionNotice.objects.filter(log__in=logs).exists()

    assert sweep_at(at("2026-12-01 14:02")) == 0  # still inside the window
    assert messages_of(digest) == []
    assert sweep_at(at("2026-12-01 14:03")) == 1
    digest.refresh_from_db()
    assert digest.status == Status.SENT
    [message] = messages_of(digest)
    assert filing.code in message.subject
    with translation.override("vi"):
        ready = str(State.RESULT_READY.label)
    for child in (birth, residence):
        [line] = [line for line in message.body.splitlines() if child.code in line]
        assert line.startswith("- ") and ready in line
    assert len([m for m in mail.outbox if filing.code in m.subject]) >= 1
    assert [key for _phone, _text, key in sms].count(digest.key) == 1
    # The beat sweep run again (and the task itself) sends nothing twice.
    assert sweep_at(at("2026-12-01 14:04")) == 0
    with time_machine.travel(at("2026-12-01 14:04"), tick=False):
        assert group_notices.send_group_notice(digest.pk) is None
    assert len(messages_of(digest)) == 1


@pytest.mark.django_db
def test_results_outside_the_window_are_two_notices(
    group,  # noqa: F811
    window,
    django_capture_on_commit_callbacks,
):
    """The birth registration approved at 14:00, its digest sent at 14:03; the
    residence approved at 14:05 opens a second digest, sent at 14:08."""
    filing = file_group(group)
    birth, residence, _card = children_of(filing)
    people = agency_staff()
    with time_machine.travel(at("2026-12-01 14:00"), tick=False):
        take_to_result(birth, *people["birth"], django_capture_on_commit_callbacks)
    assert sweep_at(at("2026-12-01 14:03")) == 1
    with time_machine.travel(at("2026-12-01 14:05"), tick=False):
        take_to_result(
            residence, *people["residence"], django_capture_on_commit_callbacks
        )
    first, second = approvals(filing)
    assert first.status == Status.SENT and second.status == Status.PENDING
    assert second.send_after == at("2026-12-01 14:08")
    assert [log.dossier_id for log in first.logs.all()] == [birth.pk]
    assert [log.dossier_id for log in second.logs.all()] == [residence.pk]
    assert sweep_at(at("2026-12-01 14:08")) == 1
    assert len(messages_of(first)) == len(messages_of(second)) == 1


@pytest.mark.django_db
def test_a_bulk_hand_back_of_three_children_is_one_notice(
    group,  # noqa: F811
    window,
    django_capture_on_commit_callbacks,
):
    """Three results handed back in one bulk action at the desk: one digest
    with the three hand-backs, one message."""
    filing = file_group(group)
    children = children_of(filing)
    people = agency_staff()
    with time_machine.travel(at("2026-12-01 14:00"), tick=False):
        for child, name in zip(children, ("birth", "residence", "card"), strict=True):
            take_to_result(child, *people[name], django_capture_on_commit_callbacks)
    assert sweep_at(at("2026-12-01 14:03")) == 1  # the three results ready

    with (
        time_machine.travel(at("2026-12-01 15:00"), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outcome = services.dossier_bulk_act(
            action="return_result",
            selection=[(c.pk, fresh(c).version) for c in children],
            actor=demo_user("clerk"),
            channel="counter",
            collected_by="Nguyễn Thị Hoa",
            id_checked=True,
        )
    assert len(outcome.done) == 3 and outcome.refused == []
    ready, handed_back = approvals(filing)
    assert ready.logs.count() == 3
    assert (
        sorted(handed_back.logs.values_list("transition", flat=True))
        == ["return_result"] * 3
    )
    assert sweep_at(at("2026-12-01 15:03")) == 1
    [message] = messages_of(handed_back)
    for child in children:
        assert child.code in message.body
    assert not TransitionNotice.objects.filter(
        log__dossier__in=children, log__transition__in=["approve", "return_result"]
    ).exists()


@pytest.mark.django_db
def test_a_single_dossier_keeps_its_immediate_notice(
    group,  # noqa: F811
    window,
    django_capture_on_commit_callbacks,
):
    """A birth registration filed alone (no group): its approval is told at
    once, in its own notice, sent after commit."""
    procedure = Procedure.objects.get(code=BIRTH)
    dossier = services.dossier_receive_at_counter(
        clerk=demo_user("clerk"),
        procedure=procedure,
        details=services.ApplicantDetails(name="Lê Văn Minh", phone="0912000333"),
        applicant=demo_user("citizen"),
        received=received_mandatory(procedure),
        at=at("2026-12-01 09:00"),
    )
    with time_machine.travel(at("2026-12-01 14:00"), tick=False):
        take_to_result(
            dossier,
            demo_user("officer"),
            demo_user("leader"),
            django_capture_on_commit_callbacks,
        )
    notice = TransitionNotice.objects.get(
        log__dossier=dossier, log__transition="approve"
    )
    assert notice.status == Status.SENT
    assert not GroupNotice.objects.exists()


# --- nothing lost, nothing half-sent ----------------------------------------------


@pytest.mark.django_db
def test_a_change_rolled_back_leaves_no_digest(
    group,  # noqa: F811
    window,
    django_capture_on_commit_callbacks,
):
    """The approval's transaction fails after the digest was written: neither
    the approval nor the digest (nor its queued sending) remains."""
    filing = file_group(group)
    birth = children_of(filing)[0]
    officer, leader = agency_staff()["birth"]
    services.dossier_transfer(dossier=fresh(birth), actor=demo_user("clerk"))
    services.dossier_forward(dossier=fresh(birth), actor=officer)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.dossier_approve(dossier=fresh(birth), actor=leader)
        assert approvals(filing)  # written in the change's transaction
        raise RuntimeError("the worker died")
    assert callbacks == []
    assert fresh(birth).state == State.PROCESSING
    assert approvals(filing) == []


@pytest.mark.django_db
def test_a_channel_failing_mid_way_leaves_the_digest_pending_and_whole(
    group,  # noqa: F811
    window,
    sms,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """The SMS gateway fails after the in-app message and the e-mail went: the
    digest stays pending with those two stamped; a change meanwhile opens a new
    digest (the one being sent is not lengthened); the retry sends the SMS
    only."""
    mail.outbox.clear()
    filing = file_group(group)
    birth, residence, _card = children_of(filing)
    people = agency_staff()
    with time_machine.travel(at("2026-12-01 14:00"), tick=False):
        take_to_result(birth, *people["birth"], django_capture_on_commit_callbacks)
    [digest] = approvals(filing)
    calls = {"n": 0}

    def flaky(self, phone, text, *, key):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("gateway down")
        MemorySMSBackend.outbox.append((phone, text, key))

    monkeypatch.setattr(MemorySMSBackend, "send", flaky)
    with (
        time_machine.travel(at("2026-12-01 14:03"), tick=False),
        pytest.raises(DeliveryError),
    ):
        group_notices.send_group_notice(digest.pk)
    digest.refresh_from_db()
    assert digest.status == Status.PENDING and digest.attempts == 1
    assert digest.notified_at and digest.emailed_at and digest.texted_at is None
    emails = len(mail.outbox)

    with time_machine.travel(at("2026-12-01 14:04"), tick=False):
        take_to_result(
            residence, *people["residence"], django_capture_on_commit_callbacks
        )
    first, second = approvals(filing)
    assert first.pk == digest.pk and first.logs.count() == 1
    assert [log.dossier_id for log in second.logs.all()] == [residence.pk]
    # The sweep leaves the retried digest to its own task's retries.
    assert sweep_at(at("2026-12-01 14:05")) == 0
    with time_machine.travel(at("2026-12-01 14:05"), tick=False):
        assert group_notices.send_group_notice(digest.pk).status == Status.SENT
    assert len(mail.outbox) == emails
    assert len(messages_of(digest)) == 1
    assert [key for _phone, _text, key in sms] == [digest.key]


@pytest.mark.django_db
def test_the_countdown_task_and_the_beat_sweep_are_wired(group, window):  # noqa: F811
    """Beat runs the sweep every minute; the sending task is acknowledged after
    it runs and requeued if its worker dies."""
    entry = app.conf.beat_schedule["group-notice-digests"]
    assert entry["task"] == send_due_group_notices.name
    assert entry["schedule"] == 60.0
    assert send_due_group_notices.name in app.tasks
    assert app.conf.task_reject_on_worker_lost is True


# --- two workers ------------------------------------------------------------------


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
        )
        row = cursor.fetchone()
    return bool(row and row[0] == "Lock")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Row locks between connections need PostgreSQL.",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_opening_the_digest_at_once_share_it(
    group,  # noqa: F811
    window,
):
    """Two transactions each record a child's result for the same group file
    at the same moment: the second's insert waits for the first's, fails on
    the one-open-digest constraint and joins the first's digest."""
    filing = file_group(group)
    birth, residence, _card = children_of(filing)
    recipient = applicant_recipient(birth, "applicant")
    log_a, log_b = (
        TransitionLog.objects.create(
            dossier=dossier,
            transition="return_result",
            from_state=State.RESULT_READY,
            to_state=State.RETURNED,
            created_at=at("2026-12-01 14:00"),
        )
        for dossier in (birth, residence)
    )
    opened, release = threading.Event(), threading.Event()
    pids: dict[str, int] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                assert hold_in_window(filing.code, [(log_a, recipient)])
                opened.set()
                assert release.wait(timeout=30)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    def second() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids["second"] = cursor.fetchone()[0]
        try:
            with transaction.atomic():
                assert hold_in_window(filing.code, [(log_b, recipient)])
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    a = threading.Thread(target=first)
    a.start()
    assert opened.wait(timeout=30)
    b = threading.Thread(target=second)
    b.start()
    try:
        deadline = time.monotonic() + 30
        while "second" not in pids or not _waiting_on_a_lock(pids["second"]):
            assert time.monotonic() < deadline, "the second insert never waited"
            b.join(timeout=0.01)  # it should not end: it waits for the first
            assert b.is_alive(), errors
    finally:
        release.set()
        a.join(timeout=30)
        b.join(timeout=30)
    assert errors == []
    [digest] = GroupNotice.objects.filter(filing=filing, send_after__isnull=False)
    assert {log.pk for log in digest.logs.all()} == {log_a.pk, log_b.pk}
