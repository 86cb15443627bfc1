"""Views of dossiers for the public and for applicants.

Filing online, the applicant's list of dossiers, each dossier's page, supplements,
withdrawal, slips and results. (Public tracking: ``tracking``; ratings: feedback.)
Every applicant URL loads the dossier through ``dossiers_visible_to`` first, so
anyone else's dossier, paper or result answers 404 whatever the method.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from procedures.models import Procedure
from procedures.selectors import public_procedure

from .. import selectors, services
from ..eform import (
    AnswersForm,
    OrganisationForm,
    ResultDeliveryForm,
    prefill_answers,
)
from ..forms import ApplicantDetailsForm, NoteForm, PaperUploadsForm
from ..freshness import kept_part
from ..models import (
    SUPPLEMENT_STATES,
    Attachment,
    AttachmentKind,
    Channel,
    Dossier,
    State,
    procedure_in_force,
)
from ..printing import (
    PdfUnavailable,
    issued_documents,
    issued_forms,
    pdf_response,
    printed_form,
    render_pdf,
)
from ..selectors import applicant_dossier_pages, applicant_dossiers, applicant_rows
from ..timeline import applicant_timeline, route_shape, stages
from ..uploads import file_response

# --- the applicant's dossiers -----------------------------------------------------


def applicant_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_applicant:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def own_dossier(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Load the dossier from the applicant's own scope before anything else."""

    @applicant_required
    @wraps(view)
    def wrapped(request: HttpRequest, pk: int, *args: Any, **kwargs: Any):
        dossier = get_object_or_404(applicant_dossier_pages(request.user), pk=pk)
        return view(request, dossier, *args, **kwargs)

    return wrapped


@applicant_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """The applicant's dossiers and group files, a page at a time. The list is
    kept rendered under the key the staff's counts use (the dossiers'
    generation, the minute, the user: ``freshness``) with the language, the
    catalogue version and the page asked for: reloaded while nothing changed, it
    is not read again."""
    number = request.GET.get("page", "")[:12]
    body = kept_part(
        "my-dossiers",
        timezone.now(),
        lambda: _my_dossiers_body(request.user, number),
        varies=number,
        user=request.user,
    )
    return render(request, "dossiers/my_list.html", {"body": body})


def _my_dossiers_body(user: Any, number: str) -> SafeString:
    # A dossier of a group file is listed under its group (procedure_groups'
    # template tag), not on its own.
    page = Paginator(
        applicant_rows(applicant_dossiers(user)).filter(group_child__isnull=True),
        settings.CITIZEN_PAGE_SIZE,
    ).get_page(number or None)
    return mark_safe(
        render_to_string("dossiers/_my_list_body.html", {"page": page, "user": user})
    )


@applicant_required
def file(request: HttpRequest, code: str) -> HttpResponse:
    """Start an online dossier: the applicant's details, prefilled from the profile.

    A little long: the page also lists the applicant's drafts of this procedure.
    """
    procedure = _online_procedure(code)
    form = ApplicantDetailsForm(
        request.POST or None, initial=ApplicantDetailsForm.initial_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.dossier_create_draft(
                applicant=request.user,
                procedure=procedure,
                details=form.details(request.LANGUAGE_CODE),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Draft saved. Now attach the papers."))
            return redirect("dossiers:draft", pk=dossier.pk)
    drafts = applicant_dossiers(request.user).filter(
        procedure=procedure, state=State.DRAFT
    )[:3]
    return render(
        request,
        "dossiers/file_start.html",
        {"procedure": procedure, "form": form, **_errors(form), "drafts": drafts},
        status=400 if form.errors else 200,
    )


def _online_procedure(code: str) -> Procedure:
    try:
        procedure = public_procedure(code)
    except Procedure.DoesNotExist as exc:
        raise Http404 from exc
    if not procedure.accepts_online_filing:
        raise Http404
    return procedure


@own_dossier
def draft(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    """The draft: details, one upload per paper, save for later or submit."""
    if dossier.state != State.DRAFT:
        return redirect(dossier)
    if getattr(dossier, "group_child", None) is not None:
        # Filed with its group, all at once: the group's combined application.
        return redirect("procedure_groups:draft", pk=dossier.group_child.filing_id)
    details = ApplicantDetailsForm(
        request.POST or None, initial=ApplicantDetailsForm.initial_for(dossier)
    )
    papers = PaperUploadsForm(
        request.POST or None, request.FILES or None, papers=dossier.papers
    )
    answers, delivery = _filing_forms(request, dossier)
    organisation = _organisation_form(request, dossier)
    if request.method == "POST":
        done = _save_draft(
            request, dossier, details, papers, answers, delivery, organisation
        )
        if done is not None:
            return done
    return _papers_page(
        request,
        "dossiers/draft.html",
        dossier,
        papers,
        [
            f
            for f in (details, papers, organisation, answers, delivery)
            if f is not None
        ],
        answers_form=answers,
        delivery_form=delivery,
        organisation_form=organisation,
    )


def _organisation_form(
    request: HttpRequest, dossier: Dossier
) -> OrganisationForm | None:
    """For myself or for an organisation: asked only where the procedure allows
    filing for an organisation."""
    if not dossier.procedure_snapshot.get("organisation_filing"):
        return None
    return OrganisationForm(
        request.POST or None, initial=OrganisationForm.initial_for(dossier)
    )


def _filing_forms(
    request: HttpRequest, dossier: Dossier
) -> tuple[AnswersForm, ResultDeliveryForm]:
    """The procedure's online form (the draft's answers, or the profile's at
    first) and the result delivery choice."""
    definition = dossier.form_definition
    answers = AnswersForm(
        request.POST or None,
        definition=definition,
        papers=dossier.papers,
        answers=dossier.answers or prefill_answers(definition, request.user),
        require=False,
    )
    delivery = ResultDeliveryForm(
        request.POST or None,
        options=dossier.procedure_snapshot.get("result_delivery") or [Channel.COUNTER],
        initial=ResultDeliveryForm.initial_for(dossier),
    )
    return answers, delivery


def _save_draft(
    request: HttpRequest,
    dossier: Dossier,
    details: ApplicantDetailsForm,
    papers: PaperUploadsForm,
    answers: AnswersForm,
    delivery: ResultDeliveryForm,
    organisation: OrganisationForm | None = None,
) -> HttpResponse | None:
    """Keep what passed, submit if asked; None re-renders the page with errors."""
    organisation_valid = organisation is None or organisation.is_valid()
    valid = (
        details.is_valid()
        & papers.is_valid()
        & answers.is_valid()
        & delivery.is_valid()
        & organisation_valid
    )
    asked = "submit" in request.POST
    try:
        saved = services.dossier_save_draft(
            dossier=dossier,
            actor=request.user,
            details=details.details(dossier.applicant_language)
            if details.is_valid()
            else None,
            uploads=papers.valid_uploads(),
            submit=asked and valid,
            answers=answers.answers if answers.is_valid() else None,
            delivery=delivery.choice() if delivery.is_valid() else None,
            organisation=(
                organisation.details()
                if organisation is not None and organisation_valid
                else None
            ),
        )
    except PermissionDenied as exc:
        papers.add_error(None, str(exc))
        return None
    except ValidationError as exc:
        papers.add_error(None, list(exc.messages))
        return None
    if saved.submitted:
        return redirect("dossiers:submitted", pk=dossier.pk)
    if asked:
        # Guide once: every missing paper and answer is named now, with any
        # refused file or wrong answer.
        missing = dossier.missing_mandatory_papers() if not valid else saved.missing
        papers.add_missing(
            [p for p in missing if papers.field_name(p["index"]) not in papers.errors]
        )
        answers.add_missing(dossier.missing_answers())
    if valid and not asked:
        messages.success(
            request,
            _("Draft saved. You can finish it at any time from “My dossiers”."),
        )
        return redirect("dossiers:draft", pk=dossier.pk)
    if saved.stored:
        messages.info(request, _("The files that passed the checks were saved."))
    return None


@own_dossier
@require_POST
def upload_paper(request: HttpRequest, dossier: Dossier, index: int) -> HttpResponse:
    """One paper's scans, sent on their own (the progress bar's request)."""
    paper = next((p for p in dossier.papers if p["index"] == index), None)
    if paper is None:
        raise Http404
    form = PaperUploadsForm(request.POST, request.FILES, papers=[paper])
    form.is_valid()
    name = form.field_name(index)
    if not form.errors and not form.valid_uploads():
        form.add_error(name, _("Choose a file first."))
    try:
        stored = services.dossier_attach_papers(
            dossier=dossier, actor=request.user, uploads=form.valid_uploads()
        )
    except PermissionDenied as exc:
        form.add_error(name, str(exc))
        stored = []
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return _paper_row_fragment(request, dossier, form)
    for error in form.errors.get(name, []):
        messages.error(request, error)
    if stored:
        messages.success(request, _("File attached."))
    return redirect(_papers_url(dossier))


@own_dossier
@require_POST
def remove_paper(
    request: HttpRequest, dossier: Dossier, attachment_pk: int
) -> HttpResponse:
    attachment = get_object_or_404(
        dossier.attachments.filter(kind=AttachmentKind.PAPER), pk=attachment_pk
    )
    try:
        services.dossier_remove_paper(
            dossier=dossier, actor=request.user, attachment=attachment
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("“%(name)s” was removed.") % {"name": attachment.original_name},
        )
    return redirect(_papers_url(dossier))


def _papers_url(dossier: Dossier) -> str:
    if dossier.state == State.DRAFT:
        return reverse("dossiers:draft", args=[dossier.pk])
    if dossier.state in SUPPLEMENT_STATES:
        return reverse("dossiers:supplement", args=[dossier.pk])
    return dossier.get_absolute_url()


@own_dossier
def submitted(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    """What happens next, right after the applicant submits."""
    if dossier.state != State.SUBMITTED:
        return redirect(dossier)
    return render(request, "dossiers/submitted.html", {"dossier": dossier})


@own_dossier
def detail(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    return detail_page(request, dossier)


@own_dossier
def supplement(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    """Answer the centre's request (Form 02) with the papers it names."""
    if selectors.open_supplement_request(dossier) is None:
        return redirect(dossier)
    papers = PaperUploadsForm(
        request.POST or None, request.FILES or None, papers=dossier.papers
    )
    note = NoteForm(request.POST or None)
    if request.method == "POST":
        papers_ok = papers.is_valid() & note.is_valid()
        services.dossier_attach_papers(
            dossier=dossier, actor=request.user, uploads=papers.valid_uploads()
        )
        if papers_ok and _send_supplement(request, dossier, papers, note):
            return redirect(dossier)
    return _papers_page(
        request, "dossiers/supplement.html", dossier, papers, [papers, note], note=note
    )


def _send_supplement(
    request: HttpRequest, dossier: Dossier, papers: PaperUploadsForm, note: NoteForm
) -> bool:
    try:
        services.dossier_answer_supplement(
            dossier=dossier, actor=request.user, note=note.cleaned_data["note"]
        )
    except ValidationError:
        for item in selectors.papers_still_requested(dossier):
            papers.add_error(
                papers.field_name(item["paper_index"]),
                _("The centre asked for a new file of this paper."),
            )
        return False
    except PermissionDenied as exc:
        papers.add_error(None, str(exc))
        return False
    messages.success(
        request, _("Your supplement was sent. We will e-mail you when it is checked.")
    )
    return True


@own_dossier
def withdraw(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    """Withdraw a dossier the desk has not received yet (asks to confirm first)."""
    reason = services.refusal_reason(dossier, "withdraw", request.user)
    if reason:
        messages.error(request, reason)
        return redirect(dossier)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_withdraw(
                dossier=dossier, actor=request.user, note=form.cleaned_data["note"]
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The dossier was withdrawn."))
        return redirect(dossier)
    return render(request, "dossiers/withdraw.html", {"dossier": dossier, "form": form})


@own_dossier
def attachment(request: HttpRequest, dossier: Dossier, attachment_pk: int):
    """One of the applicant's own scans, or the result once delivered online."""
    item = get_object_or_404(_downloadable(dossier), pk=attachment_pk)
    return file_response(
        item.file.open("rb"),
        content_type=item.content_type,
        name=item.original_name,
        download=item.kind == AttachmentKind.RESULT,
    )


def _downloadable(dossier: Dossier):
    files = Attachment.objects.filter(dossier=dossier)
    if dossier.state == State.RETURNED and dossier.result_channel == Channel.ONLINE:
        return files
    return files.filter(kind=AttachmentKind.PAPER)


@own_dossier
def slip(
    request: HttpRequest, dossier: Dossier, number: str, seq: int | None = None
) -> HttpResponse:
    """A slip the applicant was issued (Forms 01–05), as a PDF; ``seq`` picks one
    of several issues of the form (each Form 02)."""
    logs = list(dossier.transitions.all())
    if number not in {f.number for f in issued_forms(logs, for_applicant=True)}:
        raise Http404
    form, context = printed_form(request, dossier, number, logs, seq)
    try:
        pdf = render_pdf(request, form.template, context)
    except PdfUnavailable:
        messages.error(request, _("PDF output is not available on this server."))
        return redirect(dossier)
    return pdf_response(pdf, f"mau-{number}-{dossier.code or dossier.pk}.pdf")


# --- page builders ------------------------------------------------------------------


def _errors(*forms: Form) -> dict[str, object]:
    """What the error summary at the top of a failed form lists."""
    return {
        "error_forms": forms,
        "has_errors": any(form.is_bound and form.errors for form in forms),
    }


def _paper_rows(dossier: Dossier, form: PaperUploadsForm) -> list[dict[str, Any]]:
    request_ = selectors.open_supplement_request(dossier)
    asked = {
        item["paper_index"]: item
        for item in (request_.items if request_ else [])
        if item.get("paper_index") is not None
    }
    files: dict[int, list[Attachment]] = {}
    for item in dossier.attachments.all():
        if item.kind == AttachmentKind.PAPER:
            files.setdefault(item.paper_index, []).append(item)
    eform_paper = dossier.eform_paper_index
    return [
        {
            "paper": paper,
            "field": form[form.field_name(paper["index"])],
            "files": [
                (f, not request_ or f.uploaded_at >= request_.requested_at)
                for f in files.get(paper["index"], [])
            ],
            "asked": asked.get(paper["index"]),
            # The online form stands for this paper: no scan is asked for it
            # (unless the desk asks for a corrected one).
            "eform": paper["index"] == eform_paper and paper["index"] not in asked,
        }
        for paper in dossier.papers
        if form.field_name(paper["index"]) in form.fields
    ]


def _paper_row_fragment(
    request: HttpRequest, dossier: Dossier, form: PaperUploadsForm
) -> HttpResponse:
    """The refreshed row of one paper, which the upload script swaps in."""
    dossier = applicant_dossier_pages(request.user).get(pk=dossier.pk)
    context = {
        "dossier": dossier,
        "row": _paper_rows(dossier, form)[0],
        "editable": True,
        "max_bytes": settings.UPLOAD_MAX_BYTES,
    }
    status = 400 if form.errors else 200
    return render(request, "dossiers/_paper_row.html", context, status=status)


def _papers_page(
    request: HttpRequest,
    template: str,
    dossier: Dossier,
    papers: PaperUploadsForm,
    forms: list[Form],
    **extra: Any,
) -> HttpResponse:
    dossier = applicant_dossier_pages(request.user).get(pk=dossier.pk)
    rows = _paper_rows(dossier, papers)
    if dossier.state in SUPPLEMENT_STATES:
        rows.sort(key=lambda row: row["asked"] is None)
    context = {
        "dossier": dossier,
        "rows": rows,
        "request_": selectors.open_supplement_request(dossier),
        "details_form": forms[0] if dossier.state == State.DRAFT else None,
        "max_bytes": settings.UPLOAD_MAX_BYTES,
        # Said before the citizen tries: the catalogue withdrew the procedure.
        "procedure_closed": (
            None if dossier.procedure.is_public else procedure_in_force.reason
        ),
        **_errors(*forms),
        **extra,
    }
    status = 400 if context["has_errors"] else 200
    return render(request, template, context, status=status)


def detail_page(
    request: HttpRequest,
    dossier: Dossier,
    *,
    rating_form: Form | None = None,
    complaint_form: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    """A dossier's page; ``rating_form`` is a failed rating, shown with its errors
    (feedback's ``rating_panel`` shows the rating of a returned dossier)."""
    logs = list(dossier.transitions.all())
    returned = dossier.state == State.RETURNED
    rows = _paper_rows(dossier, PaperUploadsForm(papers=dossier.papers))
    context = {
        "dossier": dossier,
        "rows": rows,
        "results": (
            [a for a in _downloadable(dossier) if a.kind == AttachmentKind.RESULT]
            if returned
            else []
        ),
        "timeline": applicant_timeline(logs, route_shape(dossier)),
        "stages": stages(dossier.state),
        "slips": issued_documents(dossier, logs, for_applicant=True),
        "request_": selectors.open_supplement_request(dossier),
        "supplements": list(reversed(dossier.supplement_requests.all())),
        "can_withdraw": not services.refusal_reason(dossier, "withdraw", request.user),
        "rating_form": rating_form,
        "complaint_form": complaint_form,
    }
    return render(request, "dossiers/my_detail.html", context, status=status)
