"""One dossier in the workspace: its page, its actions, paper check, notes, files
and printed forms."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit import services as audit
from dossiers import services, workflow
from dossiers.action_forms import ActionForm
from dossiers.interagency import internal_notes_visible_to
from dossiers.models import CLOCK_RUNNING_STATES, Attachment, Dossier, State
from dossiers.printing import (
    PdfUnavailable,
    issued_documents,
    issued_forms,
    pdf_response,
    printed_form,
    render_pdf,
)
from dossiers.selectors import dossiers_visible_to, staff_papers
from dossiers.uploads import file_response

from .. import forms
from . import dossier_or_404, staff_required


@staff_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_or_404(request, pk)
    audit.record(request, audit.Action.DOSSIER_VIEWED, dossier=dossier)
    return _render_detail(request, dossier, {})


def _render_detail(
    request: HttpRequest,
    dossier: Dossier,
    bound: dict[str, ActionForm],
    status: int = 200,
) -> HttpResponse:
    """The page, with an empty form for every action the user may take now and
    the ``bound`` ones (a failed attempt) in their place."""
    actions = workflow.staff_actions(dossier, request.user)
    papers, results = staff_papers(dossier)
    context = {
        "dossier": dossier,
        "papers": papers,
        "results": results,
        "actions": [(a, bound.get(a.name) or a.form(dossier=dossier)) for a in actions],
        # The one place where the desk judges the papers at intake, whether it
        # then receives the dossier or asks for a supplement (Form 02).
        "can_check": dossier.state == State.SUBMITTED
        and any(a.name in ("receive", "request_intake_supplement") for a in actions),
        # What the desk's check found wrong: Form 02 at intake lists these.
        "flagged_papers": [
            p for p in papers if p["check"] and p["check"].verdict != "valid"
        ],
        "notes": internal_notes_visible_to(request.user, dossier),
        "note_form": forms.InternalNoteForm(),
        "now": timezone.now(),
        "clock_running": [str(state) for state in CLOCK_RUNNING_STATES],
        "printable": issued_documents(dossier, list(dossier.transitions.all())),
    }
    return render(request, "workspace/dossier_detail.html", context, status=status)


@staff_required
@require_POST
def dossier_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Perform one action through its service (the registry says which).

    Longer than most views because it is every action's view: each outcome (done,
    changed meanwhile, refused, invalid) needs its own answer.
    """
    entry = workflow.ACTIONS.get(action)
    if entry is None or entry.form is None:
        raise Http404
    dossier = dossier_or_404(request, pk)
    version = _version(request)
    if version is None:
        messages.error(
            request,
            _(
                "The form did not say which version of the dossier it was made "
                "from, so nothing was done. Reload the dossier and try again."
            ),
        )
        return _render_detail(request, dossier, {}, status=400)
    form = entry.form(request.POST, request.FILES, dossier=dossier)
    if form.is_valid():
        try:
            entry.service(
                dossier=dossier,
                actor=request.user,
                expected_version=version,
                **form.service_kwargs(),
            )
        except services.DossierChanged as exc:
            messages.warning(request, str(exc))
            return redirect("workspace:dossier_detail", pk=dossier.pk)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("This action is not allowed."))
            return redirect("workspace:dossier_detail", pk=dossier.pk)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, str(entry.done))
            return _after(request, dossier, entry)
    messages.error(request, _("The form has errors; nothing was changed."))
    dossier = dossier_or_404(request, pk)
    return _render_detail(request, dossier, {action: form}, status=400)


def _version(request: HttpRequest) -> int | None:
    """The version the form was rendered from; None when missing or not a number.

    Without it the "changed by someone else" check could not be made, so every
    staff action requires it (internal callers of the services may pass None).
    """
    value = request.POST.get("version", "").strip()
    if not value.isdecimal() or not value.isascii() or len(value) > 10:
        return None
    return int(value)


def _after(
    request: HttpRequest, dossier: Dossier, action: workflow.Action
) -> HttpResponse:
    """Where staff go once an action is done: the receipt to print, the dossier,
    or the worklist when the dossier has left their queue."""
    if "01" in action.issues:
        return redirect("workspace:print_form", pk=dossier.pk, number="01")
    if not dossiers_visible_to(request.user).filter(pk=dossier.pk).exists():
        return redirect("workspace:dossier_list")
    return redirect("workspace:dossier_detail", pk=dossier.pk)


@staff_required
@require_POST
def paper_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk's check of an online dossier: each paper valid, missing or wrong."""
    dossier = dossier_or_404(request, pk)
    verdicts = {
        paper["index"]: (
            request.POST.get(f"verdict-{paper['index']}", ""),
            request.POST.get(f"note-{paper['index']}", ""),
        )
        for paper in dossier.papers
    }
    services.dossier_check_papers(
        dossier=dossier, actor=request.user, verdicts=verdicts
    )
    messages.success(request, _("Paper check saved."))
    return redirect("workspace:dossier_detail", pk=dossier.pk)


@staff_required
@require_POST
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_or_404(request, pk)
    form = forms.InternalNoteForm(request.POST)
    if form.is_valid():
        services.dossier_add_note(
            dossier=dossier, actor=request.user, text=form.cleaned_data["text"]
        )
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("Write the note before saving it."))
    return redirect(reverse("workspace:dossier_detail", args=[dossier.pk]) + "#notes")


@staff_required
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A file of a dossier the user may see, shown in the browser (never public)."""
    dossier = dossier_or_404(request, pk)
    item = get_object_or_404(Attachment, pk=attachment_pk, dossier=dossier)
    audit.record(request, audit.Action.FILE_VIEWED, obj=item, dossier=dossier)
    return file_response(
        item.file.open("rb"),
        content_type=item.content_type,
        name=item.original_name,
        download=request.GET.get("download") == "1",
    )


@staff_required
def print_form(
    request: HttpRequest, pk: int, number: str, seq: int | None = None
) -> HttpResponse:
    """A printed form issued on the dossier, as a page or (``?format=pdf``) a PDF;
    ``seq`` picks one of several issues of the form (each Form 02)."""
    dossier = dossier_or_404(request, pk)
    logs = list(dossier.transitions.all())
    if number not in {f.number for f in issued_forms(logs)}:
        raise Http404
    form, context = printed_form(request, dossier, number, logs, seq)
    audit.record(
        request, audit.Action.FORM_PRINTED, dossier=dossier, details={"form": number}
    )
    if request.GET.get("format") != "pdf":
        return render(request, form.template, context)
    try:
        pdf = render_pdf(request, form.template, context)
    except PdfUnavailable:
        messages.error(request, _("PDF output is not available on this server."))
        return redirect(request.path)
    return pdf_response(pdf, f"mau-{number}-{dossier.code}.pdf")
