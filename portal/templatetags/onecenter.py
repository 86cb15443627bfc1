"""Template filters and tags shared by OneCenter pages."""

import functools
from html import escape

from django import template
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from accounts.models import User
from notifications.selectors import unread_badge

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """An amount of đồng as Vietnamese write it (8.000 đ), or in English (8,000 VND)."""
    if amount is None:
        return ""
    if get_language() == "en":
        return f"{amount:,} VND"
    return f"{amount:,}".replace(",", ".") + " đ"


# The page header (templates/includes/site_header.html: the national strip, the
# brand and the menu) is the same for every page a user opens at one address, in
# one language: drawn once per process and kept, some 6 000 Python calls a
# signed-in page saved. Its two per-request parts, the CSRF token of the forms
# (language switch, log out) and the address they come back to, are marks in
# the kept copy, replaced on each request. Everything else it shows is in the
# key, so nothing kept can be stale: a new name, role or unread count is a new
# key (the oldest of HEADER_CACHE_SIZE are dropped).
HEADER_CACHE_SIZE = 2048
_CSRF_MARK = "\x00csrf-token\x00"
_PATH_MARK = "\x00full-path\x00"


@register.simple_tag(takes_context=True)
def site_header(context: template.Context) -> SafeString:
    request = context.get("request")
    if request is None:  # a page drawn without its request: as an include would
        return mark_safe(
            render_to_string("includes/site_header.html", context.flatten())
        )
    user = context.get("user") or getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    key = (
        get_language(),
        request.path,
        settings.CENTRE_NAME,
        signed_in,
        user.role if signed_in else "",
        bool(signed_in and user.is_staff),
        user.display_name if signed_in else "",
        unread_badge(user) if signed_in else "",
    )
    kept = _header(key)
    full_path = escape(request.get_full_path())
    # Safe: the kept header was escaped by its template; the token is
    # alphanumeric and the path is escaped here.
    return mark_safe(
        kept.replace(_CSRF_MARK, get_token(request)).replace(_PATH_MARK, full_path)
    )


class _MarkedRequest:
    """What the header template reads of the request: the path, and the full path
    as a mark."""

    def __init__(self, path: str) -> None:
        self.path = path

    def get_full_path(self) -> str:
        return _PATH_MARK


@functools.lru_cache(maxsize=HEADER_CACHE_SIZE)
def _header(key: tuple) -> str:
    _language, path, centre, signed_in, role, is_staff, name, unread = key
    # An unsaved account made from the key alone: its display name is the name
    # given, its menu follows its role (``User.works_at_centre`` and the rest).
    user = (
        User(role=role, is_staff=is_staff, full_name=name)
        if signed_in
        else AnonymousUser()
    )
    return render_to_string(
        "includes/site_header.html",
        {
            "request": _MarkedRequest(path),
            "user": user,
            "unread": unread,
            "csrf_token": _CSRF_MARK,
            "CENTRE_NAME": centre,
        },
    )
