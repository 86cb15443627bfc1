"""The landing page with the role's queues, the worklist (with its bulk actions)
and the register (Form 07)."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from accounts.models import Role
from dossiers import services, workflow
from dossiers.freshness import cached_counts, kept_part
from dossiers.printing import (
    REGISTER_TEMPLATE,
    PdfUnavailable,
    pdf_response,
    render_pdf,
)
from dossiers.queues import (
    AGENCY,
    DAYS_LATE,
    Queue,
    agency_loads,
    queue_counts,
    queue_for,
    queues_for,
    working_days_late,
)
from dossiers.register import (
    CHUNK_SIZE,
    PDF_GROUP_SIZE,
    in_groups,
    register_csv,
    register_filename,
    register_rows,
    register_xlsx,
)
from dossiers.selectors import (
    COUNT_CAP,
    DEFAULT_SORT,
    SORTS,
    DueWindows,
    InvalidCursor,
    due_windows,
    keyset_page,
    received_register,
    worklist,
    worklist_rows,
)
from procedures.selectors import unit_names

from .. import forms
from . import staff_required

# Rows per page of the register on screen; the PDF and the files hold them all.
REGISTER_PAGE_SIZE = 50


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The role's landing page: its queues with their counts (one statement) and,
    for the manager, the load of each agency (one more) and the month's figures.

    Its body is kept rendered under the key of the counts it shows (the dossiers'
    generation, the minute, the user: ``dossiers.freshness``), so it is drawn
    again only when they could have changed; it holds no form or token."""
    windows = due_windows(timezone.now())
    user = request.user
    body = cached_counts(
        f"dashboard-body:{get_language()}",
        user,
        windows.now,
        lambda: render_to_string(
            "workspace/_dashboard_body.html",
            _dashboard_context(user, windows),
            request=request,
        ),
    )
    return render(request, "workspace/dashboard.html", {"body": body})


def _dashboard_context(user: Any, windows: DueWindows) -> dict[str, Any]:
    names = unit_names()
    counts = queue_counts(user, windows)
    loads = []
    if user.role == Role.MANAGER:
        loads = [
            (load, names["agency"].get(load.agency_id, ""))
            for load in agency_loads(user, windows)
        ]
    return {
        "queues": [(q, counts[q.name]) for q in queues_for(user)],
        "counts": counts,
        "count_cap": COUNT_CAP,
        "loads": loads,
        "windows": windows,
        "agency_name": names["agency"].get(user.agency_id, ""),
        "department_name": names["department"].get(user.department_id),
    }


@dataclass
class WorklistView:
    """What the worklist's rows need besides the dossiers (see worklist_cells)."""

    windows: DueWindows
    queue: Queue | None
    sort: str
    bulk: str
    columns: frozenset[str] = frozenset()
    agency_names: dict[int, str] = field(default_factory=dict)
    days_late: dict[int, int] = field(default_factory=dict)
    # The rows ticked in a bulk form sent back with errors (``_ticked``).
    ticked: set[int] = field(default_factory=set)


# The columns a user can sort by, and the sort each one's link starts with.
SORTABLE = {"received": "received", "age": "age", "due": "due"}


@staff_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    """The worklist: the user's dossiers, or one of their queues (``?queue=``),
    filtered and sorted, a keyset page at a time. A POST does a bulk action on
    the ticked rows (``bulk_act``) and comes back here."""
    queue = None
    queue_name = request.GET.get("queue", "")
    if queue_name:
        queue = queue_for(request.user, queue_name)
        if queue is None:
            raise Http404
    if request.method == "POST":
        return bulk_act(request, queue)
    return _render_list(request, queue)


def _render_list(
    request: HttpRequest,
    queue: Queue | None,
    bulk_form: Any = None,
    bulk_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The worklist page. Its filters and rows (``WorklistParts``) hold no token
    and nothing of the request but its query, so a GET keeps them rendered under
    the key the queue counts use (the dossiers' generation, the minute, the
    user: ``dossiers.freshness``) with the language, the catalogue version and
    the query: a list reloaded while nothing changed is not read again. A bulk
    form sent back with errors (its ticked rows stay ticked) is drawn afresh."""
    windows = due_windows(timezone.now())
    if request.method == "GET":
        parts = kept_part(
            f"worklist:{queue.name if queue else ''}",
            windows.now,
            lambda: _parts(request, queue, windows),
            varies=request.GET.urlencode(),
            user=request.user,
        )
    else:
        parts = _parts(request, queue, windows, ticked=_ticked(request))
    if parts.error:
        # A hand-edited or truncated link: say so, and show the first page.
        messages.error(request, parts.error)
        status = 400
    bulk = queue.bulk if queue else ""
    if bulk and bulk_form is None:
        bulk_form = forms.BULK_FORMS[bulk]()
    context = {
        "parts": parts,
        "queue": queue,
        "view": {"bulk": bulk},
        "bulk_form": bulk_form,
        "bulk_errors": bulk_errors or [],
        "bulk_label": workflow.ACTIONS[bulk].label if bulk else "",
    }
    return render(request, "workspace/dossier_list.html", context, status=status)


@dataclass(frozen=True)
class WorklistParts:
    """The worklist page's filters and tabs (``top``) and its table and page
    links (``table``), rendered; whether there are rows (the bulk bar shows
    only then), the query without its cursor (the bulk form posts back to it),
    and the error to show when the cursor was not valid."""

    top: SafeString
    table: SafeString
    rows: bool
    params: str
    error: str = ""


def _ticked(request: HttpRequest) -> set[int]:
    """The rows ticked in a bulk form sent back with errors stay ticked."""
    return {
        int(pk)
        for pk, _sep, _version in (
            value.partition(":") for value in request.POST.getlist("dossier")
        )
        if pk.isascii() and pk.isdecimal() and len(pk) <= 18
    }


def _parts(
    request: HttpRequest,
    queue: Queue | None,
    windows: DueWindows,
    ticked: set[int] | None = None,
) -> WorklistParts:
    user = request.user
    form = forms.WorklistFilterForm(
        request.GET or None, user=user, soon_days=windows.soon_days
    )
    filters = form.worklist_filters() if form.is_valid() else {}
    sort = request.GET.get("sort", "")
    if sort not in SORTS:
        sort = queue.order if queue else DEFAULT_SORT
    dossiers = worklist(user, windows=windows, sort=sort, **filters)
    if queue is not None:
        dossiers = queue.narrow(dossiers, user, windows)
    dossiers = worklist_rows(dossiers)
    after, error = request.GET.get("after"), ""
    try:
        rows, next_cursor = keyset_page(dossiers, after, sort=sort)
    except InvalidCursor:
        error = _("That page link is not valid; here is page 1.")
        rows, next_cursor = keyset_page(dossiers, None, sort=sort)
        after = None
    view = WorklistView(windows, queue, sort, queue.bulk if queue else "")
    view.ticked = ticked or set()
    if queue is not None:
        view.columns = queue.columns
        if AGENCY in queue.columns:
            view.agency_names = unit_names()["agency"]
        if DAYS_LATE in queue.columns:
            late = working_days_late([r.current_due_at for r in rows], windows.now)
            view.days_late = {r.pk: n for r, n in zip(rows, late, strict=True)}
    params = request.GET.copy()
    params.pop("after", None)
    query = params.urlencode()
    counts = queue_counts(user, windows)
    context = {
        "user": user,
        "form": form,
        "rows": rows,
        "next_cursor": next_cursor,
        "params": query,
        "first_page": not after,
        "view": view,
        "queue": queue,
        "queues": [(q, counts[q.name]) for q in queues_for(user)],
        "count_cap": COUNT_CAP,
        "sort_links": _sort_links(params, sort),
        "sort_given": bool(request.GET.get("sort")),
        "searched": bool(request.GET.get("q") or request.GET.get("agency")),
    }
    return WorklistParts(
        top=mark_safe(render_to_string("workspace/_worklist_top.html", context)),
        table=mark_safe(render_to_string("workspace/_worklist_table.html", context)),
        rows=bool(rows),
        params=query,
        error=error,
    )


def _sort_links(params: QueryDict, sort: str) -> dict[str, dict[str, str]]:
    """Each sortable column's link (the other direction when it is the sort in
    force) and its ``aria-sort``."""
    links = {}
    for column, ascending in SORTABLE.items():
        descending = f"-{ascending}"
        query = params.copy()
        if sort == ascending:
            query["sort"], state, arrow = descending, "ascending", "↑"
        elif sort == descending:
            query["sort"], state, arrow = ascending, "descending", "↓"
        else:
            query["sort"], state, arrow = ascending, "none", ""
        links[column] = {"url": f"?{query.urlencode()}", "aria": state, "arrow": arrow}
    return links


def bulk_act(request: HttpRequest, queue: Queue | None) -> HttpResponse:
    """One action on the ticked dossiers, each through its service; which were
    done and which refused (and why) come back as messages."""
    action = request.POST.get("action", "")
    if action not in services.BULK_ACTIONS or queue is None or queue.bulk != action:
        raise Http404
    selection = forms.BulkSelectionForm(request.POST, limit=services.BULK_LIMIT)
    form = forms.BULK_FORMS[action](request.POST)
    if not (selection.is_valid() & form.is_valid()):
        errors = list(selection.non_field_errors())
        return _render_list(request, queue, form, errors, status=400)
    outcome = services.dossier_bulk_act(
        action=action,
        selection=selection.cleaned_data["selection"],
        actor=request.user,
        **form.service_kwargs(),
    )
    label = workflow.ACTIONS[action].label
    if outcome.done:
        messages.success(
            request,
            ngettext(
                "%(action)s: done for %(count)d dossier (%(codes)s).",
                "%(action)s: done for %(count)d dossiers (%(codes)s).",
                len(outcome.done),
            )
            % {
                "action": label,
                "count": len(outcome.done),
                "codes": ", ".join(str(d) for d in outcome.done),
            },
        )
    for refusal in outcome.refused:
        messages.error(
            request,
            _("%(action)s: not done for %(dossier)s. %(reason)s")
            % {"action": label, "dossier": refusal.dossier, "reason": refusal.reason},
        )
    return redirect(request.get_full_path())


@staff_required
def register(request: HttpRequest) -> HttpResponse:
    """Form 07: the register of the dossiers received in a period. On screen a
    page at a time; the whole period as PDF, CSV or XLSX (``?format=``)."""
    now = timezone.now()
    form = forms.RegisterFilterForm(request.GET, today=timezone.localdate(now))
    if not form.is_valid():
        return render(request, REGISTER_TEMPLATE, {"form": form}, status=400)
    start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    dossiers = received_register(request.user, start, end)
    name = register_filename(start, end)
    output = request.GET.get("format")
    if output in ("csv", "xlsx", "pdf"):
        rows = register_rows(dossiers.iterator(chunk_size=CHUNK_SIZE), now=now)
        if output == "csv":
            return register_csv(rows, name)
        if output == "xlsx":
            return register_xlsx(rows, name)
        groups = in_groups(rows, PDF_GROUP_SIZE)
        try:
            pdf = render_pdf(
                request, REGISTER_TEMPLATE, {"form": form, "groups": groups}
            )
        except PdfUnavailable:
            messages.error(request, _("PDF output is not available on this server."))
            return redirect(f"{request.path}?{form.period_query()}")
        return pdf_response(pdf, f"{name}.pdf")
    paginator = Paginator(dossiers, REGISTER_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(register_rows(page.object_list, now=now, first=page.start_index()))
    context = {
        "form": form,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number),
        "rows": rows,
        "groups": [rows] if rows else [],
        "period": form.period_query(),
    }
    return render(request, REGISTER_TEMPLATE, context)
