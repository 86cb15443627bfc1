"""The audit trail for a centre manager: the events of their agency tree, on
screen a page at a time or all of them as CSV (the export is itself recorded)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import Role
from audit import selectors
from audit import services as audit
from audit.export import CHUNK_SIZE, events_csv
from audit.forms import AuditFilterForm
from procedures.selectors import agency_subtree

from . import staff_required

TEMPLATE = "workspace/audit_trail.html"


def _manager_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return staff_required(view, roles=frozenset({Role.MANAGER}))


@_manager_view
def audit_trail(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    # The same scope as the dossiers a manager may read (dossiers.rules.is_manager).
    scope = agency_subtree(request.user.agency_id)
    events = selectors.filter_events(selectors.events_in_scope(scope), **form.filters())
    if request.GET.get("format") == "csv":
        audit.record(request, audit.Action.AUDIT_EXPORTED, details=form.filters())
        name = f"nhat-ky-truy-cap-{form.cleaned_data['date_from']:%Y%m%d}"
        name += f"-{form.cleaned_data['date_to']:%Y%m%d}"
        return events_csv(events.iterator(chunk_size=CHUNK_SIZE), name)
    rows, next_cursor = selectors.keyset_page(events, request.GET.get("before"))
    context = {
        "form": form,
        "rows": rows,
        "next_cursor": next_cursor,
        "query": form.query(),
        "first_page": not request.GET.get("before"),
    }
    return render(request, TEMPLATE, context)
