"""Security headers and defaults: HTTPS only with DEBUG off, the
Content-Security-Policy on every page, no-store on signed-in users' pages."""

import base64
import hashlib
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse

from portal.middleware import PrivatePagesNoStoreMiddleware
from tests.factories import demo_user

ROOT = Path(settings.BASE_DIR)
SECURITY_VARIABLES = (
    "DEBUG",
    "ALLOW_PLAIN_HTTP",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "BEHIND_TLS_PROXY",
)
ONE_YEAR = 31_536_000


def load_settings(monkeypatch, **variables: str):
    """onecenter/settings.py executed afresh with only ``variables`` set among the
    security ones (the running settings are left alone)."""
    for name in SECURITY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(
        "settings_under_test", ROOT / "onecenter" / "settings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def https_settings(module) -> dict:
    return {
        "SESSION_COOKIE_SECURE": module.SESSION_COOKIE_SECURE,
        "CSRF_COOKIE_SECURE": module.CSRF_COOKIE_SECURE,
        "SECURE_SSL_REDIRECT": module.SECURE_SSL_REDIRECT,
        "SECURE_HSTS_SECONDS": module.SECURE_HSTS_SECONDS,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": module.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    }


HTTPS_ONLY = {
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": ONE_YEAR,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
}
PLAIN_HTTP = {
    "SESSION_COOKIE_SECURE": False,
    "CSRF_COOKIE_SECURE": False,
    "SECURE_SSL_REDIRECT": False,
    "SECURE_HSTS_SECONDS": 0,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
}


# --- HTTPS-only defaults -------------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"DEBUG": "false"}, HTTPS_ONLY),
        ({"DEBUG": "false", "ALLOW_PLAIN_HTTP": "true"}, PLAIN_HTTP),
        ({"DEBUG": "true"}, PLAIN_HTTP),
        (
            {"DEBUG": "false", "SECURE_HSTS_SECONDS": "0"},
            {**HTTPS_ONLY, "SECURE_HSTS_SECONDS": 0},
        ),
        (
            {"DEBUG": "false", "ALLOW_PLAIN_HTTP": "true", "CSRF_COOKIE_SECURE": "1"},
            {**PLAIN_HTTP, "CSRF_COOKIE_SECURE": True},
        ),
    ],
    ids=["production", "plain-http-opt-out", "debug", "one-turned-off", "one-on"],
)
def test_https_only_unless_debug_or_opted_out(monkeypatch, variables, expected):
    """With DEBUG off the site is HTTPS-only (redirect, Secure cookies, a year of
    HSTS with subdomains) with no variable set; ALLOW_PLAIN_HTTP=true or DEBUG turn
    it all off, and each setting can still be set on its own."""
    assert https_settings(load_settings(monkeypatch, **variables)) == expected


def test_the_proxy_header_is_trusted_only_when_asked(monkeypatch):
    """X-Forwarded-Proto is trusted only with BEHIND_TLS_PROXY=true."""
    assert not hasattr(load_settings(monkeypatch), "SECURE_PROXY_SSL_HEADER")
    behind = load_settings(monkeypatch, BEHIND_TLS_PROXY="true")
    assert behind.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")


def test_deploy_check_passes_with_only_a_key_and_a_host():
    """`manage.py check --deploy` reports nothing with only SECRET_KEY (50 random
    characters) and ALLOWED_HOSTS set, DEBUG off."""
    # tests/conftest.py sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; no server does.
    dropped = {*SECURITY_VARIABLES, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DEBUG="false",  # over a developer's .env
        SECRET_KEY=base64.urlsafe_b64encode(os.urandom(48)).decode(),
        ALLOWED_HOSTS="onecenter.example.vn",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=ONE_YEAR,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
)
def test_plain_http_is_redirected_and_https_answers_with_hsts(client):
    """Under the production defaults http:// is sent to https://, which carries HSTS."""
    plain = client.get("/procedures/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/procedures/"
    secure = client.get("/procedures/", secure=True)
    assert secure["Strict-Transport-Security"] == (
        f"max-age={ONE_YEAR}; includeSubDomains; preload"
    )


# --- Content-Security-Policy ---------------------------------------------------------


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part)
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/procedures/", "/accounts/login/", "/admin/login/", "/no-such-page/"]
)
def test_every_page_has_a_strict_policy(client, url):
    """Public pages, the admin's and the 404 page carry the policy: scripts from our
    own origin only, no plugins, no framing, no foreign base or form target."""
    directives = policy(client.get(url))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["style-src-attr"] == ["'unsafe-inline'"]


@pytest.mark.django_db
def test_printed_form_style_carries_the_nonce_of_the_header(client, demo):
    """A printed form's <style> is allowed by the nonce the header names, and its
    print button has no inline handler."""
    client.force_login(demo_user("clerk"))
    response = client.get(reverse("workspace:register"))
    assert response.status_code == 200
    nonce = re.search(r'<style nonce="([^"]+)">', response.content.decode())[1]
    assert f"'nonce-{nonce}'" in policy(response)["style-src"]
    assert "onclick" not in response.content.decode()
    assert "js/print.js" in response.content.decode()


def test_the_error_page_style_matches_its_hash():
    """The 500 page (rendered without a request, so without a nonce) keeps its own
    style: the hash in the settings is that of its <style> element."""
    page = (ROOT / "templates" / "500.html").read_text(encoding="utf-8")
    (style,) = re.findall(r"<style>(.*?)</style>", page, re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" == settings.ERROR_PAGE_STYLE_HASH


def test_templates_have_no_inline_script_or_handler():
    """No template holds an inline <script> or an on…= event handler: the policy
    would block them."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.name}: {tag}")
        offenders += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+=", text)]
    assert offenders == []


# --- no-store on signed-in users' pages ----------------------------------------------


@pytest.mark.django_db
def test_a_citizen_s_pages_are_not_stored(client, demo):
    """Every page shown to a signed-in citizen says no-store; public pages for an
    anonymous visitor do not."""
    assert "no-store" not in client.get("/procedures/").get("Cache-Control", "")
    client.force_login(demo_user("citizen"))
    for url in ["/my/dossiers/", "/procedures/", "/", "/notifications/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store, private", url


@pytest.mark.django_db
def test_staff_pages_are_not_stored(client, demo):
    """The workspace's pages say no-store too."""
    client.force_login(demo_user("clerk"))
    response = client.get(reverse("workspace:dashboard"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_view_s_own_cache_control_is_kept(rf: RequestFactory):
    """A view that set Cache-Control itself (a file, the admin) keeps it."""

    class SignedIn:
        is_authenticated = True

    request = rf.get("/")
    request.user = SignedIn()
    own = HttpResponse()
    own["Cache-Control"] = "private, max-age=60"
    assert PrivatePagesNoStoreMiddleware(lambda r: own)(request)["Cache-Control"] == (
        "private, max-age=60"
    )
    assert PrivatePagesNoStoreMiddleware(lambda r: HttpResponse())(request)[
        "Cache-Control"
    ] == ("no-store, private")
