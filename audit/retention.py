"""The retention purge: events older than ``AUDIT_RETENTION_DAYS`` are deleted, the
only deletion the append-only trail allows."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction

from .models import Action, AuditEvent
from .services import record


def purge_events(*, now: datetime) -> int:
    """Delete the events older than the retention period; returns how many. The
    purge is itself recorded, so a gap in the trail is explained. A retention of 0
    days keeps everything."""
    days = settings.AUDIT_RETENTION_DAYS
    if days <= 0:
        return 0
    cutoff = now - timedelta(days=days)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The table's trigger refuses every DELETE unless this transaction
            # says it is the purge (migration 0002).
            cursor.execute("SET LOCAL audit.purge = 'on'")
        cursor.execute(f"DELETE FROM {table} WHERE created_at < %s", [cutoff])
        count = cursor.rowcount
        if count:
            record(
                None,
                Action.AUDIT_PURGED,
                details={"before": cutoff, "count": count, "retention_days": days},
            )
    return count
