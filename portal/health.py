"""Checks of the services the portal depends on, for /healthz, /readyz and the staff
page."""

import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from onecenter.celery import app as celery_app


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    ok: bool
    detail: str


def database_status() -> ServiceStatus:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return ServiceStatus("database", False, type(exc).__name__)
    return ServiceStatus("database", True, connection.vendor)


def broker_status(timeout: float = 2.0) -> ServiceStatus:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
            transport = conn.transport_cls
    except Exception as exc:
        return ServiceStatus("broker", False, type(exc).__name__)
    return ServiceStatus("broker", True, str(transport))


def cache_status() -> ServiceStatus:
    """The shared cache (Redis when REDIS_URL is set) keeps what it is given."""
    key = f"readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        ok = cache.get(key) == "ok"
        cache.delete(key)
    except Exception as exc:
        return ServiceStatus("cache", False, type(exc).__name__)
    return ServiceStatus("cache", ok, "" if ok else "value not kept")


def storage_status() -> ServiceStatus:
    """The storage of uploaded papers accepts a tiny file and lets it go."""
    try:
        name = default_storage.save(f".readyz-{uuid.uuid4().hex}", ContentFile(b"ok"))
        default_storage.delete(name)
    except Exception as exc:
        return ServiceStatus("storage", False, type(exc).__name__)
    return ServiceStatus("storage", True, "")


def readiness_checks() -> list[ServiceStatus]:
    """Every service a request or a queued task may need, for /readyz."""
    return [database_status(), cache_status(), storage_status(), broker_status()]
