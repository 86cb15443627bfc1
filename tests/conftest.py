"""Shared fixtures: demo data, users per role, and a Playwright-driven Chromium."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal.demo import DEMO_PASSWORD, seed_demo

# Playwright's sync API runs an event loop in the test thread; Django would then
# refuse ORM calls from the test body, although they are plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_configure(config) -> None:
    from django.conf import settings

    # Tests serve static files from the apps' folders, with no collectstatic run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    # Tasks run in-process after commit; a separate test drives a real worker.
    from onecenter.celery import app as celery_app

    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


@pytest.fixture
def demo(db, settings, tmp_path) -> None:
    """The demo centre: agencies, departments, one account per role, and dossiers."""
    # The demo dossiers' papers are files: keep them out of the developer's media.
    settings.MEDIA_ROOT = tmp_path
    seed_demo(DEMO_PASSWORD)


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


@pytest.fixture
def page(browser, live_server, request) -> Iterator[object]:
    """A fresh browser tab against the live server; a screenshot is kept on failure."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
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
    """Log in through the real login form."""
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


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
