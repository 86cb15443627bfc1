"""Public views of dossiers: tracking by code and lookup PIN."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache

from .models import Dossier
from .tracking import public_status


def _client_key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return "track-failures:" + hashlib.sha256(address.encode()).hexdigest()[:32]


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    """Status of a dossier for whoever holds its code and lookup PIN (Form 01).

    A wrong PIN for a real code answers exactly like an unknown code, and repeated
    failures from one client are refused with 429 for a while, so codes printed on
    paper cannot be used to enumerate anyone's dossiers.
    """
    code = request.GET.get("code", "").strip()[:64]
    pin = request.GET.get("pin", "").strip()[:8]
    context: dict[str, object] = {"code": code, "pin": pin}
    key = _client_key(request)
    failures = cache.get(key, 0)
    if failures >= settings.TRACKING_MAX_FAILURES:
        context["blocked"] = True
        return render(request, "dossiers/track.html", context, status=429)
    if code and pin:
        dossier = (
            Dossier.objects.filter(code=code)
            .select_related("procedure")
            .only(
                "code",
                "lookup_pin",
                "state",
                "current_due_at",
                "procedure__name",
                "procedure__code",
                "received_at",
                "outcome",
                "current_step_index",
                "timeliness",
                "returned_at",
                "decided_at",
                "channel",
            )
            .first()
        )
        if dossier and constant_time_compare(dossier.lookup_pin, pin):
            context["status"] = public_status(dossier)
        else:
            cache.set(key, failures + 1, settings.TRACKING_BLOCK_SECONDS)
            context["not_found"] = True
    elif code or pin:
        context["incomplete"] = True
    return render(request, "dossiers/track.html", context)
