"""The audit trail as a streamed CSV file."""

import csv
import json
from collections.abc import Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

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
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file that hands back what is written, for ``csv.writer`` to stream."""

    def write(self, value: str) -> str:
        return value


def _text(value: object) -> str:
    text = "" if value is None else str(value)
    # The user name of a failed login and a file's name are typed by anyone.
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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
    """The events as CSV, streamed: UTF-8 with a byte-order mark, which is how Excel
    knows to read Vietnamese letters as UTF-8."""
    language = translation.get_language()
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        # The response is written after the view returns: keep the request's language.
        with translation.override(language):
            yield "\ufeff" + writer.writerow([str(h) for h in HEADINGS])
            for event in events:
                yield writer.writerow([_text(value) for value in _values(event)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
