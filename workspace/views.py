"""Views of the staff workspace. Each authorises, reads through a selector, binds a
form, calls one service and turns refusals into readable messages."""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role, User
from dossiers import services
from dossiers.models import Attachment, AttachmentKind, Dossier, State
from dossiers.selectors import (
    DueWindows,
    dashboard_counts,
    dossiers_visible_to,
    keyset_page,
    staff_dossier,
    worklist,
)
from procedures.models import Procedure
from workcalendar.calendar import load_calendar

from . import forms
from .models import InternalNote, PaperCheck
from .printing import FORMS, PdfUnavailable, pdf_response, render_pdf, tracking_qr

WORKING_ROLES = (Role.CLERK, Role.OFFICER, Role.LEADER, Role.MANAGER)


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.role not in WORKING_ROLES:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _windows() -> DueWindows:
    now = timezone.now()
    return DueWindows.at(now, load_calendar([timezone.localtime(now).year]))


def _dossier_or_404(request: HttpRequest, pk: int) -> Dossier:
    try:
        return staff_dossier(request.user, pk)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc


# --- dashboard and worklist -------------------------------------------------------


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    windows = _windows()
    return render(
        request,
        "workspace/dashboard.html",
        {"counts": dashboard_counts(request.user, windows), "windows": windows},
    )


@staff_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    form = forms.WorklistFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    windows = _windows()
    dossiers = worklist(
        request.user,
        windows=windows,
        state=filters.get("state", ""),
        procedure_code=filters["procedure"].code if filters.get("procedure") else "",
        sector_code=filters["sector"].code if filters.get("sector") else "",
        department_id=filters["department"].pk if filters.get("department") else None,
        assignee_id=filters["assignee"].pk if filters.get("assignee") else None,
        channel=filters.get("channel", ""),
        due=filters.get("due", ""),
        query=filters.get("q", ""),
    )
    rows, next_cursor = keyset_page(dossiers, request.GET.get("after"))
    params = request.GET.copy()
    params.pop("after", None)
    return render(
        request,
        "workspace/dossier_list.html",
        {
            "form": form,
            "rows": rows,
            "next_cursor": next_cursor,
            "params": params.urlencode(),
            "windows": windows,
            "first_page": not request.GET.get("after"),
        },
    )


# --- one dossier ------------------------------------------------------------------


def _action_forms(request: HttpRequest, dossier: Dossier) -> dict[str, Form]:
    """An empty form for every action the user may take now."""
    available = services.available_actions(dossier, request.user)
    built: dict[str, Form] = {}
    for action in available:
        form_class = ACTIONS.get(action, (None,))[0]
        if form_class is not None:
            built[action] = _bind(form_class, dossier, None)
    return built


def _bind(form_class, dossier: Dossier, data, files=None) -> Form:
    if form_class is forms.AssignForm:
        return form_class(data, files, candidates=_assignees(dossier))
    if form_class is SupplementForms:
        return SupplementForms(dossier, data)
    if form_class is forms.ReturnForm:
        initial = {"channel": dossier.channel}
        return form_class(data, files, initial=initial)
    return form_class(data, files)


def _assignees(dossier: Dossier):
    """Who can take the next step: staff of the step's department or agency."""
    index = dossier.current_step_index
    position = 0 if index is None else index + 1
    route = dossier.route
    if position >= len(route):
        return User.objects.none()
    step = route[position]
    users = User.objects.filter(is_active=True, role=step["role"])
    if step.get("department_id"):
        return users.filter(department_id=step["department_id"])
    return users.filter(agency_id=dossier.deciding_agency_id)


class SupplementForms:
    """Form 02: a line per paper plus a message; every listed paper needs guidance."""

    def __init__(self, dossier: Dossier, data=None):
        checks = {c.paper_index: c for c in dossier.paper_checks.all()}
        self.items = []
        for paper in dossier.papers:
            check = checks.get(paper["index"])
            initial = {}
            if check and check.verdict != PaperCheck.Verdict.VALID:
                initial = {"selected": True, "guidance": check.note}
            self.items.append(
                forms.SupplementItemForm(
                    data,
                    prefix=f"paper-{paper['index']}",
                    paper=paper,
                    initial=initial,
                )
            )
        self.message = forms.MessageForm(data)
        self.errors: list[str] = []

    def is_valid(self) -> bool:
        valid = self.message.is_valid() & all(f.is_valid() for f in self.items)
        if valid and not self.selected():
            self.errors.append(_("Tick every paper the applicant must supply or fix."))
            return False
        return valid

    def selected(self) -> list[dict[str, Any]]:
        return [
            {
                "paper_index": f.paper["index"],
                "guidance": f.cleaned_data["guidance"],
            }
            for f in self.items
            if f.cleaned_data.get("selected")
        ]


@staff_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_or_404(request, pk)
    return _render_detail(request, dossier, _action_forms(request, dossier))


def _render_detail(
    request: HttpRequest, dossier: Dossier, action_forms: dict[str, Form], status=200
) -> HttpResponse:
    attachments: dict[int, list[Attachment]] = {}
    results = []
    for attachment in dossier.attachments.all():
        if attachment.kind == AttachmentKind.RESULT:
            results.append(attachment)
        else:
            attachments.setdefault(attachment.paper_index, []).append(attachment)
    checks = {c.paper_index: c for c in dossier.paper_checks.all()}
    papers = [
        {
            **paper,
            "files": attachments.get(paper["index"], []),
            "check": checks.get(paper["index"]),
        }
        for paper in dossier.papers
    ]
    return render(
        request,
        "workspace/dossier_detail.html",
        {
            "dossier": dossier,
            "papers": papers,
            "results": results,
            "actions": [
                (action, ACTION_LABELS[action], form)
                for action, form in action_forms.items()
            ],
            "can_check": dossier.state == State.SUBMITTED and "receive" in action_forms,
            "notes": dossier.internal_notes.select_related("author"),
            "note_form": forms.InternalNoteForm(),
            "now": timezone.now(),
            "printable": _printable_forms(dossier),
        },
        status=status,
    )


def _printable_forms(dossier: Dossier) -> list[tuple[str, str]]:
    logged = {t.transition for t in dossier.transitions.all()}
    available = []
    if dossier.code:
        available.append(("01", _("Form 01 – receipt and appointment")))
    if logged & {"request_intake_supplement", "request_supplement"}:
        available.append(("02", _("Form 02 – supplement request")))
    if "refuse" in logged:
        available.append(("03", _("Form 03 – refusal")))
    if "extend" in logged:
        available.append(("04", _("Form 04 – apology and extension")))
    if "stop" in logged:
        available.append(("05", _("Form 05 – stopped processing")))
    if dossier.code:
        available.append(("06", _("Form 06 – processing control sheet")))
    return available


# Each action: (form class, how to call its service with the form's data).
def _args_note(form: Form) -> dict[str, Any]:
    return {"note": form.cleaned_data.get("note", "")}


def _args_assign(form: Form) -> dict[str, Any]:
    return {
        "note": form.cleaned_data.get("note", ""),
        "assignee": form.cleaned_data.get("assignee"),
    }


def _args_reasons(form: Form) -> dict[str, Any]:
    return {"reasons": form.cleaned_data["reasons"]}


def _args_supplement(form: SupplementForms) -> dict[str, Any]:
    return {"items": form.selected(), "message": form.message.cleaned_data["message"]}


def _args_approve(form: Form) -> dict[str, Any]:
    return {
        "note": form.cleaned_data.get("note", ""),
        "result_files": form.cleaned_data.get("result_files") or [],
    }


def _args_extend(form: Form) -> dict[str, Any]:
    return {
        "new_due": form.cleaned_data["new_due"],
        "reason": form.cleaned_data["reason"],
    }


def _args_return(form: Form) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "channel": data["channel"],
        "collected_by": data.get("collected_by", ""),
        "id_checked": data.get("id_checked", False),
        "fee_collected_vnd": data.get("fee_collected"),
    }


ACTIONS: dict[str, tuple[Any, Callable[[Any], dict[str, Any]]]] = {
    "receive": (forms.NoteForm, _args_note),
    "request_intake_supplement": (SupplementForms, _args_supplement),
    "refuse": (forms.ReasonsForm, _args_reasons),
    "transfer": (forms.AssignForm, _args_assign),
    "forward": (forms.AssignForm, _args_assign),
    "request_supplement": (SupplementForms, _args_supplement),
    "approve": (forms.ApproveForm, _args_approve),
    "deny": (forms.ReasonsForm, _args_reasons),
    "extend": (forms.ExtendForm, _args_extend),
    "stop": (forms.ReasonsForm, _args_reasons),
    "return_result": (forms.ReturnForm, _args_return),
}

ACTION_LABELS = {
    "receive": gettext_lazy("Receive the dossier (issue Form 01)"),
    "request_intake_supplement": gettext_lazy("Request a supplement (Form 02)"),
    "refuse": gettext_lazy("Refuse the dossier (Form 03)"),
    "transfer": gettext_lazy("Transfer to the deciding agency"),
    "forward": gettext_lazy("Forward to the next step"),
    "request_supplement": gettext_lazy("Request a supplement (Form 02)"),
    "approve": gettext_lazy("Approve"),
    "deny": gettext_lazy("Deny, with reasons"),
    "extend": gettext_lazy("Extend the processing time (Form 04)"),
    "stop": gettext_lazy("Stop processing (Form 05)"),
    "return_result": gettext_lazy("Hand back the result"),
}

SUCCESS = {
    "receive": gettext_lazy("Dossier received. Print Form 01 for the applicant."),
    "request_intake_supplement": gettext_lazy(
        "Supplement request (Form 02) sent to the applicant."
    ),
    "refuse": gettext_lazy("Dossier refused (Form 03)."),
    "transfer": gettext_lazy("Dossier transferred to the deciding agency."),
    "forward": gettext_lazy("Dossier forwarded to the next step."),
    "request_supplement": gettext_lazy("Supplement request sent; the clock is paused."),
    "approve": gettext_lazy(
        "Decision recorded: approved. The result is ready to hand back."
    ),
    "deny": gettext_lazy("Decision recorded: denied, with reasons."),
    "extend": gettext_lazy("Processing time extended (Form 04)."),
    "stop": gettext_lazy("Processing stopped (Form 05)."),
    "return_result": gettext_lazy("Result handed back. The dossier is closed."),
}


@staff_required
@require_POST
def dossier_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    dossier = _dossier_or_404(request, pk)
    form_class, to_args = ACTIONS[action]
    form = _bind(form_class, dossier, request.POST, request.FILES)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    if form.is_valid():
        service = services.SERVICES[action]
        try:
            service(
                dossier=dossier,
                actor=request.user,
                expected_version=version,
                **to_args(form),
            )
        except services.DossierChanged as exc:
            messages.warning(request, str(exc))
            return redirect("workspace:dossier_detail", pk=dossier.pk)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("This action is not allowed."))
            return redirect("workspace:dossier_detail", pk=dossier.pk)
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(request, SUCCESS[action])
            if action == "receive":
                return redirect("workspace:print_form", pk=dossier.pk, number="01")
            if not dossiers_visible_to(request.user).filter(pk=dossier.pk).exists():
                return redirect("workspace:dossier_list")
            return redirect("workspace:dossier_detail", pk=dossier.pk)
    dossier = _dossier_or_404(request, pk)
    action_forms = _action_forms(request, dossier)
    action_forms[action] = form
    messages.error(request, _("The form has errors; nothing was changed."))
    return _render_detail(request, dossier, action_forms, status=400)


def _attach_errors(form: Any, exc: ValidationError) -> None:
    target = form.message if isinstance(form, SupplementForms) else form
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            name = field if field in target.fields else None
            for error in errors:
                if isinstance(form, SupplementForms) and name is None:
                    form.errors.append(error)
                else:
                    target.add_error(name, error)
    else:
        for error in exc.messages:
            if isinstance(form, SupplementForms):
                form.errors.append(error)
            else:
                target.add_error(None, error)


@staff_required
@require_POST
def paper_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk's check of an online dossier: each paper valid, missing or wrong."""
    dossier = _dossier_or_404(request, pk)
    if services.refusal_reason(dossier, "receive", request.user) and (
        services.refusal_reason(dossier, "request_intake_supplement", request.user)
    ):
        raise PermissionDenied
    verdicts = PaperCheck.Verdict.values
    with transaction.atomic():
        for paper in dossier.papers:
            verdict = request.POST.get(f"verdict-{paper['index']}", "")
            if verdict not in verdicts:
                continue
            PaperCheck.objects.update_or_create(
                dossier=dossier,
                paper_index=paper["index"],
                defaults={
                    "verdict": verdict,
                    "note": request.POST.get(f"note-{paper['index']}", "")[:500],
                    "checked_by": request.user,
                },
            )
    messages.success(request, _("Paper check saved."))
    return redirect("workspace:dossier_detail", pk=dossier.pk)


@staff_required
@require_POST
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_or_404(request, pk)
    form = forms.InternalNoteForm(request.POST)
    if form.is_valid():
        InternalNote.objects.create(
            dossier=dossier, author=request.user, text=form.cleaned_data["text"]
        )
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("Write the note before saving it."))
    return redirect(reverse("workspace:dossier_detail", args=[dossier.pk]) + "#notes")


@staff_required
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A file of a dossier the user may see, shown in the browser (never public)."""
    dossier = _dossier_or_404(request, pk)
    item = get_object_or_404(Attachment, pk=attachment_pk, dossier=dossier)
    response = FileResponse(
        item.file.open("rb"),
        content_type=item.content_type or "application/octet-stream",
        as_attachment=request.GET.get("download") == "1",
        filename=item.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


# --- counter intake ---------------------------------------------------------------


@staff_required
def counter_intake(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.CLERK:
        raise PermissionDenied
    procedures = (
        Procedure.objects.public()
        .filter(via_counter=True)
        .only("code", "name")
        .order_by("name")
    )
    code = request.GET.get("procedure") or request.POST.get("procedure")
    procedure = None
    if code:
        procedure = get_object_or_404(procedures.prefetch_related("papers"), code=code)
    if procedure is None:
        return render(
            request, "workspace/intake_choose.html", {"procedures": procedures}
        )
    papers = services.snapshot_procedure(procedure)["papers"]
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    applicant_form = forms.ApplicantForm(data)
    paper_forms = [
        forms.PaperReceiptForm(data, files, prefix=f"paper-{p['index']}", paper=p)
        for p in papers
    ]
    if request.method == "POST":
        valid = applicant_form.is_valid() & all(f.is_valid() for f in paper_forms)
        if valid:
            details = services.ApplicantDetails(
                name=applicant_form.cleaned_data["name"],
                id_number=applicant_form.cleaned_data["id_number"],
                phone=applicant_form.cleaned_data["phone"],
                email=applicant_form.cleaned_data["email"],
                address=applicant_form.cleaned_data["address"],
            )
            received = [
                f"{f.paper['name']}: {f.cleaned_data.get('originals') or 0} "
                f"{_('originals')}, {f.cleaned_data.get('copies') or 0} {_('copies')}"
                for f in paper_forms
                if f.cleaned_data.get("received")
            ]
            uploads = [
                (f.paper["index"], f.cleaned_data["scan"])
                for f in paper_forms
                if f.cleaned_data.get("scan")
            ]
            try:
                dossier = services.dossier_receive_at_counter(
                    clerk=request.user,
                    procedure=procedure,
                    details=details,
                    applicant=User.objects.filter(
                        role=Role.APPLICANT, id_number=details.id_number
                    ).first(),
                    uploads=uploads,
                    channel=applicant_form.cleaned_data["channel"],
                    note="\n".join(received),
                )
            except (PermissionDenied, ValidationError) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, SUCCESS["receive"])
                return redirect("workspace:print_form", pk=dossier.pk, number="01")
    return render(
        request,
        "workspace/intake_form.html",
        {
            "procedure": procedure,
            "applicant_form": applicant_form,
            "paper_forms": paper_forms,
            "status_error": request.method == "POST",
        },
        status=400 if request.method == "POST" else 200,
    )


# --- printed forms ----------------------------------------------------------------


@staff_required
def print_form(request: HttpRequest, pk: int, number: str) -> HttpResponse:
    if number not in FORMS:
        raise Http404
    dossier = _dossier_or_404(request, pk)
    if number not in {n for n, _label in _printable_forms(dossier)}:
        raise Http404
    template, page_size = FORMS[number]
    logs = list(dossier.transitions.all())
    context = {
        "dossier": dossier,
        "number": number,
        "page_size": page_size,
        "qr": tracking_qr(request, dossier.code) if dossier.code else "",
        "logs": logs,
        "steps": list(dossier.steps.all()),
        "officer": request.user,
        "supplement": dossier.supplement_requests.last(),
        "receipt_log": next(
            (t for t in logs if t.transition in ("receive", "receive_at_counter")), None
        ),
        "event_log": _event_log(logs, number),
    }
    if request.GET.get("format") == "pdf":
        try:
            pdf = render_pdf(request, template, context)
        except PdfUnavailable:
            messages.error(request, _("PDF output is not available on this server."))
            return redirect(request.path)
        return pdf_response(pdf, f"mau-{number}-{dossier.code}.pdf")
    return render(request, template, context)


def _event_log(logs: list, number: str):
    wanted = {
        "02": ("request_intake_supplement", "request_supplement"),
        "03": ("refuse",),
        "04": ("extend",),
        "05": ("stop",),
    }.get(number, ())
    return next((t for t in reversed(logs) if t.transition in wanted), None)


@staff_required
def register(request: HttpRequest) -> HttpResponse:
    """Form 07: the desk's register of dossiers received in a date range."""
    today = timezone.localdate()
    form = forms.RegisterFilterForm(
        request.GET or {"date_from": today - timedelta(days=7), "date_to": today}
    )
    rows = []
    if form.is_valid():
        start = form.cleaned_data["date_from"]
        end = form.cleaned_data["date_to"]
        rows = (
            dossiers_visible_to(request.user)
            .filter(received_at__date__gte=start, received_at__date__lte=end)
            .select_related("procedure", "deciding_agency")
            .defer("procedure_snapshot", "procedure__search_folded")
            .order_by("received_at", "id")[:2000]
        )
    context = {"form": form, "rows": rows}
    if request.GET.get("format") == "pdf" and form.is_valid():
        try:
            pdf = render_pdf(request, "workspace/forms/form_07.html", context)
        except PdfUnavailable:
            messages.error(request, _("PDF output is not available on this server."))
            return redirect(request.path)
        return pdf_response(pdf, "so-theo-doi-ho-so.pdf")
    return render(request, "workspace/forms/form_07.html", context)
