"""The dashboard, the worklist and the register (Form 07)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.printing import (
    REGISTER_TEMPLATE,
    PdfUnavailable,
    pdf_response,
    render_pdf,
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
    InvalidCursor,
    dashboard_counts,
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
    windows = due_windows(timezone.now())
    names = unit_names()
    return render(
        request,
        "workspace/dashboard.html",
        {
            "counts": dashboard_counts(request.user, windows),
            "windows": windows,
            "agency_name": names["agency"].get(request.user.agency_id, ""),
            "department_name": names["department"].get(request.user.department_id),
        },
    )


@staff_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    windows = due_windows(timezone.now())
    form = forms.WorklistFilterForm(
        request.GET or None, user=request.user, soon_days=windows.soon_days
    )
    filters = form.worklist_filters() if form.is_valid() else {}
    dossiers = worklist_rows(worklist(request.user, windows=windows, **filters))
    after = request.GET.get("after")
    status = 200
    try:
        rows, next_cursor = keyset_page(dossiers, after)
    except InvalidCursor:
        # A hand-edited or truncated link: say so, and show the first page.
        messages.error(request, _("That page link is not valid; here is page 1."))
        rows, next_cursor = keyset_page(dossiers, None)
        after, status = None, 400
    params = request.GET.copy()
    params.pop("after", None)
    context = {
        "form": form,
        "rows": rows,
        "next_cursor": next_cursor,
        "params": params.urlencode(),
        "windows": windows,
        "first_page": not after,
    }
    return render(request, "workspace/dossier_list.html", context, status=status)


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
