"""Views of the portal shell: home pages, health check and error pages."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from procedures.cache import anonymous_page, page_key


@anonymous_page()
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"page_key": page_key(request)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: this process answers requests. It checks no other service, so a
    database or Redis outage never makes a supervisor restart every web process;
    /readyz says whether the services answer (take a node out of rotation)."""
    return JsonResponse({"status": "ok"})


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without a request context: the failure may lie in a context processor.
    return render(None, "500.html", status=500)
