"""/metrics under several gunicorn workers: with PROMETHEUS_MULTIPROC_DIR set, every
scrape adds up the figures of all workers, whichever worker answers it."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
READY_DEADLINE = 300
COUNTER = re.compile(
    r"^django_http_responses_total_by_status_view_method_total\{[^}]*"
    r'view="portal:healthz"[^}]*\} ([0-9.e+]+)$',
    re.MULTILINE,
)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port, path):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    with urllib.request.urlopen(request, timeout=60) as reply:
        return reply.read().decode()


def test_every_scrape_counts_the_requests_of_all_workers(tmp_path):
    port = _free_port()
    metrics_dir = tmp_path / "metrics"
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOW_PLAIN_HTTP": "true",
        "SECRET_KEY": "metrics-workers-test-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "METRICS_ALLOWED_IPS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("PORT", None)
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "onecenter/gunicorn.conf.py",
                "onecenter.wsgi",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + READY_DEADLINE
        while True:
            assert process.poll() is None, log.read_text()
            try:
                _get(port, "/healthz")
                break
            except (urllib.error.URLError, OSError):
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)  # polling interval, not a wait for readiness
        # Requests in parallel until both workers have answered some (one worker
        # takes one request at a time): each writes its figures to the folder.
        sent = 1
        pids: set[str] = set()
        while len(pids) < 2:
            assert time.monotonic() < deadline, sorted(os.listdir(metrics_dir))
            with ThreadPoolExecutor(max_workers=8) as pool:
                list(pool.map(lambda _: _get(port, "/healthz"), range(16)))
            sent += 16
            pids = {
                match.group(1)
                for name in os.listdir(metrics_dir)
                if (match := re.search(r"_(\d+)\.db$", name))
            }
        for _ in range(6):
            text = _get(port, "/metrics")
            assert sum(float(x) for x in COUNTER.findall(text)) == sent
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    # Nothing left in the folder is counted twice at the next start.
    assert process.returncode == 0, log.read_text()


@pytest.fixture(autouse=True)
def _no_leftover_env(monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
