"""The production server under wrk: starting gunicorn on the scratch database,
measuring each page against the bare view, streaming the register, reading the
workers' memory, and describing the machine."""

import http.client
import json
import os
import platform
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import django
from django.conf import settings
from django.db import connection

LUA_SCRIPT = Path(__file__).with_name("wrk_report.lua")
GUNICORN_CONF = Path(settings.BASE_DIR) / "onecenter" / "gunicorn.conf.py"
BARE_PATH = "/bench/bare/"
# The server has this long to answer its first request (imports, first queries).
READY_TIMEOUT = 120
# Server settings that would turn the plain-HTTP production stack back into an
# HTTPS-only one (redirects, __Host- cookies) or move it off 127.0.0.1.
DROPPED_ENV = (
    "PORT",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
)


@dataclass(frozen=True)
class Page:
    """One page to measure: who asks, how, and which bare view it is held to."""

    name: str
    path: str
    who: str  # "anonymous", or the username whose session is used
    baseline: str  # the name of the bare page it is compared with
    method: str = "GET"
    form: dict[str, str] | None = None
    # Text the answer must contain, so a wrong answer is not measured as a page.
    expect: str = ""


@dataclass
class Result:
    page: Page
    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    ratio: float | None = None
    # Runs made for this row: more than one when a run measured one worker
    # (``one_worker``) and was made again.
    runs: int = 1

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class RegisterResult:
    rows_expected: int
    rows: int
    bytes: int
    status: int
    ttfb_s: float
    total_s: float
    complete: bool
    memory_before: dict[int, dict[str, int]] = field(default_factory=dict)
    memory_after: dict[int, dict[str, int]] = field(default_factory=dict)


def database_url(name: str) -> str:
    """The URL of database ``name`` on the server of the default connection."""
    db = connection.settings_dict
    credentials = db["USER"] or "postgres"
    if db.get("PASSWORD"):
        credentials += f":{db['PASSWORD']}"
    return (
        f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{name}"
    )


def server_env(database: str, port: int, workers: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env.update(
        DEBUG="false",
        ALLOW_PLAIN_HTTP="true",
        BENCH_BARE_VIEW="true",
        DATABASE_URL=database_url(database),
        WEB_CONCURRENCY=str(workers),
        GUNICORN_BIND=f"127.0.0.1:{port}",
    )
    # One client sends thousands of requests a second: the API's per-account and
    # per-address limits would answer 429 and the page would not be measured.
    env.setdefault("API_THROTTLE_USER", "10000000/minute")
    env.setdefault("API_THROTTLE_PUBLIC", "10000000/minute")
    return env


class Server:
    """gunicorn with onecenter/gunicorn.conf.py, as the Procfile runs it."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen | None = None

    def collectstatic(self) -> None:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env=self.env,
            check=True,
        )

    def start(self) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as log:
            # Workers are not recycled (max_requests 0): the figures are the
            # pages', not a Django import every thousand requests, and the
            # register's memory is read from workers that stay the same.
            self.process = subprocess.Popen(
                [
                    str(gunicorn),
                    "-c",
                    str(GUNICORN_CONF),
                    "--max-requests",
                    "0",
                    "onecenter.wsgi",
                ],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            try:
                if get(self.port, BARE_PATH).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not answer in {READY_TIMEOUT} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return sorted(int(child) for child in children)

    def worker_memory(self) -> dict[int, dict[str, int]]:
        """VmHWM (peak) and VmRSS of each worker, in KiB."""
        memory = {}
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            memory[pid] = {
                key: int(re.search(rf"^{key}:\s+(\d+) kB", status, re.M).group(1))
                for key in ("VmHWM", "VmRSS")
            }
        return memory


@contextmanager
def running(server: Server) -> Iterator[Server]:
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    set_cookies: list[str]
    body: bytes


def get(
    port: int,
    path: str,
    *,
    cookie: str = "",
    method: str = "GET",
    body: str = "",
) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        return Answer(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            response.msg.get_all("Set-Cookie") or [],
            response.read(),
        )
    finally:
        conn.close()


def csrf_pair(port: int, path: str) -> tuple[str, str]:
    """The CSRF cookie and a form token that goes with it, from ``path``'s form."""
    answer = get(port, path)
    cookie = next(c.split(";", 1)[0] for c in answer.set_cookies if "csrftoken=" in c)
    token = re.search(
        rb'name="csrfmiddlewaretoken" value="([^"]+)"', answer.body
    ).group(1)
    return cookie, token.decode()


def wrk(
    port: int,
    path: str,
    *,
    connections: int,
    threads: int,
    seconds: float,
    cookie: str = "",
    method: str = "GET",
    body: str = "",
) -> dict[str, int]:
    env = {
        **os.environ,
        "BENCH_METHOD": method,
        "BENCH_BODY": body,
        "BENCH_COOKIE": cookie,
    }
    completed = subprocess.run(
        [
            "wrk",
            f"-t{min(threads, connections)}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "--timeout",
            "60s",
            "-s",
            str(LUA_SCRIPT),
            f"http://127.0.0.1:{port}{path}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"^BENCH_JSON (.*)$", completed.stdout, re.M)
    if match is None:
        raise RuntimeError(f"wrk printed no summary:\n{completed.stdout}")
    return json.loads(match.group(1))


def measure(
    port: int,
    page: Page,
    *,
    cookie: str,
    connections: int,
    threads: int,
    seconds: float,
    body: str,
) -> Result:
    summary = wrk(
        port,
        page.path,
        connections=connections,
        threads=threads,
        seconds=seconds,
        cookie=cookie,
        method=page.method,
        body=body,
    )
    errors = sum(
        summary[k]
        for k in (
            "connect_errors",
            "read_errors",
            "write_errors",
            "status_errors",
            "timeouts",
        )
    )
    return Result(
        page=page,
        connections=connections,
        requests=summary["requests"],
        seconds=summary["duration_us"] / 1e6,
        p50_ms=summary["p50_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        errors=errors,
    )


# wrk keeps its connections open, and gunicorn's workers race to accept them: now
# and then every connection of a run lands on one worker, and the run measures one
# process. Such a run is no faster than one connection (two workers give about
# twice as much): below this factor of the page's one-connection run, it is made
# again (up to ONE_WORKER_RETRIES times) and the fastest run kept.
ONE_WORKER_FACTOR = 1.3
ONE_WORKER_RETRIES = 2


def one_worker(result: Result, single: Result | None, workers: int) -> bool:
    """Whether ``result`` looks like a run that landed on one worker."""
    return (
        workers > 1
        and single is not None
        and result.connections > 1
        and result.rps < ONE_WORKER_FACTOR * single.rps
    )


def stream_register(
    port: int, path: str, cookie: str, rows_expected: int
) -> RegisterResult:
    """Download the register as CSV, timing the first byte and the whole."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    first = response.read(1)
    ttfb = time.perf_counter() - started
    size, lines, complete = len(first), first.count(b"\n"), True
    try:
        while chunk := response.read(1 << 16):
            size += len(chunk)
            lines += chunk.count(b"\n")
    except http.client.IncompleteRead:
        complete = False
    total = time.perf_counter() - started
    conn.close()
    rows = max(0, lines - 1)  # the heading line
    return RegisterResult(
        rows_expected=rows_expected,
        rows=rows,
        bytes=size,
        status=response.status,
        ttfb_s=ttfb,
        total_s=total,
        complete=complete and response.status == 200 and rows == rows_expected,
    )


def query_string(**params: str) -> str:
    return "?" + urlencode(params)


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kib = int(
        re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    import gunicorn

    wrk_version = subprocess.run(
        ["wrk", "-v"], capture_output=True, text=True, check=False
    ).stdout.split(" [")[0]
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "postgresql": f"{postgres} (shared_buffers {shared_buffers})",
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "wrk": wrk_version.strip(),
        "kernel": platform.release(),
        "load average at start": load,
    }
