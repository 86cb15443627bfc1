"""A real Celery worker against the real Redis delivers a reminder end to end.

Everywhere else the suite runs Celery eagerly (tests/conftest.py). Here the scan
task is published to Redis, a worker thread (``celery.contrib.testing.worker``)
consumes it, records the reminders in the database, publishes one delivery task
per reminder, consumes those, and the e-mails land in Django's test outbox.

The worker gets its own Celery app on a queue of its own (a fresh name each run,
deleted afterwards), so it neither takes nor leaves messages for anyone else on
the same Redis database. It runs only where ``REDIS_URL`` is set; in CI (``CI``
true) a missing or unreachable Redis fails the test instead of skipping it.
Bounded, generously for a busy machine: 60 s to start, 60 s to deliver, 30 s to stop.
"""

import os
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from celery import Celery, signals
from celery.contrib.testing.worker import TestWorkController, start_worker
from django.db import connections

from notifications.channels import KEY_HEADER
from notifications.models import Notification
from onecenter.celery import app as project_app
from reminders.models import Kind, Reminder, Status
from reminders.tasks import scan_and_send

from .conftest import at

REDIS_URL = os.environ.get("REDIS_URL", "")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
STARTUP_SECONDS = 60
DELIVERY_SECONDS = 60
SHUTDOWN_SECONDS = 30
NOW = "2026-12-04T07:00:00+07:00"

pytestmark = pytest.mark.django_db(transaction=True)


def unavailable(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, where Redis is required."""
    if IN_CI:
        pytest.fail(f"CI needs a reachable Redis for the worker test: {reason}")
    pytest.skip(reason)


@pytest.fixture
def broker() -> str:
    if not REDIS_URL:
        unavailable("REDIS_URL is not set: no real Redis to run a worker against")
    try:
        redis.Redis.from_url(
            REDIS_URL, socket_connect_timeout=3, socket_timeout=3
        ).ping()
    except redis.RedisError as error:
        unavailable(f"Redis at {REDIS_URL} does not answer: {error}")
    return REDIS_URL


class BoundedWorkController(TestWorkController):
    """The test worker, but giving up if it is not ready in time."""

    def ensure_started(self) -> None:
        if not self._on_started.wait(STARTUP_SECONDS):
            raise RuntimeError(f"The worker did not start in {STARTUP_SECONDS} s.")


@pytest.fixture
def worker_app(broker) -> Iterator[Celery]:
    """A non-eager Celery app on a private queue; the project app's eager mode
    (set for the suite in tests/conftest.py) is off meanwhile and restored."""
    queue = f"onecenter-test-reminders-{uuid.uuid4().hex[:12]}"
    app = Celery("onecenter-worker-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=broker,
        task_always_eager=False,
        task_default_queue=queue,
        worker_enable_remote_control=False,
        broker_connection_timeout=5,
        broker_connection_max_retries=3,
    )
    was_eager = project_app.conf.task_always_eager
    project_app.conf.task_always_eager = False
    try:
        yield app
    finally:
        project_app.conf.task_always_eager = was_eager
        # start_worker made the test app the current and default one.
        project_app.set_current()
        project_app.set_default()
        client = redis.Redis.from_url(broker, socket_timeout=3)
        client.delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )


def test_a_real_worker_delivers_a_reminder_end_to_end(
    worker_app, dossiers, mailoutbox
) -> None:
    """The scan task goes through Redis to a worker, which records the reminders
    and delivers each through a second round trip: the e-mails are in the
    outbox, the rows marked sent, the in-app notices written, the queue empty."""
    dossier = dossiers.processing(at("2026-12-01 10:00"))  # due today, Fri 4 Dec
    mailoutbox.clear()
    ran: list[tuple[str, str, str]] = []

    def record_run(sender=None, task=None, state=None, **kwargs) -> None:
        ran.append((task.name, threading.current_thread().name, state))
        # The worker thread's connection must not outlive the test database.
        connections.close_all()

    def leave_logging_alone(**kwargs) -> None:
        """A receiver here stops the worker from reconfiguring pytest's logging."""

    signals.task_postrun.connect(record_run, weak=False)
    signals.setup_logging.connect(leave_logging_alone, weak=False)
    started = time.monotonic()
    try:
        with start_worker(
            worker_app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            shutdown_timeout=SHUTDOWN_SECONDS,
            loglevel="WARNING",
            WorkController=BoundedWorkController,
        ):
            assert not worker_app.conf.task_always_eager
            assert not project_app.conf.task_always_eager
            worker_app.tasks[scan_and_send.name].delay(NOW)
            deadline = time.monotonic() + DELIVERY_SECONDS
            while len(mailoutbox) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            # Let the last delivery commit before the worker is stopped.
            while len(ran) < 3 and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        signals.task_postrun.disconnect(record_run)
        signals.setup_logging.disconnect(leave_logging_alone)

    assert time.monotonic() - started < 60
    assert sorted(name for name, _thread, _state in ran) == [
        "reminders.tasks.deliver_reminder",
        "reminders.tasks.deliver_reminder",
        "reminders.tasks.scan_and_send",
    ]
    assert {state for _name, _thread, state in ran} == {"SUCCESS"}
    main = threading.current_thread().name
    assert all(thread != main for _name, thread, _state in ran), ran

    reminders = list(Reminder.objects.order_by("recipient__username"))
    assert [(r.kind, r.recipient.username) for r in reminders] == [
        (Kind.DUE_TODAY, "clerk"),
        (Kind.DUE_TODAY, "officer"),
    ]
    assert all(r.status == Status.SENT and r.attempts == 1 for r in reminders)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "clerk@onecenter.local",
        "officer@onecenter.local",
    ]
    assert {m.extra_headers[KEY_HEADER] for m in mailoutbox} == {
        r.key for r in reminders
    }
    assert all(dossier.code in m.subject for m in mailoutbox)
    assert (
        Notification.objects.filter(link__endswith=f"/dossiers/{dossier.pk}/").count()
        == 2
    )
    queue = worker_app.conf.task_default_queue
    assert redis.Redis.from_url(REDIS_URL).llen(queue) == 0
