"""JSON answers for the API where the site's middleware answers with a page: a
session that owes its second factor (``accounts.middleware`` redirects to the
code page, after this one), and a body refused before any view reads it (the
upload limit's 413 page, Django's 400 page for a malformed form)."""

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _

from dossiers.uploads import TOO_LARGE

from .authentication import SecondFactorRequired, session_owes_second_factor
from .errors import error_body


@cache
def api_prefix() -> str:
    return reverse("api:not_found")


class ApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code in (400, 413)
            and request.path.startswith(api_prefix())
            and not response.get("Content-Type", "").startswith("application/")
        ):
            return self.refused_body(response.status_code)
        return response

    def process_view(self, request: HttpRequest, view, args, kwargs):
        match = request.resolver_match
        if match is None or "api" not in match.namespaces:
            return None
        if request.headers.get("Authorization"):
            # A key (or a malformed header): the API's authentication decides.
            return None
        if not session_owes_second_factor(request):
            return None
        refusal = SecondFactorRequired()
        return JsonResponse(
            error_body(403, refusal.default_code, str(refusal.detail)), status=403
        )

    @staticmethod
    def refused_body(status: int) -> JsonResponse:
        if status == 413:
            body = error_body(
                413,
                "too_large",
                TOO_LARGE % {"file_limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            )
        else:
            body = error_body(
                400, "parse_error", _("The request body could not be read.")
            )
        return JsonResponse(body, status=status)
