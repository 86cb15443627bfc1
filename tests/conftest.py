"""Shared fixtures: the demo seeded once per test process, users per role, and a
Playwright-driven Chromium with one generous timeout."""

import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD, seed_demo

# Playwright's sync API runs an event loop in the test thread; Django would then
# refuse ORM calls from the test body, although they are plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# Every wait of a browser test (an action, a navigation, an `expect`) gives up after
# this long. Browser tests wait for what the next page shows, never for a fixed time,
# so a generous limit only slows down a failure: on a busy machine (two test workers,
# Chromium and PostgreSQL on two cores) a page may take seconds.
BROWSER_TIMEOUT_MS = 60_000 if IN_CI else 30_000
# No test is about the cost of hashing; PBKDF2 spends ~0.2 s on every password.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config) -> None:
    from django.conf import settings

    # Tests serve static files from the apps' folders, with no collectstatic run.
    # Uploaded files go to each test's MEDIA_ROOT even when a developer's .env sets
    # S3_BUCKET; the tests asking for `file_storage` run on S3 as well.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.PASSWORD_HASHERS = PASSWORD_HASHERS
    # The suite serves plain HTTP with DEBUG off, as ALLOW_PLAIN_HTTP=true would (the
    # settings are read before any conftest, so the variable cannot be set here); the
    # HTTPS-only defaults are tested in tests/portal/test_security_headers.py.
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    for cookie in ("SESSION", "CSRF"):
        setattr(settings, f"{cookie}_COOKIE_SECURE", False)
        # Browsers refuse a "__Host-" cookie that is not Secure.
        name = getattr(settings, f"{cookie}_COOKIE_NAME")
        setattr(settings, f"{cookie}_COOKIE_NAME", name.removeprefix("__Host-"))
    # Tests clear the cache, which on Redis empties the whole database: each test
    # process keeps its cache in a Redis database of its own, never the broker's.
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("RedisCache"):
        settings.CACHES = {
            **settings.CACHES,
            "default": {**cache, "LOCATION": worker_redis_url(cache["LOCATION"])},
        }
    # Tasks run in-process after commit; a separate test drives a real worker.
    from onecenter.celery import app as celery_app

    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    expect.set_options(timeout=BROWSER_TIMEOUT_MS)


def worker_index() -> int:
    """0 for the first pytest-xdist worker (gw0) or a run without workers."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw") or 0)


def worker_redis_url(url: str) -> str:
    """``url`` moved to a Redis database of this worker's own, past the broker's:
    with the broker on 0, the first worker's cache is on 1, the second's on 2…"""
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"} or not re.fullmatch(
        r"/?\d*", parts.path
    ):
        return url
    # Redis has 16 databases unless configured otherwise; at most 4 workers run.
    cache_db = (int(parts.path.strip("/") or 0) + 1 + worker_index()) % 16
    return urlunsplit(parts._replace(path=f"/{cache_db}"))


# --- database states ------------------------------------------------------------
#
# Seeding the demo takes seconds, and most tests want it. Each test process seeds
# it once, keeps a copy of every table in the test database, and puts those rows
# back in one transaction (milliseconds) whenever a test asks for the demo and the
# tables hold something else: the freshly migrated database ("empty") for tests
# that do not ask for it, or whatever a transactional test (the browser journeys,
# the concurrency and worker tests) committed and then flushed. Every test starts
# from exactly the state it asks for, whatever ran before it in that process.

EMPTY = "empty"
# A test asks for a state by requesting the fixture of that name; a conftest may
# add its own (tests/reminders/conftest.py adds its one-procedure centre).
SEEDED_STATES: dict[str, Callable[[], None]] = {
    "demo": lambda: seed_demo(DEMO_PASSWORD),
}


def wanted_state(fixturenames: Iterable[str]) -> str:
    names = set(fixturenames)
    return next((state for state in SEEDED_STATES if state in names), EMPTY)


def is_transactional(item: pytest.Item, fixturenames: Iterable[str]) -> bool:
    """Whether pytest-django runs this test outside a rolled-back transaction."""
    names = set(fixturenames)
    if names & {"transactional_db", "live_server", "django_db_reset_sequences"}:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    transaction = marker.kwargs.get("transaction", bool(marker.args and marker.args[0]))
    return bool(transaction or marker.kwargs.get("reset_sequences"))


@dataclass
class Snapshot:
    tables: list[tuple[str, str]]  # (table, its copy) for every table with rows
    sequences: list[tuple[str, int | None]]  # PostgreSQL: (sequence, last value)
    media: Path | None  # the files the seeding wrote under MEDIA_ROOT
    seeded_on: date | None  # seeded data is laid out in working days before today


class DatabaseStates:
    """The named contents of this process's test database, and what it holds now.

    Copies live in the test database itself (``CREATE TABLE … AS SELECT``), so
    PostgreSQL and SQLite (in memory, shared with the live server's threads) are
    restored alike: empty every table, copy the rows back, reset the sequences.
    """

    def __init__(self, media_folder: Callable[[str], Path]) -> None:
        from django.db import connection

        self.connection = connection
        self.media_folder = media_folder
        self.snapshots: dict[str, Snapshot] = {}
        self.snapshots[EMPTY] = self.save(EMPTY, media=None, seeded_on=None)
        self.current: str | None = EMPTY  # None: unknown, restore before use

    def ensure(self, state: str) -> None:
        """Commit ``state`` to the tables unless they hold it already."""
        from django.db import transaction
        from django.test import override_settings
        from django.utils import timezone

        snapshot = self.snapshots.get(state)
        if snapshot and snapshot.seeded_on not in (None, timezone.localdate()):
            snapshot = None  # seeded yesterday: "two working days ago" has moved
        if snapshot is None:
            self.restore(EMPTY)
            self.current = None
            media = self.media_folder(state)
            with override_settings(MEDIA_ROOT=media), transaction.atomic():
                SEEDED_STATES[state]()
            self.snapshots[state] = self.save(
                state, media=media, seeded_on=timezone.localdate()
            )
            self.current = state
        elif self.current != state:
            self.restore(state)

    def use(self, state: str, settings, media: Path) -> None:
        """Called by a state's fixture inside the test: its files under ``media``.

        A test given another state first (it asked for two) gets this one seeded
        on top, inside its own transaction, as every test did before.
        """
        settings.MEDIA_ROOT = media
        snapshot = self.snapshots.get(state)
        if self.current == state and snapshot is not None:
            if snapshot.media is not None:
                shutil.copytree(snapshot.media, media, dirs_exist_ok=True)
        else:
            SEEDED_STATES[state]()

    def save(self, state: str, *, media: Path | None, seeded_on) -> Snapshot:
        connection = self.connection
        quote = connection.ops.quote_name
        postgresql = connection.vendor == "postgresql"
        tables = []
        with connection.cursor() as cursor:
            for index, table in enumerate(self._tables()):
                copy = f"zz_test_state_{state}_{index}"
                cursor.execute(f"DROP TABLE IF EXISTS {quote(copy)}")
                cursor.execute(
                    f"CREATE {'UNLOGGED ' if postgresql else ''}TABLE {quote(copy)}"
                    f" AS SELECT * FROM {quote(table)}"
                )
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(copy)})")
                if cursor.fetchone()[0]:
                    tables.append((table, copy))
            sequences = []
            if postgresql:
                cursor.execute(
                    "SELECT sequencename, last_value FROM pg_sequences"
                    " WHERE schemaname = current_schema()"
                )
                sequences = list(cursor.fetchall())
        return Snapshot(tables, sequences, media, seeded_on)

    def restore(self, state: str) -> None:
        from django.contrib.contenttypes.models import ContentType
        from django.core.management.color import no_style
        from django.db import transaction

        if self.current == state:
            return
        connection = self.connection
        quote = connection.ops.quote_name
        snapshot = self.snapshots[state]
        tables = self._tables()
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Fail, rather than hang, if a test left a connection holding locks.
                cursor.execute("SET LOCAL lock_timeout = '30s'")
            model_tables = [t for t in tables if t != "sqlite_sequence"]
            for sql in connection.ops.sql_flush(no_style(), model_tables):
                cursor.execute(sql)
            if "sqlite_sequence" in tables:
                cursor.execute("DELETE FROM sqlite_sequence")
            # Foreign keys are deferred to the commit, so the order does not matter.
            for table, copy in snapshot.tables:
                cursor.execute(
                    f"INSERT INTO {quote(table)} SELECT * FROM {quote(copy)}"
                )
            for sequence, last_value in snapshot.sequences:
                cursor.execute(
                    "SELECT setval(%s, %s, %s)",
                    [quote(sequence), last_value or 1, last_value is not None],
                )
        ContentType.objects.clear_cache()
        self.current = state

    def _tables(self) -> list[str]:
        introspection = self.connection.introspection
        tables = sorted(
            introspection.django_table_names(only_existing=True, include_views=False)
        )
        if self.connection.vendor == "sqlite":
            # AUTOINCREMENT counters; Django's introspection leaves this table out.
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
                )
                if cursor.fetchone():
                    tables.append("sqlite_sequence")
        return tables


@pytest.fixture(scope="session")
def database_states(
    django_db_setup, django_db_blocker, tmp_path_factory
) -> Iterator[DatabaseStates]:
    with django_db_blocker.unblock():
        yield DatabaseStates(lambda state: tmp_path_factory.mktemp(f"{state}-media"))
        close_database_sessions()


def close_database_sessions(timeout: float = 30) -> None:
    """Close this process's connections before pytest-django drops the test
    database, which PostgreSQL refuses while any session is still on it.

    Closing is not enough: while Playwright's event loop runs in this thread (from
    the first browser test until the browser closes), Django keeps the thread's
    connections apart as if in async code, and the connection opened then is out
    of reach once the browser has closed. Its session is ended from the server.
    """
    from django.db import connection, connections

    connections.close_all()
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout
    with connection._nodb_cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = %s",
                [connection.settings_dict["NAME"]],
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)


@pytest.fixture
def database_state(
    request, database_states, django_db_blocker
) -> Iterator[DatabaseStates]:
    """The tables hold the state this test asks for (committed, before the test's
    own transaction opens); after a transactional test they hold anything."""
    with django_db_blocker.unblock():
        database_states.ensure(wanted_state(request.fixturenames))
    yield database_states
    if is_transactional(request.node, request.fixturenames):
        database_states.current = None


@pytest.fixture
def _django_db_helper(database_state, _django_db_helper) -> None:
    """pytest-django's per-test database access, opened once ``database_state``
    has committed the state the test asks for (and torn down before it notes a
    transactional test's flush)."""


def pytest_collection_modifyitems(config, items: list[pytest.Item]) -> None:
    """Transactional tests (the slowest: browser journeys, real concurrency) first,
    then the others grouped by the state they ask for, so each process switches
    states a few times only; pytest-xdist hands every worker its tests in this
    order. Correctness does not depend on it: every test gets its state anyway."""
    order = {EMPTY: 0, **{state: i + 1 for i, state in enumerate(SEEDED_STATES)}}
    items.sort(
        key=lambda item: (
            not is_transactional(item, getattr(item, "fixturenames", ())),
            order[wanted_state(getattr(item, "fixturenames", ()))],
        )
    )


@pytest.fixture
def demo(database_state, db, settings, tmp_path) -> None:
    """The demo centre: agencies, departments, one account per role, and dossiers.

    Seeded once per test process; the dossiers' files are copied into
    ``tmp_path``, the test's MEDIA_ROOT, so a test may add or remove files freely.
    """
    database_state.use("demo", settings, tmp_path)


# --- the browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM):
        if IN_CI:
            pytest.fail(f"Chromium is required in CI but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


def browser_context(browser, base_url: str, **options):
    """A fresh browser context (cookies, storage) on ``base_url``, with the suite's
    timeout for every action and navigation, and no animations to race with."""
    context = browser.new_context(base_url=base_url, reduced_motion="reduce", **options)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    return context


@pytest.fixture
def page(browser, live_server, request) -> Iterator[object]:
    """A fresh browser tab against the live server; a screenshot is kept on failure."""
    context = browser_context(
        browser, live_server.url, viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


# axe-core comes with the axe-playwright-python package (a pinned dev dependency);
# AXE_CORE_JS may point at another axe.min.js (``npm pack axe-core``).
AXE_CORE_JS = os.environ.get("AXE_CORE_JS") or str(
    Path(axe_playwright_python.__file__).with_name("axe.min.js")
)
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ["violations"]}))
  .violations.filter(v => v.impact === "serious" || v.impact === "critical")
  .map(v => v.id + " (" + v.impact + "): " + v.nodes.map(n => n.target.join(" "))
  .slice(0, 3).join(", "))"""


def serious_accessibility_issues(page) -> list[str]:
    """axe-core's serious and critical findings on the page. The page's context
    must bypass the CSP (``audited_page``): axe is added as a script of its own."""
    page.add_script_tag(path=AXE_CORE_JS)
    return page.evaluate(AXE_RUN)


@pytest.fixture
def audited_page(browser, live_server, request) -> Iterator[object]:
    """As ``page``, in a context where axe-core may be added to the page (the
    CSP is bypassed for the test's own script only; the app sends it unchanged)."""
    context = browser_context(
        browser,
        live_server.url,
        viewport={"width": 1280, "height": 900},
        bypass_csp=True,
    )
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def login(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real login form, and for staff (or anyone with an
    authenticator app) the code page after it; returns on the page the user lands
    on. A staff account without an app gets the demo one first."""
    from accounts.demo import DEMO_TOTP_SECRET
    from accounts.mfa import demo_app_device, has_second_factor, requires_second_factor
    from accounts.models import User

    user = User.objects.filter(username=username).first()
    needs_code = user is not None and (
        requires_second_factor(user) or has_second_factor(user)
    )
    if needs_code and not has_second_factor(user):
        demo_app_device(user, DEMO_TOTP_SECRET)
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    if needs_code:
        expect(page).to_have_url(re.compile(r"/accounts/two-step/"))
        page.locator("#id_code").fill(second_factor_code(username))
        page.locator("#app-code-form button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/two-step/"))
    page.wait_for_load_state()


def second_factor_code(username: str) -> str:
    """The code the account's authenticator app shows now. The last code used is
    forgotten first, so one account may log in several times within 30 seconds."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.mfa import next_code

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    device.last_t = -1
    device.throttling_failure_count = 0
    device.save(update_fields=["last_t", "throttling_failure_count"])
    return next_code(device)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Every test starts with an empty cache: rendered catalogue pages and unread
    counts of a previous test's rows (rolled back since) must not be served."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the portal's language. A request through the test
    client activates the visitor's language in the test's own thread, where it
    stays after the response: a test that asked for English would otherwise leave
    the next test's service messages in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _test_client_logins(monkeypatch) -> None:
    """Django's test client meets the login protection as a person would.

    ``client.login()`` hands django-axes the request its backend requires (failures
    then count as the login form's do), and anyone logged in with ``login()`` or
    ``force_login()`` who owes a second factor (staff) has passed it with an
    authenticator app, as after the code page. The second factor's own tests log in
    through the form instead.
    """
    from django.test import Client, RequestFactory

    plain_login, plain_private_login = Client.login, Client._login

    def login(self, **credentials):
        credentials.setdefault("request", RequestFactory().post("/accounts/login/"))
        return plain_login(self, **credentials)

    def _login(self, user, backend=None):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts.mfa import SESSION_FLAG, has_second_factor, requires_second_factor

        plain_private_login(self, user, backend)
        if requires_second_factor(user) or has_second_factor(user):
            device = TOTPDevice.objects.filter(
                user=user, confirmed=True
            ).first() or TOTPDevice.objects.create(user=user, name="test")
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session[SESSION_FLAG] = True
            session.save()

    monkeypatch.setattr(Client, "login", login)
    monkeypatch.setattr(Client, "_login", _login)


# --- files and dossiers ------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def file_online(demo, media):
    """A function filing an online dossier for the citizen, submitted."""
    from dossiers import services
    from procedures.models import Procedure
    from tests.factories import demo_user, pdf

    def make(code: str = "1.004873", at=None):
        citizen = demo_user("citizen")
        procedure = Procedure.objects.get(code=code)
        dossier = services.dossier_create_draft(applicant=citizen, procedure=procedure)
        for paper in dossier.papers:
            if paper["mandatory"]:
                services.dossier_attach_paper(
                    dossier=dossier,
                    actor=citizen,
                    paper_index=paper["index"],
                    upload=pdf(),
                )
        services.dossier_submit(dossier=dossier, actor=citizen, at=at)
        dossier.refresh_from_db()
        return dossier

    return make


@pytest.fixture
def in_processing(file_online):
    """A dossier received and transferred: at the officer's review step."""
    from dossiers import services
    from tests.factories import demo_user

    dossier = file_online()
    clerk = demo_user("clerk")
    services.dossier_receive(dossier=dossier, actor=clerk)
    services.dossier_transfer(dossier=dossier, actor=clerk)
    dossier.refresh_from_db()
    return dossier


# --- file storage: the local disk or a real S3 server (SeaweedFS) -------------------


@pytest.fixture(scope="session")
def s3_server():
    """A real S3 server for this test process: the one .ci/run started for every
    worker (TEST_S3_ENDPOINT_URL), else a SeaweedFS of our own (tests/s3server.py)."""
    from tests.s3server import shared_or_own

    with shared_or_own() as server:
        yield server


@dataclass
class FileStorage:
    """Where the files of a test go, and a way to look at them behind the app."""

    kind: str  # "local" or "s3"
    media: Path
    server: object | None = None  # tests.s3server.S3Server
    location: str = ""

    def key(self, name: str) -> str:
        return f"{self.location}/{name}" if self.location else name

    def holds(self, name: str) -> bool:
        """Whether the stored file ``name`` really is in this storage."""
        if self.kind == "local":
            return (self.media / name).is_file()
        client = self.server.client()
        found = client.list_objects_v2(Bucket=self.server.bucket, Prefix=self.key(name))
        return any(item["Key"] == self.key(name) for item in found.get("Contents", []))


@pytest.fixture(params=["local", "s3"])
def file_storage(request, settings, media) -> FileStorage:
    """A test asking for this runs twice: files on the local disk (MEDIA_ROOT), then
    in a private bucket of a real S3 server. Ask for it before any fixture that
    stores files, so that they go where the test looks."""
    if request.param == "local":
        return FileStorage("local", media)
    import uuid

    from onecenter.storage import s3_storage

    server = request.getfixturevalue("s3_server")
    # Workers sharing one server keep apart under a prefix of their own.
    location = (
        f"tests/{os.environ.get('PYTEST_XDIST_WORKER', 'gw0')}/{uuid.uuid4().hex}"
    )
    # Django's setting_changed handler forgets the storages built from the old value.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket=server.bucket,
            endpoint_url=server.endpoint_url,
            region=server.region,
            access_key=server.access_key,
            secret_key=server.secret_key,
            location=location,
        ),
    }
    return FileStorage("s3", media, server, location)
