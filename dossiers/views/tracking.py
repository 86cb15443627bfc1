"""The public tracking page: a dossier's status for whoever holds its code and PIN."""

import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from procedures.cache import is_anonymous_visit, kept_page, served_page

from ..freshness import kept_part
from ..models import Dossier, State
from ..timeline import stages
from ..tracking import blocked_for, find_by_code, public_status, tracked_dossier


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Status of a dossier for whoever holds its code and lookup PIN (Form 01).

    The PIN is sent by POST only, so it stays out of addresses, history and logs;
    the code may come in the address (the QR code on Form 01) to fill the form.
    Too many failures, from one client or for one code, answer 429 for a while.
    """
    posted = request.method == "POST"
    code = (request.POST if posted else request.GET).get("code", "").strip()[:64]
    context: dict[str, object] = {"code": code}
    if not posted:
        if "pin" in request.GET:
            # An old link with the PIN: drop it from the address (and history).
            query = urlencode({"code": code}) if code else ""
            return redirect(f"{request.path}?{query}" if query else request.path)
        return _answer(request, context, blocked_for(request))
    pin = request.POST.get("pin", "").strip()[:8]
    if not (code and pin):
        context["incomplete"] = True
        return _answer(request, context, blocked_for(request))
    found = find_by_code(request, code, pin, light=True)
    if found.dossier is None:
        context["not_found"] = not found.retry_after
        return _answer(request, context, found.retry_after)
    # The PIN goes back only into the rating form's hidden field (a POST again).
    context["pin"] = pin
    pk = found.dossier.pk

    def page() -> HttpResponse:
        context.update(_tracked(tracked_dossier(pk)))
        return render(request, "dossiers/track.html", context)

    if found.dossier.state == State.RETURNED or not is_anonymous_visit(request):
        return page()
    # The same page for every visitor who types this code this way, in this
    # language: kept, with the CSRF token taken out, while no dossier changed
    # and within the minute (dossiers.freshness). A returned dossier's page
    # holds the PIN (the rating form) and is never kept.
    entry = kept_part(
        f"track:{pk}", timezone.now(), lambda: kept_page(page()), varies=code
    )
    return served_page(request, entry)


def _answer(
    request: HttpRequest, context: dict[str, object], wait: int
) -> HttpResponse:
    if not wait:
        return render(request, "dossiers/track.html", context)
    context.update(blocked=True, wait_minutes=math.ceil(wait / 60))
    response = render(request, "dossiers/track.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


def _tracked(dossier: Dossier) -> dict[str, object]:
    # A returned dossier's rating panel is feedback's ({% public_rating %}).
    return {
        "dossier": dossier,
        "status": public_status(dossier),
        "stages": stages(dossier.state, from_receipt=True),
    }
