"""The public tracking page: a dossier's status for whoever holds its code and PIN."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from ..models import Dossier
from ..timeline import stages
from ..tracking import find_by_code, public_status, tracking_blocked


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    """Status of a dossier for whoever holds its code and lookup PIN (Form 01).

    Repeated failures from one client are refused with 429 for a while.
    """
    code = request.GET.get("code", "").strip()[:64]
    pin = request.GET.get("pin", "").strip()[:8]
    context: dict[str, object] = {"code": code, "pin": pin}
    if tracking_blocked(request):
        context["blocked"] = True
        return render(request, "dossiers/track.html", context, status=429)
    if code and pin:
        dossier = find_by_code(request, code, pin)
        if dossier is None:
            context["not_found"] = True
        else:
            context.update(_tracked(dossier))
    elif code or pin:
        context["incomplete"] = True
    return render(request, "dossiers/track.html", context)


def _tracked(dossier: Dossier) -> dict[str, object]:
    # A returned dossier's rating panel is feedback's ({% public_rating %}).
    return {
        "dossier": dossier,
        "status": public_status(dossier),
        "stages": stages(dossier.state, from_receipt=True),
    }
