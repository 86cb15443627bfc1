"""Rating the service: by the applicant on their dossier's page, or by code and PIN.

A failed rating re-renders the dossier's page (or the public survey) with the
errors; nothing is saved until every criterion is scored.
"""

import math

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dossiers.models import Dossier
from dossiers.tracking import blocked_for, find_by_code
from dossiers.views.applicant import detail_page, own_dossier

from .forms import PublicRatingForm, RatingForm
from .services import rating_submit

NOT_FOUND = _("No dossier matches this code and PIN. Check both against your receipt.")
THANKS = _("Thank you for rating the service. Your answer has been saved.")


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
