"""The citizen's views of a group filed online: starting it, the combined
application kept as a draft, and the group file's page (docs/interagency.md)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dossiers.forms import ApplicantDetailsForm, PaperUploadsForm

from . import rules
from .forms_online import SharedFieldsForm
from .online import group_save_online, group_start_online, online_lines
from .selectors import applicant_group_filings, published_groups
from .services import filing_status, group_members, provided_papers


def applicant_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_applicant:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _errors(*forms: Any) -> dict[str, Any]:
    return {
        "error_forms": forms,
        "has_errors": any(form.is_bound and form.errors for form in forms),
    }


@applicant_only
def group_file_start(request: HttpRequest, code: str) -> HttpResponse:
    """Start the group online: the applicant's details, prefilled from the profile."""
    group = get_object_or_404(published_groups(), code=code)
    form = ApplicantDetailsForm(
        request.POST or None, initial=ApplicantDetailsForm.initial_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            filing = group_start_online(
                applicant=request.user,
                group=group,
                details=form.details(request.LANGUAGE_CODE),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Draft saved. Now attach the papers."))
            return redirect("procedure_groups:draft", pk=filing.pk)
    drafts = applicant_group_filings(request.user).filter(
        group=group, code__isnull=True
    )[:3]
    return render(
        request,
        "procedure_groups/file_start.html",
        {
            "group": group,
            "members": group_members(group),
            "form": form,
            "drafts": drafts,
            **_errors(form),
        },
        status=400 if form.errors else 200,
    )


@applicant_only
def group_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """The combined application: details and shared fields once, each paper
    once; save for later or submit. Files that passed are kept on any error."""
    filing = get_object_or_404(applicant_group_filings(request.user), pk=pk)
    if not filing.is_draft:
        return redirect("procedure_groups:mine", pk=filing.pk)
    first = filing.children.select_related("dossier").first()
    post = request.POST if request.method == "POST" else None
    details = ApplicantDetailsForm(
        post, initial=ApplicantDetailsForm.initial_for(first.dossier)
    )
    shared = SharedFieldsForm(
        post, shared_fields=filing.group.shared_fields, initial=filing.answers
    )
    lines = online_lines(filing)
    papers = PaperUploadsForm(
        post, request.FILES or None, papers=[line.as_paper() for line in lines]
    )
    if post is not None:
        valid = details.is_valid() & shared.is_valid() & papers.is_valid()
        asked = "submit" in post
        try:
            saved = group_save_online(
                filing=filing,
                actor=request.user,
                details=details.details(first.dossier.applicant_language)
                if details.is_valid()
                else None,
                answers=shared.answers() if shared.is_valid() else None,
                uploads=papers.valid_uploads(),
                submit=asked and valid,
            )
        except (ValidationError, PermissionDenied) as exc:
            papers.add_error(None, getattr(exc, "messages", [str(exc)]))
        else:
            if saved.submitted:
                messages.success(
                    request,
                    _("The group was submitted. Its code and PIN are below."),
                )
                return redirect("procedure_groups:mine", pk=filing.pk)
            if valid and not asked:
                messages.success(
                    request,
                    _("Draft saved. You can finish it at any time from “My dossiers”."),
                )
                return redirect("procedure_groups:draft", pk=filing.pk)
            if asked and valid:
                papers.add_missing(
                    [
                        line.as_paper()
                        for line in online_lines(filing)
                        if line.paper.name in saved.missing
                    ]
                )
            if saved.stored:
                messages.info(
                    request, _("The files that passed the checks were saved.")
                )
        lines = online_lines(filing)
    rows = [(line, papers[papers.field_name(line.index)]) for line in lines]
    return render(
        request,
        "procedure_groups/draft.html",
        {
            "filing": filing,
            "details_form": details,
            "shared_form": shared,
            "papers_form": papers,
            "rows": rows,
            "provided": provided_papers(group_members(filing.group)),
            **_errors(details, shared, papers),
        },
        status=400 if post is not None else 200,
    )


@applicant_only
def my_group(request: HttpRequest, pk: int) -> HttpResponse:
    """The citizen's group file: its code, appointment, summarised status and
    each child's status with a link to it."""
    filing = get_object_or_404(applicant_group_filings(request.user), pk=pk)
    if filing.is_draft:
        return redirect("procedure_groups:draft", pk=filing.pk)
    state, children = filing_status(filing)
    return render(
        request,
        "procedure_groups/my_group.html",
        {
            "filing": filing,
            "children": children,
            "status": state,
            "status_label": rules.STATUS_LABELS[state],
        },
    )
