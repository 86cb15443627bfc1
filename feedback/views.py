"""Rating the service and complaining about a dossier: by the applicant on their
dossier's page, or by code and PIN; the managers' list of complaints and answers.

A failed rating or complaint re-renders the dossier's page (or the public form)
with the errors; nothing is saved until the form is complete.
"""

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from audit import services as audit
from dossiers.models import Dossier
from dossiers.tracking import blocked_for, find_by_code
from dossiers.views.applicant import detail_page, own_dossier

from .forms import (
    ComplaintAnswerForm,
    ComplaintForm,
    PublicComplaintForm,
    PublicRatingForm,
    RatingForm,
)
from .models import Complaint
from .selectors import complaints_list, complaints_visible_to, is_complaint_manager
from .services import complaint_answer, complaint_file, rating_submit

NOT_FOUND = _("No dossier matches this code and PIN. Check both against your receipt.")
THANKS = _("Thank you for rating the service. Your answer has been saved.")
COMPLAINT_FILED = _(
    "Your complaint has been sent. The centre will answer it; you will be told."
)
ANSWERED = _("The answer has been sent to the applicant.")
COMPLAINTS_PAGE_SIZE = 25


@own_dossier
@require_POST
def rate(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    form = RatingForm(request.POST)
    if not form.is_valid():
        return detail_page(request, dossier, rating_form=form, status=400)
    try:
        rating_submit(
            dossier=dossier,
            actor=request.user,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, THANKS)
    return redirect(reverse("dossiers:detail", args=[dossier.pk]) + "#rating")


@never_cache
def track_rate(request: HttpRequest) -> HttpResponse:
    """The satisfaction survey by code and PIN, for applicants without an account.

    The PIN comes by POST only (the tracking page's hidden field, or this page's
    form); each lookup counts against the tracking limits.
    """
    form = PublicRatingForm(
        request.POST or None, initial={"code": request.GET.get("code", "")[:64]}
    )
    wait = blocked_for(request)
    if request.method == "POST" and not wait and form.is_valid():
        data = form.cleaned_data
        found = find_by_code(request, data["code"].strip(), data["pin"].strip())
        wait = found.retry_after
        if found.dossier is None and not wait:
            form.add_error(None, ValidationError(NOT_FOUND))
        elif found.dossier is not None:
            try:
                rating_submit(
                    dossier=found.dossier,
                    scores=form.scores(),
                    comment=data["comment"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, THANKS)
                return redirect("dossiers:track")
    if wait:
        context = {"form": form, "blocked": True, "wait_minutes": math.ceil(wait / 60)}
        response = render(request, "feedback/rate_public.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
    status = 400 if form.errors else 200
    return render(request, "feedback/rate_public.html", {"form": form}, status=status)


@own_dossier
@require_POST
def complain(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    form = ComplaintForm(request.POST)
    if not form.is_valid():
        return detail_page(request, dossier, complaint_form=form, status=400)
    try:
        complaint_file(dossier=dossier, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, COMPLAINT_FILED)
    return redirect(reverse("dossiers:detail", args=[dossier.pk]) + "#complaints")


@never_cache
def track_complain(request: HttpRequest) -> HttpResponse:
    """A complaint by code and PIN, for applicants without an account; each lookup
    counts against the tracking limits (``dossiers.tracking``)."""
    form = PublicComplaintForm(
        request.POST or None, initial={"code": request.GET.get("code", "")[:64]}
    )
    wait = blocked_for(request)
    if request.method == "POST" and not wait and form.is_valid():
        data = form.cleaned_data
        found = find_by_code(request, data["code"].strip(), data["pin"].strip())
        wait = found.retry_after
        if found.dossier is None and not wait:
            form.add_error(None, ValidationError(NOT_FOUND))
        elif found.dossier is not None:
            try:
                complaint_file(
                    dossier=found.dossier, subject=data["subject"], text=data["text"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, COMPLAINT_FILED)
                return redirect("dossiers:track")
    template = "feedback/complaint_public.html"
    if wait:
        context = {"form": form, "blocked": True, "wait_minutes": math.ceil(wait / 60)}
        response = render(request, template, context, status=429)
        response["Retry-After"] = str(wait)
        return response
    status = 400 if form.errors else 200
    return render(request, template, {"form": form}, status=status)


def manager_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_complaint_manager(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@manager_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Open or answered complaints of the manager's scope. The list shows the
    applicant's name: each view is logged like any staff view of personal data."""
    status = request.GET.get("status", Complaint.Status.OPEN)
    if status not in Complaint.Status.values:
        status = Complaint.Status.OPEN
    page = Paginator(complaints_list(request.user, status), COMPLAINTS_PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    audit.record(
        request,
        audit.Action.DOSSIER_VIEWED,
        details={"view": "complaints", "status": status, "page": page.number},
    )
    context = {
        "page": page,
        "status": status,
        "statuses": Complaint.Status.choices,
    }
    return render(request, "feedback/complaints_list.html", context)


@manager_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(
        complaints_visible_to(request.user).select_related("dossier", "answered_by"),
        pk=pk,
    )
    form = ComplaintAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint_answer(
                complaint=complaint,
                actor=request.user,
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, ANSWERED)
            return redirect("complaints:detail", pk=complaint.pk)
    audit.record(
        request,
        audit.Action.DOSSIER_VIEWED,
        obj=complaint,
        dossier=complaint.dossier,
        details={"view": "complaint"},
    )
    context = {"complaint": complaint, "form": form}
    status = 400 if form.errors else 200
    return render(request, "feedback/complaints_detail.html", context, status=status)
