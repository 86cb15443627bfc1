"""Public pages of the procedure catalogue: search list, detail and blank forms."""

from datetime import datetime, time
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property

from dossiers.deadlines import due_at

from .cache import anonymous_page, cached, digest, page_key, shared_calendar
from .forms import ProcedureFilterForm
from .models import Procedure, RequiredPaper
from .selectors import public_procedure, public_procedures

PAGE_SIZE = 20


class CatalogueSearch:
    """The search form and the page of results, worked out only when the cached
    page has none (the template's ``{% cache %}`` block reads them)."""

    def __init__(self, request: HttpRequest):
        self.request = request

    @cached_property
    def form(self) -> ProcedureFilterForm:
        return ProcedureFilterForm(self.request.GET or None)

    @cached_property
    def filters(self) -> dict:
        return self.form.cleaned_data if self.form.is_valid() else {}

    @cached_property
    def page(self) -> Page:
        filters = self.filters
        procedures = public_procedures(
            query=filters.get("q", ""),
            sector_code=filters["sector"].code if filters.get("sector") else None,
            agency_code=filters["agency"].code if filters.get("agency") else None,
            level=filters.get("level") or None,
            online_only=filters.get("online", False),
        )
        return Paginator(procedures, PAGE_SIZE).get_page(self.request.GET.get("page"))

    @cached_property
    def query_string(self) -> str:
        query_string = self.request.GET.copy()
        query_string.pop("page", None)
        return query_string.urlencode()

    @property
    def searching(self) -> bool:
        return bool(self.filters.get("q"))


@anonymous_page()
def procedure_list(request: HttpRequest) -> HttpResponse:
    # Every parameter shows in the page (the box, the filters, the page links).
    parameters = sorted((k, v) for k, values in request.GET.lists() for v in values)
    return render(
        request,
        "procedures/procedure_list.html",
        {
            "search": CatalogueSearch(request),
            "page_key": page_key(request),
            "search_key": digest(parameters),
        },
    )


def _cached_facts(request: HttpRequest, code: str) -> dict:
    key = f"catalogue:{page_key(request)}:facts:{digest([code])}"
    return cached(key, lambda: _facts(code))


def _detail_key(request: HttpRequest, code: str) -> list[Any]:
    """Besides the catalogue: the due date a dossier received now would get."""
    facts = _cached_facts(request, code)
    return [_expected_due(*facts["due_rule"])] if facts["public"] else []


@anonymous_page(_detail_key)
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    key = page_key(request)
    facts = _cached_facts(request, code)
    if not facts["public"]:
        raise Http404
    return render(
        request,
        "procedures/procedure_detail.html",
        {
            "title": facts["title"],
            # Read only when the cached page has expired.
            "procedure": SimpleLazyObject(lambda: public_procedure(code)),
            "expected_due": _expected_due(*facts["due_rule"]),
            "page_key": key,
            "code_key": digest([code]),
        },
    )


def _facts(code: str) -> dict:
    """What a procedure page needs besides its cached content."""
    try:
        procedure = Procedure.objects.public().get(code=code)
    except Procedure.DoesNotExist:
        return {"public": False}
    return {
        "public": True,
        "title": procedure.display_name,
        "due_rule": (
            procedure.processing_time_value,
            procedure.processing_time_unit,
            procedure.cutoff_time,
        ),
    }


def blank_form(request: HttpRequest, code: str, paper_id: int) -> FileResponse:
    paper = get_object_or_404(
        RequiredPaper.objects.filter(procedure__in=Procedure.objects.public()),
        procedure__code=code,
        pk=paper_id,
    )
    if not paper.blank_form:
        raise Http404
    return FileResponse(paper.blank_form.open("rb"), as_attachment=True)


def _expected_due(value: int | None, unit: str, cutoff: time | None) -> datetime | None:
    """When a dossier received now would be due, by the same rule as real dossiers."""
    if value is None:
        return None
    return due_at(timezone.localtime(), value, unit, shared_calendar(), cutoff)
