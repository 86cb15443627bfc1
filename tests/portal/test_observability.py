"""Operations: request ids in logs and responses, /readyz, /metrics, the session
engine."""

import io
import json
import logging
import uuid

import pytest
from django.conf import settings
from django.test import RequestFactory

from onecenter.observability import logging_settings, session_engine
from portal import health, observability


@pytest.fixture
def json_log_lines():
    """Every log line written while the test runs, as the JSON formatter writes
    them in production."""
    config = logging_settings(json=True, level="INFO")["formatters"]["structured"]
    formatter = config["()"](
        processors=config["processors"], foreign_pre_chain=config["foreign_pre_chain"]
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


@pytest.mark.django_db
def test_request_id_is_returned_and_in_every_log_line(client, json_log_lines):
    """Each response carries an X-Request-ID, and the request's log lines carry
    the same id, with the path but not the query string."""
    response = client.get("/procedures/?q=x&pin=123456")
    request_id = response["X-Request-ID"]
    uuid.UUID(request_id)
    lines = [line for line in json_log_lines() if line.get("request_id")]
    assert {line["event"] for line in lines} >= {
        "request_started",
        "request_finished",
    }
    assert {line["request_id"] for line in lines} == {request_id}
    finished = next(line for line in lines if line["event"] == "request_finished")
    assert finished["request"] == "GET /procedures/"
    assert "123456" not in json.dumps(json_log_lines())


@pytest.mark.django_db
def test_django_lines_carry_no_query_string(client, json_log_lines):
    """Django's "Not Found" line, which passes the request along, logs the path
    without the query string, and with the request id."""
    response = client.get("/no-such-page/?pin=424242")
    assert response.status_code == 404
    line = next(x for x in json_log_lines() if x.get("logger") == "django.request")
    assert line["request"] == "GET /no-such-page/"
    assert line["request_id"] == response["X-Request-ID"]
    assert "424242" not in json.dumps(json_log_lines())


@pytest.mark.django_db
def test_safe_incoming_request_id_is_kept(client):
    """A proxy's plain token id is kept, so its lines and ours can be joined."""
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc123-DEF.456_789")
    assert response["X-Request-ID"] == "abc123-DEF.456_789"


@pytest.mark.parametrize(
    "incoming",
    ['x"}\n{"event":"forged"', "short", "a" * 129, "id with spaces", "é" * 10],
)
@pytest.mark.django_db
def test_unsafe_incoming_request_id_is_replaced(client, incoming):
    """An X-Request-ID that is not a plain token is replaced by a new one."""
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    uuid.UUID(response["X-Request-ID"])


@pytest.mark.django_db
def test_metrics_are_not_found_from_elsewhere():
    """/metrics answers 404 to an address not in METRICS_ALLOWED_IPS."""
    request = RequestFactory().get("/metrics", REMOTE_ADDR="203.0.113.7")
    with pytest.raises(observability.Http404):
        observability.metrics(request)


@pytest.mark.django_db
def test_metrics_answer_the_scraper_address(client):
    """/metrics answers 200 with Django's request metrics to 127.0.0.1, and 404
    through the whole stack to anyone else."""
    client.get("/healthz")
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert "django_http_requests" in response.content.decode()
    assert client.get("/metrics", REMOTE_ADDR="198.51.100.1").status_code == 404


def test_metrics_addresses_accept_networks(settings):
    """METRICS_ALLOWED_IPS takes networks, and IPv6 too."""
    settings.METRICS_ALLOWED_IPS = ["10.1.0.0/16", "::1"]
    assert observability.metrics_allowed("10.1.2.3")
    assert observability.metrics_allowed("::1")
    assert not observability.metrics_allowed("10.2.0.1")
    assert not observability.metrics_allowed(None)
    assert not observability.metrics_allowed("not-an-address")


def _assert_no_secrets(body: str) -> None:
    secrets = [settings.SECRET_KEY, settings.CELERY_BROKER_URL]
    secrets += [settings.DATABASES["default"].get(k) for k in ("NAME", "PASSWORD")]
    secrets += [settings.CACHES["default"].get("LOCATION"), settings.REDIS_URL]
    for secret in filter(None, secrets):
        assert str(secret) not in body


@pytest.mark.django_db
def test_readyz_is_ok_when_every_service_answers(client, media):
    """/readyz answers 200 and names every check, all ok, with no address or
    password in the body; the storage check leaves no file behind."""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok", "broker": "ok"},
    }
    assert list(media.iterdir()) == []
    _assert_no_secrets(response.content.decode())


@pytest.mark.django_db
def test_readyz_is_503_naming_the_failed_database(client, monkeypatch, json_log_lines):
    """/readyz answers 503 and names the database when it does not answer."""

    def broken_database() -> health.ServiceStatus:
        return health.ServiceStatus("database", False, "OperationalError")

    monkeypatch.setattr(health, "database_status", broken_database)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "failed"
    assert body["checks"]["cache"] == "ok"
    assert "OperationalError" not in response.content.decode()
    _assert_no_secrets(response.content.decode())
    (line,) = [x for x in json_log_lines() if x["event"] == "readiness_check_failed"]
    assert line["check"] == "database"
    assert line["error"] == "OperationalError"


@pytest.mark.django_db
def test_readyz_is_503_when_storage_refuses(client, monkeypatch):
    """/readyz names the storage when a file cannot be written."""

    def refuse(*args, **kwargs):
        raise PermissionError("/secret/path")

    monkeypatch.setattr(health.default_storage, "save", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "failed"
    assert "/secret/path" not in response.content.decode()


@pytest.mark.parametrize(
    ("redis_url", "engine"),
    [
        ("redis://127.0.0.1:6379/0", "accounts.session_hint"),
        ("", "django.contrib.sessions.backends.db"),
    ],
)
def test_session_engine_follows_redis_url(redis_url, engine):
    """Sessions are cached in Redis (and kept in the database) when REDIS_URL is
    set, in the database alone otherwise."""
    assert session_engine(redis_url) == engine


def test_sessions_use_the_shared_cache():
    """The session cache is the one the throttles use."""
    assert settings.SESSION_CACHE_ALIAS == "default"
    assert session_engine(settings.REDIS_URL) == settings.SESSION_ENGINE


@pytest.mark.django_db
def test_sessions_work_on_the_configured_engine(client, demo):
    """A login survives from one request to the next on the configured engine."""
    client.login(username="citizen", password="onecenter-demo")
    response = client.get("/my/dossiers/")
    assert response.status_code == 200
