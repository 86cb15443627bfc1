"""Public pages of the procedure catalogue: search list, detail and blank forms."""

from datetime import datetime

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from dossiers.deadlines import due_at
from workcalendar.calendar import load_calendar

from .forms import ProcedureFilterForm
from .models import Procedure, RequiredPaper
from .selectors import public_procedure, public_procedures

PAGE_SIZE = 20


def procedure_list(request: HttpRequest) -> HttpResponse:
    form = ProcedureFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    procedures = public_procedures(
        query=filters.get("q", ""),
        sector_code=filters["sector"].code if filters.get("sector") else None,
        agency_code=filters["agency"].code if filters.get("agency") else None,
        level=filters.get("level") or None,
        online_only=filters.get("online", False),
    )
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "procedures/procedure_list.html",
        {
            "form": form,
            "page": page,
            "query_string": query_string.urlencode(),
            "searching": bool(filters.get("q")),
        },
    )


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        procedure = public_procedure(code)
    except Procedure.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "procedures/procedure_detail.html",
        {"procedure": procedure, "expected_due": _expected_due(procedure)},
    )


def blank_form(request: HttpRequest, code: str, paper_id: int) -> FileResponse:
    paper = get_object_or_404(
        RequiredPaper.objects.filter(procedure__in=Procedure.objects.public()),
        procedure__code=code,
        pk=paper_id,
    )
    if not paper.blank_form:
        raise Http404
    return FileResponse(paper.blank_form.open("rb"), as_attachment=True)


def _expected_due(procedure: Procedure) -> datetime | None:
    """When a dossier received now would be due, by the same rule as real dossiers."""
    if procedure.processing_time_value is None:
        return None
    now = timezone.localtime()
    return due_at(
        now,
        procedure.processing_time_value,
        procedure.processing_time_unit,
        load_calendar(),
        procedure.cutoff_time,
    )
