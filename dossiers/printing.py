"""The standard forms 01–07 (Circular 03/2025/TT-VPCP numbering), as pages and PDFs.

One module for staff and applicants: ``printed_form`` builds a form of a dossier
from what its log recorded (who received it, who issued each notice), so the
desk's print and the applicant's download are the same document. Which action
issues which form is in the registry (``dossiers/workflow.py``); Forms 06 (the
processing control sheet) and 07 (the register) are internal.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import segno
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from procedures.eforms import answer_rows, text_in

from . import workflow
from .control_sheet import control_sheet
from .models import Dossier, PaperReceipt, TransitionLog
from .selectors import control_sheet_steps


@dataclass(frozen=True)
class PrintedForm:
    number: str
    label: Promise
    template: str
    page_size: str
    # Handed to the applicant (and downloadable by them), or kept by the centre.
    for_applicant: bool = True


FORMS: dict[str, PrintedForm] = {
    form.number: form
    for form in (
        PrintedForm(
            "01",
            _("Form 01 – receipt and appointment slip"),
            "dossiers/forms/form_01.html",
            "A5",
        ),
        PrintedForm(
            "02",
            _("Form 02 – supplement request"),
            "dossiers/forms/form_02.html",
            "A5",
        ),
        PrintedForm("03", _("Form 03 – refusal"), "dossiers/forms/form_03.html", "A5"),
        PrintedForm(
            "04",
            _("Form 04 – apology and extension"),
            "dossiers/forms/form_04.html",
            "A4",
        ),
        PrintedForm(
            "05",
            _("Form 05 – notice of stopped processing"),
            "dossiers/forms/form_05.html",
            "A4",
        ),
        PrintedForm(
            "06",
            _("Form 06 – processing control sheet"),
            "dossiers/forms/form_06.html",
            "A4",
            for_applicant=False,
        ),
    )
}
REGISTER_TEMPLATE = "dossiers/forms/form_07.html"
DECLARATION_TEMPLATE = "dossiers/forms/declaration.html"


class PdfUnavailable(RuntimeError):
    """WeasyPrint's system libraries (Pango) are missing on this machine."""


def issued_forms(
    logs: list[TransitionLog], *, for_applicant: bool = False
) -> list[PrintedForm]:
    """The forms issued on a dossier so far, by what its log recorded."""
    done = {log.transition for log in logs}
    return [
        form
        for form in FORMS.values()
        if done & workflow.issuers(form.number)
        and (form.for_applicant or not for_applicant)
    ]


@dataclass(frozen=True)
class IssuedDocument:
    """One printed form issued on a dossier. A dossier may be issued Form 02
    several times (one per supplement request); ``seq`` says which, counting
    from 1, and every one stays printable."""

    form: PrintedForm
    label: str
    seq: int | None = None

    @property
    def number(self) -> str:
        return self.form.number


def issued_documents(
    dossier: Dossier, logs: list[TransitionLog], *, for_applicant: bool = False
) -> list[IssuedDocument]:
    """Every printed form issued on ``dossier``, each Form 02 on its own."""
    documents = []
    for form in issued_forms(logs, for_applicant=for_applicant):
        if form.number != "02":
            documents.append(IssuedDocument(form, str(form.label)))
            continue
        requests = list(dossier.supplement_requests.all())
        for seq, request in enumerate(requests, start=1):
            label = f"{form.label} ({seq}/{len(requests)}, " + (
                f"{timezone.localtime(request.requested_at):%d/%m/%Y})"
            )
            documents.append(IssuedDocument(form, label, seq))
    return documents


def printed_form(
    request: HttpRequest,
    dossier: Dossier,
    number: str,
    logs: list[TransitionLog],
    seq: int | None = None,
) -> tuple[PrintedForm, dict[str, Any]]:
    """Form ``number`` of ``dossier`` and what it shows, as its log recorded it.

    ``seq`` picks one of several issues of a form (Form 02: the n-th supplement
    request, from 1); without it, the latest. Raises ``Http404`` for an issue
    that does not exist.
    """
    form = FORMS[number]
    receipt = _last(logs, workflow.issuers("01"))
    supplements = list(dossier.supplement_requests.select_related("requested_by"))
    if seq is None:
        supplement = supplements[-1] if supplements else None
    elif number == "02" and 1 <= seq <= len(supplements):
        supplement = supplements[seq - 1]
    else:
        raise Http404
    received_at = dossier.received_at
    return form, {
        "dossier": dossier,
        "number": number,
        "page_size": form.page_size,
        "qr": tracking_qr(request, dossier.code) if dossier.code else "",
        "logs": logs,
        "steps": list(dossier.steps.all()),
        "officer": receipt.actor if receipt else "",
        "supplement": supplement,
        # Form 01 states what was handed over up to the receipt, with its counts.
        "receipts": (
            papers_received(dossier.paper_receipts.filter(received_at__lte=received_at))
            if received_at
            else []
        ),
        "receipt_log": receipt,
        "event_log": _last(logs, workflow.issuers(number)),
        # Form 06: a line per hand-off, with both sides, the step and its timeliness.
        "control_sheet": (
            control_sheet(dossier, logs, control_sheet_steps(dossier))
            if number == "06"
            else None
        ),
    }


def declaration_context(
    request: HttpRequest | None, dossier: Dossier
) -> dict[str, Any]:
    """The online form's answers printed as the procedure's declaration (tờ khai),
    with the dossier code and QR. Always in Vietnamese: it is the filed document."""
    definition = dossier.form_definition
    with translation.override("vi"):
        rows = answer_rows(
            definition, dossier.answers or {}, papers=dossier.papers, language="vi"
        )
    return {
        "dossier": dossier,
        "page_size": "A4",
        "qr": tracking_qr(request, dossier.code) if dossier.code else "",
        "title": text_in(definition.get("title"), "vi") or "Tờ khai",
        "rows": rows,
    }


@dataclass(frozen=True)
class PaperLine:
    """One line of Form 01's list: a paper and how many of each kind were handed
    over, summed when it came in parts (at registration, then with a supplement)."""

    index: int
    name: str
    originals: int
    certified_copies: int
    copies: int
    electronic: bool


def papers_received(receipts: Iterable[PaperReceipt]) -> list[PaperLine]:
    lines: dict[int, PaperLine] = {}
    for receipt in receipts:
        earlier = lines.get(receipt.paper_index)
        lines[receipt.paper_index] = PaperLine(
            index=receipt.paper_index,
            name=receipt.name,
            originals=receipt.originals + (earlier.originals if earlier else 0),
            certified_copies=receipt.certified_copies
            + (earlier.certified_copies if earlier else 0),
            copies=receipt.copies + (earlier.copies if earlier else 0),
            electronic=receipt.electronic and (earlier is None or earlier.electronic),
        )
    return [lines[index] for index in sorted(lines)]


def _last(logs: list[TransitionLog], actions: frozenset[str]) -> TransitionLog | None:
    return next((log for log in reversed(logs) if log.transition in actions), None)


def _absolute(request: HttpRequest | None, path: str) -> str:
    """``path`` as a full URL: the request's host, or ``SITE_URL`` outside one."""
    if request is None:
        return settings.SITE_URL.rstrip("/") + path
    return request.build_absolute_uri(path)


def tracking_qr(request: HttpRequest | None, code: str) -> str:
    """An inline SVG QR code opening the public tracking page for ``code``."""
    url = _absolute(request, reverse("dossiers:track")) + f"?code={code}"
    svg = segno.make(url, error="m").svg_inline(scale=3, border=1)
    # Safe: segno generates the markup from our own URL.
    return mark_safe(svg)


def render_pdf(
    request: HttpRequest | None, template: str, context: dict[str, Any]
) -> bytes:
    """``template`` as a PDF; without a request (a service), links use SITE_URL."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # pragma: no cover - depends on the machine
        raise PdfUnavailable(str(exc)) from exc
    html = render_to_string(template, {**context, "as_pdf": True}, request=request)
    return HTML(string=html, base_url=_absolute(request, "/")).write_pdf()


def declaration_pdf(dossier: Dossier) -> bytes:
    """The declaration as a PDF made outside a request: the file attached to the
    dossier as the paper the online form stands for, when it is submitted."""
    context = {
        **declaration_context(None, dossier),
        # What the page's context processors and middleware give a request.
        "CENTRE_NAME": settings.CENTRE_NAME,
        "request": SimpleNamespace(csp_nonce=""),
    }
    with translation.override("vi"):
        return render_pdf(None, DECLARATION_TEMPLATE, context)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
