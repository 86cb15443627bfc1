"""The online form's pages: the communes of a province (for the address field)
and the applicant's declaration as a PDF."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from procedures.eforms import communes as communes_of

from ..models import Dossier
from ..printing import (
    DECLARATION_TEMPLATE,
    PdfUnavailable,
    declaration_context,
    pdf_response,
    render_pdf,
)
from .applicant import own_dossier


@require_GET
@cache_control(public=True, max_age=86400)
def communes(request: HttpRequest) -> JsonResponse:
    """The communes, wards and special zones of ``?province=``, as (code, name)."""
    return JsonResponse({"communes": communes_of(request.GET.get("province", ""))})


@own_dossier
def declaration_pdf(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    """The applicant's own answers as the printed declaration, a PDF."""
    if not dossier.form_definition:
        raise Http404
    try:
        pdf = render_pdf(
            request, DECLARATION_TEMPLATE, declaration_context(request, dossier)
        )
    except PdfUnavailable:
        messages.error(request, _("PDF output is not available on this server."))
        return redirect(dossier)
    return pdf_response(pdf, f"to-khai-{dossier.code or dossier.pk}.pdf")
