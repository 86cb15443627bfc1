"""The standard forms 01–07 (Circular 03/2025/TT-VPCP numbering) as pages and PDFs."""

from typing import Any

import segno
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

FORMS = {
    "01": ("workspace/forms/form_01.html", "A5"),
    "02": ("workspace/forms/form_02.html", "A5"),
    "03": ("workspace/forms/form_03.html", "A5"),
    "04": ("workspace/forms/form_04.html", "A4"),
    "05": ("workspace/forms/form_05.html", "A4"),
    "06": ("workspace/forms/form_06.html", "A4"),
}


class PdfUnavailable(RuntimeError):
    """WeasyPrint's system libraries (Pango) are missing on this machine."""


def tracking_qr(request: HttpRequest, code: str) -> str:
    """An inline SVG QR code opening the public tracking page for ``code``."""
    url = request.build_absolute_uri(reverse("dossiers:track")) + f"?code={code}"
    svg = segno.make(url, error="m").svg_inline(scale=3, border=1)
    # Safe: segno generates the markup from our own URL.
    return mark_safe(svg)


def render_pdf(request: HttpRequest, template: str, context: dict[str, Any]) -> bytes:
    try:
        from weasyprint import HTML
    except OSError as exc:  # pragma: no cover - depends on the machine
        raise PdfUnavailable(str(exc)) from exc
    html = render_to_string(template, {**context, "as_pdf": True}, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
