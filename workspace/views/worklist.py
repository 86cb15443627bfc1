"""The dashboard, the worklist and the register (Form 07)."""

from datetime import timedelta

from django.contrib import messages
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
from dossiers.selectors import (
    dashboard_counts,
    due_windows,
    keyset_page,
    received_register,
    worklist,
)

from .. import forms
from . import staff_required


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    windows = due_windows(timezone.now())
    return render(
        request,
        "workspace/dashboard.html",
        {"counts": dashboard_counts(request.user, windows), "windows": windows},
    )


@staff_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    windows = due_windows(timezone.now())
    form = forms.WorklistFilterForm(
        request.GET or None, user=request.user, soon_days=windows.soon_days
    )
    filters = form.worklist_filters() if form.is_valid() else {}
    dossiers = worklist(request.user, windows=windows, **filters)
    rows, next_cursor = keyset_page(dossiers, request.GET.get("after"))
    params = request.GET.copy()
    params.pop("after", None)
    context = {
        "form": form,
        "rows": rows,
        "next_cursor": next_cursor,
        "params": params.urlencode(),
        "windows": windows,
        "first_page": not request.GET.get("after"),
    }
    return render(request, "workspace/dossier_list.html", context)


@staff_required
def register(request: HttpRequest) -> HttpResponse:
    """Form 07: the desk's register of dossiers received in a date range."""
    today = timezone.localdate()
    form = forms.RegisterFilterForm(
        request.GET or {"date_from": today - timedelta(days=7), "date_to": today}
    )
    rows = []
    if form.is_valid():
        data = form.cleaned_data
        rows = received_register(request.user, data["date_from"], data["date_to"])
    context = {"form": form, "rows": rows}
    if request.GET.get("format") == "pdf" and form.is_valid():
        try:
            pdf = render_pdf(request, REGISTER_TEMPLATE, context)
        except PdfUnavailable:
            messages.error(request, _("PDF output is not available on this server."))
            return redirect(request.path)
        return pdf_response(pdf, "so-theo-doi-ho-so.pdf")
    return render(request, REGISTER_TEMPLATE, context)
