"""Stopping the stack: SIGTERM to `make run` / `make serve` ends every process.

Each test starts the whole stack (web, Celery worker, beat under honcho) in a
session of its own, on a free port, an SQLite database in tmp_path and the
filesystem broker, waits until the site answers and the worker and beat are up,
sends SIGTERM to the process group as a supervisor does, and checks that every
process the stack started is gone within a bound. honcho puts each of its
children in a new session, so the processes are found by a marker in their
environment (/proc/<pid>/environ), not by group.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

# Generous: a cold start on a busy two-core machine (migrations, collectstatic).
READY_DEADLINE = 300
# honcho sends SIGKILL 5 s after SIGTERM; everything must be gone well before this.
STOP_DEADLINE = 30

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/environ").exists() or shutil.which("make") is None,
    reason="needs Linux /proc and make",
)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _marked_pids(marker):
    """Processes whose environment carries the marker (all the stack started)."""
    needle = f"ONECENTER_STACK_MARK={marker}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue  # gone meanwhile, or not ours
        if needle in environ.split(b"\0"):
            pids.append(int(entry.name))
    return pids


def _answers(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as reply:
            return reply.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _wait_until_ready(process, port, log):
    deadline = time.monotonic() + READY_DEADLINE
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        text = log.read_text()
        worker_ready = re.search(r"worker\.1 .*celery@\S+ ready\.", text)
        beat_ready = "beat: Starting..." in text
        if worker_ready and beat_ready and _answers(port):
            return
        time.sleep(0.5)  # polling interval, not a wait standing in for readiness
    pytest.fail(f"not ready within {READY_DEADLINE} s:\n{log.read_text()}")


def _stop_and_measure(process, marker):
    """SIGTERM to the group; seconds until no process of the stack is left."""
    started = time.monotonic()
    os.killpg(process.pid, signal.SIGTERM)
    while time.monotonic() - started < STOP_DEADLINE:
        if not _marked_pids(marker):
            process.wait(timeout=STOP_DEADLINE)
            return time.monotonic() - started
        time.sleep(0.1)
    return None


@pytest.mark.parametrize("target", ["run", "serve"])
def test_sigterm_to_make_ends_every_process(target, tmp_path):
    port = _free_port()
    marker = uuid.uuid4().hex
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "PYTEST_XDIST_WORKER"}
    }
    env.update(
        ONECENTER_STACK_MARK=marker,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_BEAT_SCHEDULE_FILENAME=str(tmp_path / "celerybeat-schedule"),
        SECRET_KEY="shutdown-test-only-" + uuid.uuid4().hex,
        WEB_CONCURRENCY="2",
    )
    if target == "run":
        env["DEBUG"] = "true"
    log = tmp_path / "stack.log"
    with log.open("wb") as out:
        # -o .env: the test never writes the developer's .env; the key is above.
        process = subprocess.Popen(
            ["make", "--no-print-directory", "-o", ".env", target, f"PORT={port}"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_ready(process, port, log)
        assert len(_marked_pids(marker)) >= 4  # make, honcho, web, worker, beat
        elapsed = _stop_and_measure(process, marker)
        assert elapsed is not None, (
            f"still running {STOP_DEADLINE} s after SIGTERM: "
            f"{_describe(_marked_pids(marker))}\n{log.read_text()}"
        )
    finally:
        for pid in _marked_pids(marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.wait()


def _describe(pids):
    commands = []
    for pid in pids:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        commands.append(f"{pid}: {command.decode(errors='replace')}")
    return "; ".join(commands)
