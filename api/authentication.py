"""Who is calling: an API key (machine clients) or the browser's session, whose
second factor is required exactly as on the pages."""

from typing import Any

from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts import mfa

from .models import KEY_PREFIX, ApiKey, hash_secret
from .services import api_key_touch

KEYWORD = "Bearer"


class SecondFactorRequired(exceptions.PermissionDenied):
    default_detail = _(
        "Pass the second factor (the code of your authenticator app) in the "
        "browser first; this session has not."
    )
    default_code = "second_factor_required"


def session_owes_second_factor(request: Any) -> bool:
    """Whether a session's user must still pass the second factor (staff always,
    citizens who turned it on), as ``accounts.middleware`` decides for pages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return mfa.second_factor_expected(request) and not user.is_verified()


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer oc_<prefix>_<secret>``."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace") != KEYWORD:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        key = self._key(header[1].decode(errors="replace"))
        api_key_touch(key)
        return key.user, key

    def _key(self, raw: str) -> ApiKey:
        invalid = exceptions.AuthenticationFailed(
            _("This API key is not valid, has expired or was revoked.")
        )
        parts = raw.split("_", 2)
        if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) > 32:
            raise invalid
        key = (
            ApiKey.objects.usable()
            .select_related("user")
            .filter(prefix=parts[1])
            .first()
        )
        if key is None or not constant_time_compare(
            key.secret_hash, hash_secret(parts[2])
        ):
            raise invalid
        return key

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, CSRF-checked, refused until the second factor is
    passed (``api.middleware`` answers the same before the pages' redirect)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and session_owes_second_factor(request._request):
            raise SecondFactorRequired
        return result
