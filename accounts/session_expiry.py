"""How long a login lasts: staff are logged out after ``STAFF_SESSION_IDLE_SECONDS``
without a request and ``STAFF_SESSION_MAX_AGE`` after logging in; citizens after
``SESSION_COOKIE_AGE`` from logging in, however active.

Django alone renews a session's expiry each time the session is written, so an
active session never ends; the login time kept in the session here does not move.
"""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from .models import Role

STARTED = "accounts_session_started"
LAST_SEEN = "accounts_session_last_seen"
# The last-seen time is written at most this often (seconds), not on every
# request: the idle limit is this much less precise, for far fewer session writes.
LAST_SEEN_RESOLUTION = 60


def start_session_clock(sender, request: HttpRequest, user, **kwargs) -> None:
    """At login (``user_logged_in``), so the time is saved with the login itself."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED] = now
        request.session[LAST_SEEN] = now


def is_staff_session(user) -> bool:
    """Staff roles, the catalogue administrator, and any is_staff or superuser."""
    return user.role != Role.APPLICANT or user.is_staff or user.is_superuser


def limits(user) -> tuple[int | None, int]:
    """(idle limit or None, absolute limit), in seconds, for this user's sessions."""
    if is_staff_session(user):
        return settings.STAFF_SESSION_IDLE_SECONDS, settings.STAFF_SESSION_MAX_AGE
    return None, settings.SESSION_COOKIE_AGE


class SessionExpiryMiddleware:
    """Log out a session past its limits, with a message, and send it to the login
    page (back to the same page afterwards). Must come after the session,
    authentication and message middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            idle_limit, max_age = limits(user)
            # A session from before these limits starts its clock now.
            started = session.setdefault(STARTED, now)
            last_seen = session.get(LAST_SEEN, now)
            if now - started > max_age or (
                idle_limit is not None and now - last_seen > idle_limit
            ):
                return self._expired(request)
            if now - session.get(LAST_SEEN, 0) >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN] = now
        return self.get_response(request)

    def _expired(self, request: HttpRequest) -> HttpResponse:
        logout(request)
        messages.warning(request, _("Your session expired. Please log in again."))
        target = resolve_url(settings.LOGIN_URL)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)
