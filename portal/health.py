"""Checks of the services the portal depends on, for /healthz and the staff page."""

from dataclasses import dataclass

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
