"""The online form of a dossier printed as the procedure's declaration (tờ khai)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit import services as audit
from dossiers.printing import (
    DECLARATION_TEMPLATE,
    PdfUnavailable,
    declaration_context,
    pdf_response,
    render_pdf,
)

from . import dossier_or_404, staff_required


@staff_required
def print_declaration(request: HttpRequest, pk: int) -> HttpResponse:
    """The answers as the declaration, a page or (``?format=pdf``) a PDF."""
    dossier = dossier_or_404(request, pk)
    context = declaration_context(request, dossier)
    audit.record(
        request,
        audit.Action.FORM_PRINTED,
        dossier=dossier,
        details={"form": "declaration"},
    )
    if request.GET.get("format") != "pdf":
        return render(request, DECLARATION_TEMPLATE, context)
    try:
        pdf = render_pdf(request, DECLARATION_TEMPLATE, context)
    except PdfUnavailable:
        messages.error(request, _("PDF output is not available on this server."))
        return redirect(request.path)
    return pdf_response(pdf, f"to-khai-{dossier.code or dossier.pk}.pdf")
