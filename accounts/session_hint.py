"""A signed-in request's session, user and device read from the cache at once.

A signed-in request reads its session (which says who is signed in), then its user,
then, for staff, the second-factor device that verified the session: three round
trips to Redis, one after the other, before any page work (docs/performance.md).
The user and the device are named inside the session, so they cannot be asked for
with it unless the browser says beforehand which they will be. It does, in a
cookie (``hint_cookie_name()``): the user's id and the device's persistent id, set
on a response whenever it is missing or no longer right. The session is then read
with that user and that device in one ``get_many``.

The hint is only a guess of which cache entries to fetch along. Who is signed in
is still what the session says: a user or device fetched on the hint is used only
when the session names that very one (``auth_cache`` asks ``prefetched`` for the
key it would read itself), and it is the copy the shared cache holds, which every
save of the row deletes. A wrong or forged hint costs a wasted read, nothing more.
The fetched copies live for one request (cleared when each request starts and
ends).
"""

import re
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

# Keys of the cached user and device (auth_cache); not imported from there, which
# imports this module.
USER_KEY = "auth:user:{}"
DEVICE_KEY = "auth:device:{}"
# A device's persistent id as django-otp writes it: "otp_totp.totpdevice/3".
_DEVICE_ID = re.compile(r"[a-z0-9_]+\.[a-z0-9_]+/[0-9]+")

_prefetched: ContextVar[dict[str, Any] | None] = ContextVar(
    "auth_prefetched", default=None
)


def hint_cookie_name() -> str:
    """Host-only over HTTPS, like the session cookie it goes with."""
    secure = settings.SESSION_COOKIE_NAME.startswith("__Host-")
    return "__Host-authhint" if secure else "authhint"


def hint_for(user: Any) -> str:
    """The hint of a signed-in ``user`` (and the device that verified them)."""
    device = getattr(user, "otp_device", None)
    return f"{user.pk}:{device.persistent_id if device is not None else ''}"


def hinted_keys(hint: str) -> list[str]:
    """The cache keys the hint names; none when it does not parse."""
    user, _sep, device = hint.partition(":")
    if not (user.isascii() and user.isdecimal() and len(user) <= 18):
        return []
    keys = [USER_KEY.format(user)]
    if device and len(device) <= 100 and _DEVICE_ID.fullmatch(device):
        keys.append(DEVICE_KEY.format(device))
    return keys


def prefetched(key: str) -> Any:
    """The entry ``key`` fetched with this request's session, or None."""
    found = _prefetched.get()
    return None if found is None else found.get(key)


def _forget(**kwargs: Any) -> None:
    _prefetched.set(None)


# Cleared when a request starts (the middleware) and when it ends (here).
request_finished.connect(_forget, dispatch_uid="session_hint_end")


class SessionStore(cached_db.SessionStore):
    """Django's cached_db sessions, reading the hinted entries with the session."""

    hint = ""

    def load(self) -> dict[str, Any]:
        keys = hinted_keys(self.hint) if settings.AUTH_CACHE_SECONDS else []
        if not keys:
            return super().load()
        try:
            found = self._cache.get_many([self.cache_key, *keys])
        except Exception:  # as Django's own load: an unreadable key resets
            found = {}
        _prefetched.set({key: found[key] for key in keys if key in found})
        data = found.get(self.cache_key)
        if data is None:  # not in the cache: from the database, as Django does
            return super().load()
        return data


class HintedSessionMiddleware(SessionMiddleware):
    """Django's session middleware, which gives the store the browser's hint and
    sets the hint on the response when it is missing or wrong."""

    def process_request(self, request: HttpRequest) -> None:
        _prefetched.set(None)
        super().process_request(request)
        request.session.hint = request.COOKIES.get(hint_cookie_name(), "")

    def process_response(
        self, request: HttpRequest, response: HttpResponse
    ) -> HttpResponse:
        response = super().process_response(request, response)
        user = getattr(request, "user", None)
        # Only a user this request has already read (reading it here would
        # cost the very round trips this saves).
        if user is None or getattr(user, "_wrapped", None) is empty:
            return response
        name, sent = hint_cookie_name(), request.COOKIES.get(hint_cookie_name())
        if user.is_authenticated and settings.AUTH_CACHE_SECONDS:
            hint = hint_for(user)
            if sent != hint:
                response.set_cookie(
                    name,
                    hint,
                    max_age=settings.SESSION_COOKIE_AGE,
                    secure=name.startswith("__Host-") or settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
        elif sent is not None:
            response.delete_cookie(name, samesite="Lax")
        return response
