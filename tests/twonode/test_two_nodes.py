"""Two nodes sharing PostgreSQL, Redis and S3, as two machines behind a load balancer.

A module-scoped fixture starts what each machine of a several-node deployment runs
(Procfile, docs/deploy.md "Several servers"): two gunicorn servers with production
settings (DEBUG off, plain HTTP, one SECRET_KEY) on free ports, and two Celery
workers, ``a@`` and ``b@``. They share a PostgreSQL database created for the run
(``onecenter_twonode_<random>``, migrated once, dropped at the end), Redis database
7 (broker, cache and sessions; emptied before and after) and an S3 bucket
(SeaweedFS, tests/s3server.py) under a key prefix of the run's own. Each process has
a MEDIA_ROOT of its own, so a paper can only travel between the nodes through S3,
and each worker writes its e-mails to a folder of its own.

The test then checks, in this order (the last one kills a worker):

* a citizen who logs in on node A is logged in on node B;
* a paper uploaded through node A's form downloads through node B, byte for byte;
* a reminder scan run by both workers at the same moment (both held at the insert
  of the reminder rows by a table lock, then released together) records and sends
  every reminder exactly once: one row, one e-mail, one in-app notice each;
* a worker killed with SIGKILL in the middle of a scan (held by the same lock)
  loses nothing: the task is ``acks_late``, so Redis hands it to the other worker
  once the visibility timeout (5 s here, an hour by default) has passed, and every
  reminder of that scan is sent once.

It is skipped when PostgreSQL (at ``DATABASE_URL`` when that is PostgreSQL, else
127.0.0.1:5432) or Redis (``REDIS_URL``'s server, else 127.0.0.1:6379) do not
answer; under ``CI=true`` it fails instead. Waits poll for what they wait for,
bounded generously for a busy machine: 90 s for the stack, 60 s for the workers.
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
import requests
from celery import Celery
from django.conf import settings

from notifications.channels import KEY_HEADER
from portal.demo import DEMO_PASSWORD
from tests.s3server import S3Server, shared_or_own

from .seed import SCAN_MOMENTS, UPLOAD_PROCEDURE

pytestmark = pytest.mark.twonode

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
BIN = Path(sys.executable).parent
BASE_DIR = Path(settings.BASE_DIR)
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
# The Redis database of this test alone: the suite's broker is on 0 and each test
# process's cache on 1 to 4 (tests/conftest.py).
REDIS_DB = 7
VISIBILITY_TIMEOUT = 5
READY_SECONDS = 90
WAIT_SECONDS = 60
STOP_SECONDS = 30
SCAN_TASK = "reminders.tasks.scan_and_send"
CITIZEN = ("citizen", "Nguyễn Văn An")
# What a scanner sends: a PDF header, then content no other test run has.
PAPER = b"%PDF-1.4\n%" + secrets.token_hex(4096).encode() + b"\n%%EOF\n"


def unavailable(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, where both services run."""
    if IN_CI:
        pytest.fail(f"CI needs PostgreSQL and Redis for the two-node test: {reason}")
    pytest.skip(reason)


def with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Process:
    """A process of the stack, in a session of its own, its output in ``log``."""

    name: str
    popen: subprocess.Popen
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def ran(self, task_id: str, event: str) -> bool:
        """Whether this worker logged ``event`` ("received", "succeeded") for it."""
        return f"[{task_id}] {event}" in self.text()

    def idle(self) -> bool:
        """Every task this worker received has finished."""
        text = self.text()
        return text.count('] received"') == text.count("] succeeded in ")


def stop_all(processes: list[Process]) -> None:
    """SIGTERM to every process group at once (gunicorn's workers too), SIGKILL to
    whatever is left after STOP_SECONDS."""
    for process in processes:
        if process.alive():
            with suppress(ProcessLookupError):
                os.killpg(process.popen.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        with suppress(subprocess.TimeoutExpired):
            process.popen.wait(max(0.1, deadline - time.monotonic()))
        with suppress(ProcessLookupError):
            os.killpg(process.popen.pid, signal.SIGKILL)
        process.popen.wait()


def start(name: str, command: list[str], env: dict[str, str], logs: Path) -> Process:
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Process(name, popen, log)


def run(name: str, command: list[str], env: dict[str, str], logs: Path) -> None:
    """Run a preparation step to its end; fail with its output if it fails."""
    process = start(name, command, env, logs)
    try:
        returncode = process.popen.wait(READY_SECONDS)
    except subprocess.TimeoutExpired:
        stop_all([process])
        pytest.fail(f"{name} did not finish in {READY_SECONDS} s:\n{process.text()}")
    assert returncode == 0, f"{name} failed:\n{process.text()[-5000:]}"


def wait_for(what: str, condition: Callable[[], bool], *processes: Process) -> None:
    """Poll ``condition`` until it holds, failing if a process of the stack died."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        for process in processes:
            assert process.alive(), f"{process.name} died:\n{process.text()[-5000:]}"
        if time.monotonic() > deadline:
            logs = "\n".join(f"{p.name}:\n{p.text()[-3000:]}" for p in processes)
            pytest.fail(f"not {what} within {WAIT_SECONDS} s\n{logs}")
        time.sleep(0.1)  # a polling interval, bounded by the deadline above


@dataclass
class Cluster:
    web: dict[str, str]  # node name: its base URL
    workers: dict[str, Process]
    processes: list[Process]
    database: str
    broker: redis.Redis
    publisher: Celery
    mail: dict[str, Path]  # worker name: the folder of its e-mails
    media: list[Path]
    s3: S3Server
    s3_prefix: str
    due: dict[str, list[str]]  # scan moment: the reminder keys then due

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.database, autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()

    def mailed_keys(self, *workers: str) -> Counter[str]:
        """The reminder key of every e-mail the workers sent, with repeats."""
        keys: Counter[str] = Counter()
        for worker in workers or self.mail:
            for file in self.mail[worker].glob("*"):
                keys.update(
                    re.findall(rf"^{KEY_HEADER}: (\S+)$", file.read_text(), re.M)
                )
        return keys

    def settled(self) -> bool:
        """No task is waiting in Redis, held by a worker or running."""
        queues = ["celery", *(f"twonode.{name}" for name in self.workers)]
        return (
            all(self.broker.llen(queue) == 0 for queue in queues)
            and self.broker.hlen("unacked") == 0
            and all(w.idle() for w in self.workers.values() if w.alive())
        )

    def live(self) -> list[Process]:
        return [process for process in self.processes if process.alive()]


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = DEFAULT_POSTGRES
    try:
        with psycopg.connect(with_path(url, "/postgres"), connect_timeout=5):
            pass
    except psycopg.Error as error:
        unavailable(f"PostgreSQL does not answer at {urlsplit(url).netloc}: {error}")
    return url


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url.startswith("redis://"):
        url = DEFAULT_REDIS
    url = with_path(url, f"/{REDIS_DB}")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5).ping()
    except redis.RedisError as error:
        unavailable(f"Redis does not answer at {urlsplit(url).netloc}: {error}")
    return url


# Whitenoise's compressed copies take the better part of a minute on a busy machine;
# the nodes only need the manifest of hashed names, which is the same without them.
COLLECT_STATIC = """
import django
from django.conf import settings
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    postgres, broker_url = postgres_url(), redis_url()
    root = tmp_path_factory.mktemp("twonode")
    logs = root / "logs"
    logs.mkdir()
    name = f"onecenter_twonode_{uuid.uuid4().hex[:12]}"
    database = with_path(postgres, f"/{name}")
    with ExitStack() as stack:
        with psycopg.connect(with_path(postgres, "/postgres"), autocommit=True) as pg:
            pg.execute(f'CREATE DATABASE "{name}"')
        stack.callback(drop_database, postgres, name)
        broker = redis.Redis.from_url(broker_url, socket_timeout=10)
        broker.flushdb()
        stack.callback(broker.flushdb)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "S3_", "DJANGO_"))
            and key not in {"DEBUG", "EMAIL_URL", "MEDIA_ROOT", "STATIC_ROOT"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="onecenter.settings",
            DEBUG="false",
            ALLOW_PLAIN_HTTP="true",
            SECRET_KEY="twonode-test-only-" + secrets.token_urlsafe(32),
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=database,
            REDIS_URL=broker_url,
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            STATIC_ROOT=str(root / "static"),
            MEDIA_ROOT=str(root / "media-setup"),
            EMAIL_URL=f"filemail:///{root / 'mail-setup'}",
            LOG_FORMAT="json",
            LOG_LEVEL="INFO",
        )
        python = str(BIN / "python")
        # Side by side, and while the S3 server starts: they need neither it nor
        # each other.
        steps = [
            start("migrate", [python, "manage.py", "migrate", "--noinput"], env, logs),
            start("collectstatic", [python, "-c", COLLECT_STATIC], env, logs),
        ]
        stack.callback(stop_all, steps)
        s3 = stack.enter_context(shared_or_own())
        s3_prefix = f"twonode-{uuid.uuid4().hex[:12]}"
        env.update(s3.app_env(location=s3_prefix))
        for step in steps:
            assert step.popen.wait(READY_SECONDS) == 0, step.text()[-5000:]

        processes, web, workers, mail, media = [], {}, {}, {}, []
        stack.callback(stop_all, processes)
        for node in ("a", "b"):
            port = free_port()
            media.append(root / f"media-web-{node}")
            web_env = {
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": "1",
                "MEDIA_ROOT": str(media[-1]),
            }
            command = [str(BIN / "gunicorn"), "-c", "onecenter/gunicorn.conf.py"]
            processes.append(
                start(f"web-{node}", [*command, "onecenter.wsgi"], web_env, logs)
            )
            web[node] = f"http://127.0.0.1:{port}"
            mail[node] = root / f"mail-{node}"
            media.append(root / f"media-worker-{node}")
            worker_env = {
                **env,
                # Named, so the test sees which worker's session waits for a lock.
                "DATABASE_URL": f"{database}?application_name={worker_label(node)}",
                "EMAIL_URL": f"filemail:///{mail[node]}",
                "MEDIA_ROOT": str(media[-1]),
            }
            # The Procfile's worker, named, and also on a queue of its own.
            command = [str(BIN / "celery"), "-A", "onecenter", "worker"]
            options = ["--loglevel=INFO", "--concurrency=2", f"-n{node}@%h"]
            queues = f"-Qcelery,twonode.{node}"
            workers[node] = start(
                f"worker-{node}", [*command, *options, queues], worker_env, logs
            )
            processes.append(workers[node])
        # The data goes in while the servers and workers start.
        due_file = root / "due.json"
        run("seed", [python, "-m", "tests.twonode.seed", str(due_file)], env, logs)
        due = json.loads(due_file.read_text())

        publisher = Celery("twonode-test", broker=broker_url, set_as_current=False)
        stack.callback(publisher.close)
        wait_until_ready(web, workers, processes)
        yield Cluster(
            web=web,
            workers=workers,
            processes=processes,
            database=database,
            broker=broker,
            publisher=publisher,
            mail=mail,
            media=media,
            s3=s3,
            s3_prefix=s3_prefix,
            due=due,
        )


def drop_database(postgres: str, name: str) -> None:
    with psycopg.connect(with_path(postgres, "/postgres"), autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until_ready(
    web: dict[str, str], workers: dict[str, Process], processes: list[Process]
) -> None:
    """Each server's /readyz answers 200 and each worker has logged that it is
    ready; no fixed sleep."""
    waiting = {*web, *(f"worker {name}" for name in workers)}
    deadline = time.monotonic() + READY_SECONDS
    while waiting:
        for process in processes:
            assert process.alive(), f"{process.name} died:\n{process.text()[-5000:]}"
        for node, url in web.items():
            if node in waiting and answers(f"{url}/readyz"):
                waiting.discard(node)
        for node, worker in workers.items():
            if re.search(rf'"{node}@\S+ ready\.', worker.text()):
                waiting.discard(f"worker {node}")
        if time.monotonic() > deadline:
            logs = "\n".join(f"{p.name}:\n{p.text()[-3000:]}" for p in processes)
            pytest.fail(f"{sorted(waiting)} not ready in {READY_SECONDS} s\n{logs}")
        time.sleep(0.2)  # a polling interval, bounded by the deadline above


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=10).status_code == 200
    except requests.RequestException:
        return False


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def reminder_rows(cluster: Cluster) -> list[tuple[str, str, int]]:
    return cluster.query(
        "SELECT key, status, attempts FROM reminders_reminder ORDER BY key"
    )


def worker_label(node: str) -> str:
    return f"twonode-worker-{node}"


def waiting_workers(cluster: Cluster) -> set[str]:
    """The workers whose database session waits for a lock on the reminders table
    (a scan's insert of its rows), by node name. Asked outside the transaction that
    holds the lock: pg_stat_activity stays as first read within a transaction."""
    rows = cluster.query(
        "SELECT application_name FROM pg_locks"
        " JOIN pg_class ON pg_class.oid = pg_locks.relation"
        " JOIN pg_stat_activity ON pg_stat_activity.pid = pg_locks.pid"
        " WHERE relname = 'reminders_reminder' AND NOT granted"
        " AND pg_locks.database = (SELECT oid FROM pg_database"
        " WHERE datname = current_database())"
    )
    return {name.removeprefix(worker_label("")) for (name,) in rows}


def hold_reminder_inserts(cluster: Cluster) -> psycopg.Connection:
    """A transaction that lets scans read but not insert reminders until it ends."""
    connection = psycopg.connect(cluster.database)
    connection.execute("SET lock_timeout = '30s'")
    connection.execute("LOCK TABLE reminders_reminder IN EXCLUSIVE MODE")
    return connection


def test_two_nodes_share_sessions_papers_reminders_and_tasks(cluster) -> None:
    """Two web nodes and two workers on one database, one Redis and one bucket
    behave as one site: a session and a paper cross nodes, concurrent scans send
    each reminder once, and a task of a killed worker is finished by the other."""
    with log_in_on_a_and_stay_logged_in_on_b(cluster) as citizen:
        upload_on_a_and_download_on_b(cluster, citizen)
    both_workers_scan_at_once_and_send_each_reminder_once(cluster)
    a_killed_worker_loses_no_task(cluster)


def log_in_on_a_and_stay_logged_in_on_b(cluster: Cluster) -> requests.Session:
    """A citizen logs in on node A; node B knows the session (one host, two ports:
    the browser sends the same cookie to both, as behind one load balancer)."""
    a, b = cluster.web["a"], cluster.web["b"]
    username, full_name = CITIZEN
    browser = requests.Session()
    form = browser.get(f"{a}/accounts/login/", timeout=30)
    assert form.status_code == 200
    reply = browser.post(
        f"{a}/accounts/login/",
        data={
            "csrfmiddlewaretoken": csrf_token(form.text),
            "username": username,
            "password": DEMO_PASSWORD,
        },
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 302, reply.text[-3000:]
    assert "/accounts/login/" not in reply.headers["Location"]
    session_key = browser.cookies["sessionid"]
    # cached_db: the session is in the shared Redis, and in the database behind it.
    assert cluster.broker.exists(f":1:django.contrib.sessions.cached_db{session_key}")
    assert cluster.query(
        "SELECT 1 FROM django_session WHERE session_key = %s", (session_key,)
    )

    on_b = browser.get(f"{b}/my/dossiers/", allow_redirects=False, timeout=30)
    assert on_b.status_code == 200, on_b.headers.get("Location")
    assert full_name in on_b.text
    stranger = requests.get(f"{b}/my/dossiers/", allow_redirects=False, timeout=30)
    assert stranger.status_code == 302
    assert "/accounts/login/" in stranger.headers["Location"]
    return browser


def upload_on_a_and_download_on_b(cluster: Cluster, browser: requests.Session):
    """A draft started and a paper uploaded through node A's forms downloads
    through node B byte for byte; it is in the bucket, on no node's disk."""
    a, b = cluster.web["a"], cluster.web["b"]
    start_url = f"{a}/my/dossiers/new/{UPLOAD_PROCEDURE}/"
    form = browser.get(start_url, timeout=30)
    assert form.status_code == 200
    reply = browser.post(
        start_url,
        data={
            "csrfmiddlewaretoken": csrf_token(form.text),
            "name": CITIZEN[1],
            "id_number": "036095001234",
            "phone": "0912345678",
            "email": "citizen@example.vn",
            "address": "",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 302, reply.text[-3000:]
    draft = re.search(r"/my/dossiers/(\d+)/edit/$", reply.headers["Location"])
    assert draft, reply.headers["Location"]
    pk = draft.group(1)
    page = browser.get(f"{a}/my/dossiers/{pk}/edit/", timeout=30)
    reply = browser.post(
        f"{a}/my/dossiers/{pk}/papers/0/",
        data={"csrfmiddlewaretoken": csrf_token(page.text)},
        files={"paper-0": ("to-khai.pdf", PAPER, "application/pdf")},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 302, reply.text[-3000:]

    page = browser.get(f"{b}/my/dossiers/{pk}/edit/", timeout=30)
    assert page.status_code == 200
    link = re.search(rf"/my/dossiers/{pk}/files/\d+/", page.text)
    assert link, "node B's draft page lists no attached file"
    download = browser.get(f"{b}{link.group(0)}", timeout=30)
    assert download.status_code == 200
    assert download.content == PAPER

    client = cluster.s3.client()
    listed = client.list_objects_v2(Bucket=cluster.s3.bucket, Prefix=cluster.s3_prefix)
    stored = [
        item["Key"]
        for item in listed.get("Contents", [])
        if client.get_object(Bucket=cluster.s3.bucket, Key=item["Key"])["Body"].read()
        == PAPER
    ]
    assert len(stored) == 1, listed.get("Contents")
    on_disk = [path for folder in cluster.media for path in folder.rglob("*")]
    assert not [path for path in on_disk if path.is_file()]


def both_workers_scan_at_once_and_send_each_reminder_once(cluster: Cluster) -> None:
    """Both workers run the scan at the same moment; every reminder is recorded
    once, and e-mailed and notified in the app once."""
    now = SCAN_MOMENTS[0]
    expected = cluster.due[now]
    assert len(expected) > 5
    lock = hold_reminder_inserts(cluster)
    try:
        tasks = {
            node: cluster.publisher.send_task(
                SCAN_TASK, args=[now], queue=f"twonode.{node}"
            ).id
            for node in cluster.workers
        }
        # Both scans have read the same due reminders and wait to insert them.
        wait_for(
            "both scans at the insert",
            lambda: waiting_workers(cluster) >= set(cluster.workers),
            *cluster.processes,
        )
    finally:
        lock.rollback()
        lock.close()
    wait_for(
        "done with the scans and the deliveries",
        lambda: (
            all(w.ran(tasks[n], "succeeded") for n, w in cluster.workers.items())
            and all(status == "sent" for _key, status, _a in reminder_rows(cluster))
            and cluster.settled()
        ),
        *cluster.processes,
    )

    assert reminder_rows(cluster) == [(key, "sent", 1) for key in expected]
    assert cluster.mailed_keys() == Counter(expected)
    notices = cluster.query(
        "SELECT key, count(*) FROM notifications_notification GROUP BY key ORDER BY key"
    )
    assert notices == [(key, 1) for key in expected]


def a_killed_worker_loses_no_task(cluster: Cluster) -> None:
    """The worker that took the scan is killed with SIGKILL while the scan waits
    in the database; after the visibility timeout the other worker runs it, and
    every reminder of that scan is sent once."""
    assert settings.CELERY_TASK_ACKS_LATE
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    now = SCAN_MOMENTS[1]
    earlier = [row[0] for row in reminder_rows(cluster)]
    mailed_before = cluster.mailed_keys()
    lock = hold_reminder_inserts(cluster)
    try:
        task = cluster.publisher.send_task(SCAN_TASK, args=[now]).id
        wait_for(
            "the scan at the insert",
            lambda: bool(waiting_workers(cluster)),
            *cluster.processes,
        )
        # One worker took it (two only if it waited past the visibility timeout).
        victim = min(waiting_workers(cluster))
        assert cluster.workers[victim].ran(task, "received")
        survivor = next(name for name in cluster.workers if name != victim)
        os.killpg(cluster.workers[victim].popen.pid, signal.SIGKILL)
        cluster.workers[victim].popen.wait(STOP_SECONDS)
    finally:
        lock.rollback()
        lock.close()
    assert not cluster.workers[victim].ran(task, "succeeded")

    worker = cluster.workers[survivor]
    wait_for(
        f"the scan finished by worker {survivor}",
        lambda: (
            worker.ran(task, "succeeded")
            and all(status == "sent" for _key, status, _a in reminder_rows(cluster))
            and cluster.settled()
        ),
        *cluster.live(),
    )
    assert worker.ran(task, "received")
    expected = sorted([*earlier, *cluster.due[now]])
    assert reminder_rows(cluster) == [(key, "sent", 1) for key in expected]
    assert cluster.mailed_keys() - mailed_before == Counter(cluster.due[now])
    assert cluster.mailed_keys(survivor) >= Counter(cluster.due[now])
