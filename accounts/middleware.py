"""The second-factor gate: a session that still owes its second factor reaches only
the pages that let it pay it (or log out)."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import mfa

# The only pages an unverified session may open. Everything else, and not only
# /staff/ and /admin/, waits: a staff member's inbox and profile speak of
# dossiers and lead to the password too.
OPEN_VIEWS = frozenset(
    {
        "accounts:mfa_verify",
        "accounts:mfa_enrol",
        "accounts:mfa_recovery_codes",
        "accounts:logout",
        "admin:logout",
        "set_language",
        "portal:healthz",
        "portal:readyz",
    }
)


class SecondFactorMiddleware:
    """Send staff (and citizens who turned it on) to the code page, or to set up an
    authenticator app, until the session has passed the second factor.

    Must come after django-otp's OTPMiddleware, which tells whether it has.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs):
        match = request.resolver_match
        if match is None or match.view_name in OPEN_VIEWS:
            return None
        if not mfa.second_factor_expected(request) or request.user.is_verified():
            return None
        enrolled = mfa.has_second_factor(request.user)
        if not enrolled and not mfa.requires_second_factor(request.user):
            # A citizen who turned it off in another session.
            mfa.session_forget(request)
            return None
        target = "accounts:mfa_verify" if enrolled else "accounts:mfa_enrol"
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(target)}?{query}")
