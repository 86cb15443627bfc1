"""The audit trail as a streamed CSV file."""

import json
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exports.spreadsheets import csv_response, safe_cell

from .models import AuditEvent

CHUNK_SIZE = 2000
HEADINGS = [
    _("Time"),
    _("User name"),
    _("Action code"),
    _("Action"),
    _("Object type"),
    _("Object id"),
    _("Object"),
    _("Dossier code"),
    _("IP address"),
    _("Browser"),
    _("Details"),
]


def _text(value: object) -> str:
    # The user name of a failed login and a file's name are typed by anyone.
    return safe_cell("" if value is None else str(value))


def _values(event: AuditEvent) -> list[object]:
    return [
        timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
        event.actor_label,
        event.action,
        event.get_action_display(),
        event.object_type,
        event.object_id,
        event.object_label,
        event.dossier_code,
        event.ip,
        event.user_agent,
        json.dumps(event.details, cls=DjangoJSONEncoder, ensure_ascii=False)
        if event.details
        else "",
    ]


def events_csv(events: Iterable[AuditEvent], filename: str) -> StreamingHttpResponse:
    """The events as CSV, streamed (``exports.spreadsheets.csv_response``)."""
    return csv_response(
        HEADINGS,
        events,
        lambda event: [_text(value) for value in _values(event)],
        filename,
    )
