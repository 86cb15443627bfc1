"""Operations endpoints and request logging: the request id, /readyz, /metrics."""

import ipaddress
import re
import uuid
from functools import lru_cache

import structlog
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView
from django_structlog.middlewares import RequestMiddleware

from audit.network import client_ip

from . import health

logger = structlog.get_logger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's or a client's id must look like to be kept (a UUID, nginx's
# $request_id, a trace id): anything else could forge or break a log line.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")


def safe_request_id(candidate: str | None) -> str:
    """``candidate`` if it is a plain token, else a new random id."""
    if candidate and _SAFE_REQUEST_ID.fullmatch(candidate):
        return candidate
    return str(uuid.uuid4())


class RequestLogMiddleware(RequestMiddleware):
    """django-structlog's request logging with our rules: an incoming X-Request-ID
    kept only when safe, the id sent back in the response, and the path logged
    without its query string (which may carry a PIN or a search for a name)."""

    def prepare(self, request: HttpRequest) -> None:
        structlog.contextvars.clear_contextvars()
        request.META["HTTP_X_REQUEST_ID"] = safe_request_id(
            request.META.get("HTTP_X_REQUEST_ID")
        )
        super().prepare(request)

    def handle_response(self, request: HttpRequest, response: HttpResponse) -> None:
        request_id = request.META["HTTP_X_REQUEST_ID"]
        response[REQUEST_ID_HEADER] = request_id
        super().handle_response(request, response)
        # Django logs a 4xx or 5xx answer ("Not Found: …") after the last middleware
        # has returned: the id stays bound until the thread's next request starts.
        structlog.contextvars.bind_contextvars(request_id=request_id)

    @staticmethod
    def format_request(request: HttpRequest) -> str:
        return f"{request.method} {request.path}"


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: every service a request may need answers. The body names the
    checks and says ok or failed, nothing more (no address, no error text)."""
    checks = health.readiness_checks()
    for check in checks:
        if not check.ok:
            logger.warning(
                "readiness_check_failed", check=check.name, error=check.detail
            )
    ready = all(check.ok for check in checks)
    return JsonResponse(
        {
            "status": "ok" if ready else "unavailable",
            "checks": {c.name: "ok" if c.ok else "failed" for c in checks},
        },
        status=200 if ready else 503,
    )


@lru_cache(maxsize=8)
def _networks(
    allowed: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in allowed)


def metrics_allowed(address: str | None) -> bool:
    """Whether ``address`` is in METRICS_ALLOWED_IPS (addresses or networks)."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    networks = _networks(tuple(settings.METRICS_ALLOWED_IPS))
    return any(ip.version == net.version and ip in net for net in networks)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for the scraper's addresses only; everyone else is told
    there is no such page."""
    if not metrics_allowed(client_ip(request)):
        raise Http404
    return ExportToDjangoView(request)
