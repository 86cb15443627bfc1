"""The Celery side: the tasks (run eagerly here), the beat schedule, the admin."""

from collections.abc import Iterator

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.urls import reverse

from accounts.models import User
from onecenter.celery import app
from portal.demo import DEMO_PASSWORD
from reminders import scan
from reminders.models import Reminder, Status
from reminders.tasks import deliver_reminder, scan_and_send
from tests.factories import UserFactory

from .conftest import at

RECEIVED = at("2026-12-01 10:00")


def test_scan_and_send_run_twice_sends_once(
    dossiers, outbox, django_capture_on_commit_callbacks
) -> None:
    """The periodic task records what is due and, once that is committed,
    enqueues one delivery per reminder; run again, it sends nothing (each task
    run twice: the second does nothing)."""
    dossiers.processing(RECEIVED)
    dossiers.result_ready(RECEIVED, at("2026-12-01 15:00"))

    with django_capture_on_commit_callbacks(execute=True) as deliveries:
        assert scan_and_send.delay("2026-12-04T07:00:00+07:00").get() == 3
    # Only the reminders' sends count (other after-commit work, such as the
    # unread-badge cache of the notices, runs too).
    assert len([c for c in deliveries if "deliver_reminder" in repr(c)]) == 3
    with django_capture_on_commit_callbacks(execute=True) as deliveries:
        assert scan_and_send.delay("2026-12-04T07:00:00+07:00").get() == 0
    assert [c for c in deliveries if "deliver_reminder" in repr(c)] == []

    assert len(outbox) == 3
    assert set(Reminder.objects.values_list("status", flat=True)) == {Status.SENT}


def test_scan_and_send_on_a_non_working_day_enqueues_nothing(dossiers) -> None:
    """Beat fires every day; on a Sunday the scan itself does nothing."""
    dossiers.processing(RECEIVED)

    assert scan_and_send.delay("2026-12-06T07:00:00+07:00").get() == 0
    assert not Reminder.objects.exists()


def test_deliver_reminder_twice_sends_once(dossiers, outbox) -> None:
    """A redelivered task message finds the reminder sent and does nothing."""
    dossiers.result_ready(RECEIVED, at("2026-12-01 15:00"))
    [pk] = scan.record_due_reminders(at("2026-12-02 07:00")).pending

    assert deliver_reminder.delay(pk).get() == Status.SENT
    assert deliver_reminder.delay(pk).get() is None
    assert len(outbox) == 1


@pytest.fixture
def eager_retries() -> Iterator[None]:
    """Eagerly, a retry runs at once, in place, unless the error propagates."""
    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = propagates


def test_deliver_reminder_retries_until_the_last_attempt(
    dossiers, settings, eager_retries
) -> None:
    """A channel that keeps failing is retried by Celery (with backoff in a real
    worker) until NOTICE_MAX_ATTEMPTS, then the reminder is marked failed."""
    settings.EMAIL_BACKEND = "tests.reminders.test_delivery.BrokenEmailBackend"
    dossiers.result_ready(RECEIVED, at("2026-12-01 15:00"))
    [pk] = scan.record_due_reminders(at("2026-12-02 07:00")).pending

    assert deliver_reminder.apply(args=[pk]).get() == Status.FAILED

    reminder = Reminder.objects.get(pk=pk)
    assert reminder.attempts == django_settings.NOTICE_MAX_ATTEMPTS
    assert "SMTPServerDisconnected" in reminder.last_error


def test_tasks_survive_a_lost_worker() -> None:
    """Tasks are acknowledged after they run and requeued if the worker dies."""
    for task in (scan_and_send, deliver_reminder):
        assert task.acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.timezone == "Asia/Ho_Chi_Minh"


def test_beat_scans_at_seven_and_thirteen_every_day() -> None:
    """Beat runs the scan at 07:00 and 13:00 local time every day (a Saturday
    may be a make-up working day; the scan skips non-working days itself)."""
    entry = app.conf.beat_schedule["reminders-scan"]
    assert entry["task"] == scan_and_send.name
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.hour == {7, 13}
    assert schedule.minute == {0}
    assert schedule.day_of_week == set(range(7))
    assert scan_and_send.name in app.tasks


@pytest.fixture
def admin_client_logged_in(client, dossiers):
    """A superuser: reminders carry citizens' contact data, so the catalogue
    administrator (not a superuser) has no access to them (see below)."""
    UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(User.objects.get(username="root"))
    return client


def test_staff_see_sent_reminders_in_the_admin(
    admin_client_logged_in, dossiers, django_capture_on_commit_callbacks
) -> None:
    """The administrator lists the reminders and opens one, read-only; nobody
    adds or edits them by hand."""
    dossier = dossiers.processing(RECEIVED)
    with django_capture_on_commit_callbacks(execute=True):
        scan_and_send.delay("2026-12-04T07:00:00+07:00")
    reminder = Reminder.objects.filter(recipient__username="clerk").get()
    client = admin_client_logged_in

    listing = client.get(reverse("admin:reminders_reminder_changelist"))
    assert listing.status_code == 200
    assert dossier.code in listing.content.decode()
    assert "Lê Văn Hòa" in listing.content.decode()

    change_url = reverse("admin:reminders_reminder_change", args=[reminder.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert reminder.key in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change_url, {"status": "pending"}).status_code == 403
    assert client.get(reverse("admin:reminders_reminder_add")).status_code == 403


def test_the_catalogue_administrator_cannot_read_reminders(client, dossiers) -> None:
    client.login(username="admin", password=DEMO_PASSWORD)
    listing = client.get(reverse("admin:reminders_reminder_changelist"))
    assert listing.status_code == 403


def test_no_task_waits_for_a_retry_longer_than_the_visibility_timeout(settings):
    """A retry is held unacknowledged by the worker until its time; one held past
    the broker's visibility timeout would be handed to a second worker too."""
    from onecenter.celery import app

    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    waits = {
        # Celery waits at most 600 s unless a task says otherwise.
        name: getattr(task, "retry_backoff_max", 600)
        for name, task in app.tasks.items()
        if getattr(task, "retry_backoff", False)
    }
    assert "reminders.tasks.deliver_reminder" in waits
    assert all(wait < timeout for wait in waits.values()), waits
