"""Views of groups of linked procedures: the public tracking of a group file, the
desk's intake of a group filed once, and its Form 01."""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from accounts.models import STAFF_ROLES, Role
from dossiers.printing import PdfUnavailable, pdf_response, render_pdf
from dossiers.services import ApplicantDetails
from dossiers.tracking import blocked_for
from procedures.models import PublicationStatus

from . import rules
from .forms import GroupIntakeForm
from .models import ProcedureGroup
from .selectors import group_filings_visible_to, group_tracking_qr, published_groups
from .services import (
    combined_papers,
    filed_provided_papers,
    filing_status,
    group_members,
    group_receive_at_counter,
    provided_papers,
)
from .tracking import find_group_by_code, public_group_status


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def track_group(request: HttpRequest) -> HttpResponse:
    """The group's status and each procedure's, for whoever holds its code and
    PIN; the PIN by POST only; too many misses answer 429 for a while."""
    posted = request.method == "POST"
    code = (request.POST if posted else request.GET).get("code", "").strip()[:64]
    context: dict[str, object] = {"code": code}
    wait = blocked_for(request)
    if posted:
        pin = request.POST.get("pin", "").strip()[:8]
        if not (code and pin):
            context["incomplete"] = True
        else:
            found = find_group_by_code(request, code, pin)
            wait = found.retry_after
            if found.filing is not None:
                context["status"] = public_group_status(found.filing)
            elif not wait:
                context["not_found"] = True
    if wait:
        context.update(blocked=True, wait_minutes=math.ceil(wait / 60))
        response = render(request, "procedure_groups/track.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
    return render(request, "procedure_groups/track.html", context)


@login_required
def group_receipt(request: HttpRequest, code: str) -> HttpResponse:
    """Form 01 of a group file: every procedure, the combined papers each once,
    and the one appointment date; for the desk that received it (or a manager
    whose scope covers it), A5 like a dossier's receipt."""
    if request.user.role not in STAFF_ROLES:
        raise PermissionDenied
    filing = get_object_or_404(group_filings_visible_to(request.user), code=code)
    state, children = filing_status(filing)
    context = {
        "dossier": filing,
        "filing": filing,
        "children": children,
        "provided": filed_provided_papers(children),
        "status_label": rules.STATUS_LABELS[state],
        "qr": group_tracking_qr(request, filing.code),
        "page_size": "A5",
    }
    template = "procedure_groups/form_01.html"
    if request.GET.get("format") == "pdf":
        try:
            content = render_pdf(request, template, context)
        except PdfUnavailable:
            return HttpResponse(status=503)
        return pdf_response(content, f"mau-01-{filing.code}.pdf")
    return render(request, template, context)


@login_required
def group_intake(request: HttpRequest, code: str) -> HttpResponse:
    """The desk receives a group filed once, then prints its Form 01."""
    if request.user.role != Role.CLERK:
        raise PermissionDenied
    group = get_object_or_404(
        ProcedureGroup.objects.filter(status=PublicationStatus.PUBLISHED), code=code
    )
    members = group_members(group)
    form = GroupIntakeForm(
        request.POST if request.method == "POST" else None,
        shared_fields=group.shared_fields,
        papers=combined_papers(members),
    )
    if request.method == "POST" and form.is_valid():
        try:
            filing = group_receive_at_counter(
                clerk=request.user,
                group=group,
                details=ApplicantDetails(
                    name=form.cleaned_data["applicant_name"],
                    id_number=form.cleaned_data["applicant_id_number"],
                    phone=form.cleaned_data["applicant_phone"],
                ),
                received=form.received(),
                shared_answers=form.shared_answers(),
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, _("Group received. Print Form 01 for the applicant.")
            )
            return redirect("procedure_groups:form_01", code=filing.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "procedure_groups/intake.html",
        {
            "group": group,
            "members": members,
            "form": form,
            "provided": provided_papers(members),
        },
        status=status,
    )


def group_list(request: HttpRequest) -> HttpResponse:
    """The published groups of linked procedures, each with its procedures in
    order, the agency of each, the group's time and the papers, each once."""
    groups = [
        (group, members, combined_papers(members), provided_papers(members))
        for group in published_groups()
        for members in [group_members(group)]
    ]
    return render(request, "procedure_groups/group_list.html", {"groups": groups})
