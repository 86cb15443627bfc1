"""A Celery worker killed with SIGKILL mid-delivery loses nothing.

A real worker (``celery -A onecenter worker -P threads``) runs against this
test's PostgreSQL database and a Redis database of the test's own (8 unless
``OUTBOX_TEST_REDIS_DB`` says otherwise; the suite's broker is on 0, the test
processes' caches on 1 to 4, the two-node test on 7). The receiver holds the
first request open, so the worker is killed while it waits for the answer,
with the delivery row locked in an open transaction. The receiver then applies
that request anyway (it got it; the sender never learned). A second worker
started afterwards is handed the same task by Redis once the visibility
timeout (5 s here) has passed (``acks_late``), sends the event again with the
same idempotency key, then the dossier's next events: the receiver's dedup
table ends with each event once, in order.

Skipped when the test database is not PostgreSQL or Redis does not answer;
under ``CI=true`` it fails instead. Waits poll, bounded generously.
"""

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection

from dossiers import services
from outbox.models import Delivery, Event, Kind, Status, Subscriber
from tests.dossiers.scenario import RECEIVED, TRANSFERRED, fresh

from .journey import file_dossier
from .receiver import Receiver

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
BIN = Path(sys.executable).parent
REDIS_DB = int(os.environ.get("OUTBOX_TEST_REDIS_DB", "8"))
VISIBILITY_TIMEOUT = 5
WAIT_SECONDS = 120

pytestmark = pytest.mark.django_db(transaction=True)


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI needs PostgreSQL and Redis for the worker test: {reason}")
    pytest.skip(reason)


def wait_for(what: str, condition: Callable[[], bool], *workers: "Worker") -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        for worker in workers:
            assert worker.alive(), f"{worker.name} died:\n{worker.text()[-5000:]}"
        if time.monotonic() > deadline:
            logs = "\n".join(f"{w.name}:\n{w.text()[-3000:]}" for w in workers)
            pytest.fail(f"not {what} within {WAIT_SECONDS} s\n{logs}")
        time.sleep(0.1)  # a polling interval, bounded by the deadline above


class Worker:
    def __init__(self, name: str, env: dict[str, str], logs: Path) -> None:
        self.name = name
        self.log = logs / f"{name}.log"
        command = [
            str(BIN / "celery"),
            "-A",
            "onecenter",
            "worker",
            "-P",
            "threads",
            "--concurrency=2",
            "--loglevel=INFO",
            f"-n{name}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
        with self.log.open("wb") as out:
            self.popen = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def ready(self) -> bool:
        return bool(re.search(rf"{self.name}@\S+ ready\.", self.text()))

    def kill(self) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def stop(self) -> None:
        if self.alive():
            with suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def broker_url() -> Iterator[str]:
    if connection.vendor != "postgresql":
        unavailable("the worker needs the test database on PostgreSQL")
    base = os.environ.get("REDIS_URL", "")
    host = re.sub(r"^redis://([^/]*).*$", r"\1", base) if base else ""
    url = f"redis://{host or '127.0.0.1:6379'}/{REDIS_DB}"
    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=10)
    try:
        client.ping()
    except redis.RedisError as error:
        unavailable(f"Redis does not answer at {url}: {error}")
    client.flushdb()
    yield url
    client.flushdb()


def worker_env(broker_url: str) -> dict[str, str]:
    database = connection.settings_dict
    user = quote(database["USER"] or "postgres")
    password = f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else ""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_", "S3_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="onecenter.settings",
        DEBUG="false",
        ALLOW_PLAIN_HTTP="true",
        SECRET_KEY=os.environ.get("SECRET_KEY", "outbox-worker-test"),
        DATABASE_URL=(
            f"postgres://{user}{password}@{database['HOST'] or '127.0.0.1'}"
            f":{database['PORT'] or 5432}/{database['NAME']}"
        ),
        REDIS_URL=broker_url,
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        LOG_FORMAT="console",
        LOG_LEVEL="INFO",
    )
    return env


def test_worker_killed_mid_delivery_loses_nothing(
    people, procedure, settings, broker_url, tmp_path
):
    """A worker SIGKILLed while the receiver holds its request loses nothing: a
    second worker delivers that event (same idempotency key) and the next ones,
    and the receiver applies each once, in order."""
    receiver = Receiver(secret="kill-secret")
    receiver.down()
    # The transitions' own delivery attempt (eager, in this process) finds the
    # receiver down; with no backoff the row is due again at once.
    settings.OUTBOX_BACKOFF_SECONDS = 0
    subscriber = Subscriber.objects.create(
        name="Held receiver", kind=Kind.WEBHOOK, url=receiver.url, secret="kill-secret"
    )
    dossier = file_dossier(people, procedure)
    services.dossier_receive(dossier=fresh(dossier), actor=people.clerk, at=RECEIVED)
    services.dossier_transfer(
        dossier=fresh(dossier), actor=people.clerk, at=TRANSFERRED
    )
    rows = list(Delivery.objects.filter(subscriber=subscriber).order_by("sequence"))
    assert [(r.sequence, r.attempts, r.status) for r in rows] == [
        (1, 1, Status.PENDING),
        (2, 0, Status.PENDING),
        (3, 0, Status.PENDING),
    ]
    receiver.up("hold")
    env = worker_env(broker_url)
    publisher = Celery("outbox-test", broker=broker_url, set_as_current=False)
    workers: list[Worker] = []
    try:
        first = Worker("outbox-a", env, tmp_path)
        workers.append(first)
        wait_for("worker a ready", first.ready, first)
        # What the beat does every 30 s.
        publisher.send_task("outbox.tasks.sweep")
        assert receiver.wait_for_requests(1, WAIT_SECONDS), first.text()[-3000:]
        first.kill()
        # The receiver got the event and applies it, but nobody hears its answer.
        receiver.mode = "up"
        receiver.release()
        wait_for("the held request applied", lambda: len(receiver.dedup) == 1)

        second = Worker("outbox-b", env, tmp_path)
        workers.append(second)
        # No sweep this time: the killed worker's task comes back by itself.
        wait_for(
            "every delivery delivered",
            lambda: (
                set(
                    Delivery.objects.filter(subscriber=subscriber).values_list(
                        "status", flat=True
                    )
                )
                == {Status.DELIVERED}
            ),
            second,
        )
    finally:
        for worker in workers:
            worker.stop()
        publisher.close()
        receiver.down()
    keys = [key for key, _headers, _body in receiver.requests]
    events = list(Event.objects.filter(dossier_id=dossier.pk).order_by("sequence"))
    first_key = str(events[0].key)
    # Sent twice (to the killed worker's receiver and again), applied once.
    assert keys.count(first_key) == 2
    assert list(receiver.dedup) == [str(event.key) for event in events]
    assert receiver.applied_sequences() == {dossier.code: [1, 2, 3]}
    assert receiver.bad_signatures == 0
    assert Delivery.objects.get(event=events[0]).attempts == 2
    assert "outbox.tasks.deliver" in second.text()
