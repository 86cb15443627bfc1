"""Reads of the audit trail: a manager's scope, the filters, keyset pages."""

from collections.abc import Collection
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from .models import AuditEvent

PAGE_SIZE = 50


def events_in_scope(agency_ids: Collection[int]) -> QuerySet[AuditEvent]:
    """What the manager of ``agency_ids`` (their agency tree) may read: events on
    dossiers received or decided there, and the account events of the staff who
    work there (their logins, failed attempts on their accounts, their exports)."""
    if not agency_ids:
        return AuditEvent.objects.none()
    ids = list(agency_ids)
    user_model = get_user_model()
    staff = user_model._default_manager.filter(agency_id__in=ids).values("pk")
    on_dossier = Q(receiving_desk_id__in=ids) | Q(deciding_agency_id__in=ids)
    on_account = Q(dossier_id__isnull=True) & (
        Q(actor__agency_id__in=ids)
        | Q(object_type=user_model._meta.label_lower, object_id__in=staff)
    )
    return AuditEvent.objects.filter(on_dossier | on_account)


def filter_events(
    events: QuerySet[AuditEvent],
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    action: str = "",
    actor: str = "",
    dossier_code: str = "",
) -> QuerySet[AuditEvent]:
    """``events`` in [start, end), of one action, by an actor whose user name holds
    ``actor``, on one dossier (its code in any case)."""
    if start is not None:
        events = events.filter(created_at__gte=start)
    if end is not None:
        events = events.filter(created_at__lt=end)
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if dossier_code:
        code = dossier_code.strip()
        events = events.filter(dossier_code__in={code, code.upper(), code.lower()})
    return events.order_by("-created_at", "-id")


def keyset_page(
    events: QuerySet[AuditEvent], before: str | None, size: int = PAGE_SIZE
) -> tuple[list[AuditEvent], str | None]:
    """One page, newest first, after the cursor ``before`` (``<iso time>_<id>`` of
    the last row shown); the cursor of the next page, or None at the end. No count:
    the trail is long and a count would cost more than the page."""
    if before:
        try:
            moment, _, pk = before.rpartition("_")
            when, last_id = datetime.fromisoformat(moment), int(pk)
            if when.tzinfo is None:
                raise ValueError(before)
        except ValueError:
            pass
        else:
            events = events.filter(
                Q(created_at__lt=when) | Q(created_at=when, id__lt=last_id)
            )
    rows = list(events[: size + 1])
    if len(rows) <= size:
        return rows, None
    last = rows[size - 1]
    return rows[:size], f"{last.created_at.isoformat()}_{last.pk}"
