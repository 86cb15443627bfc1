"""The shared cache of the public catalogue pages, and the version that retires it.

The home page, the catalogue search and the procedure pages are the same for every
visitor in a language on a day, so their content is rendered once into the shared
cache (Redis when REDIS_URL is set) and served from there, and from each process's
memory after its first use; the header around it (name, unread count, CSRF token)
is still rendered for each request. The worklist's filter choices, the calendar
and the agency tree are kept the same way. Every cache
key holds the catalogue version, a token replaced whenever a procedure, paper, fee,
route step, agency, department, field or calendar day is saved or deleted (the
admin, the imports, the calendar loader all save rows one by one) and after every
``migrate`` (a deploy may change the templates). Old entries are never deleted:
nothing reads them any more and they expire.
"""

import functools
import hashlib
import logging
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from workcalendar.calendar import load_calendar
from workcalendar.models import CalendarException
from workcalendar.types import WorkCalendar

from .models import Agency, Department, Fee, Procedure, RequiredPaper, RouteStep, Sector

VERSION_KEY = "catalogue:version"
# Entries keyed by a search anyone can type: they must not pile up for ever.
FRAGMENT_TIMEOUT = 3600
# Entries each process keeps in memory too (pages of some 20 KB, choices, calendars).
LOCAL_ENTRIES = 256
CATALOGUE_MODELS = (
    Agency,
    Department,
    Sector,
    Procedure,
    RequiredPaper,
    Fee,
    RouteStep,
    CalendarException,
)

MESSAGES_COOKIE = CookieStorage.cookie_name

T = TypeVar("T")
logger = logging.getLogger(__name__)


# One version for the whole of a request, read once (a worklist page asks for it
# three times); outside requests (tasks, commands) it is read on every call.
_request = threading.local()


def catalogue_version() -> str:
    version = getattr(_request, "version", None)
    if version is None:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, None)
            version = cache.get(VERSION_KEY)
        if getattr(_request, "active", False):
            _request.version = version
    return version


def _request_started(**kwargs: Any) -> None:
    _request.active, _request.version = True, None


def _request_finished(**kwargs: Any) -> None:
    _request.active, _request.version = False, None


def bump_catalogue_version() -> None:
    """Retire every cached catalogue page, now and again after the commit.

    Now: the saving request's own next read sees its change. After the commit: a
    page rendered from the old rows by another request between the first bump and
    the commit is stored under the version that the second bump retires.
    """
    _new_version()
    transaction.on_commit(_new_version, robust=True)


def _new_version() -> None:
    _request.version = None
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def page_key(request: HttpRequest) -> str:
    """What a public catalogue page depends on besides its own arguments: the
    catalogue version, the language, and the day (``Procedure.objects.public()``
    depends on it)."""
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    return f"{catalogue_version()}:{language}:{timezone.localdate().isoformat()}"


def digest(parts: Iterable[Any]) -> str:
    """A short fixed-length stand-in for arguments of any length (search words)."""
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class _Recent:
    """The entries this process used last, in front of the shared cache.

    Every key holds the catalogue version, so an entry kept here can never be
    stale: after a change nothing asks for it any more. Values are shared between
    requests and threads, so they must never be changed by their users.
    """

    def __init__(self, size: int) -> None:
        self.size, self.entries, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


recent = _Recent(LOCAL_ENTRIES)


def cached(key: str, compute: Callable[[], T], timeout: int = FRAGMENT_TIMEOUT) -> T:
    """``compute()``, kept under ``key`` (which must hold the catalogue version) in
    the shared cache and in this process (None is not kept)."""
    value = recent.get(key)
    if value is None:
        value = cache.get(key)
        if value is None:
            value = compute()
            if value is not None:
                cache.set(key, value, timeout)
        if value is not None:
            recent.put(key, value)
    return value


def shared_calendar(years: Iterable[int] | None = None) -> WorkCalendar:
    """``load_calendar(years)``, shared between requests and processes until a
    calendar day is saved or deleted (the version changes then)."""
    if years is None:
        # load_calendar's default span follows this year.
        span = f"around-{timezone.localdate().year}"
    else:
        span = "-".join(str(year) for year in sorted(set(years)))
    key = f"catalogue:{catalogue_version()}:calendar:{span}"
    return cached(key, lambda: load_calendar(years))


def catalogue_cached(name: str, build: Callable[[], T]) -> T:
    """``build()``, read from catalogue rows, kept until the catalogue changes."""
    return cached(f"catalogue:{catalogue_version()}:{name}", build)


def catalogue_choices(name: str, build: Callable[[], T]) -> T:
    """Choices drawn from the catalogue (procedures, fields, departments) for a
    filter form, in the current language, until the catalogue changes."""
    return catalogue_cached(f"{translation.get_language()}:choices:{name}", build)


def _catalogue_changed(sender: Any, **kwargs: Any) -> None:
    bump_catalogue_version()


def _migrated(sender: Any, **kwargs: Any) -> None:
    # A deploy migrates and may bring new templates; a migration without the
    # cache server (a first install) must still run.
    try:
        bump_catalogue_version()
    except Exception:
        logger.warning(
            "catalogue cache version not bumped after migrate", exc_info=True
        )


def connect_signals() -> None:
    """Bump the version on every write of a catalogue row (``ready()``)."""
    for model in CATALOGUE_MODELS:
        uid = f"catalogue-cache-{model._meta.label_lower}"
        post_save.connect(_catalogue_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=uid)
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _catalogue_changed, sender=field.remote_field.through, dispatch_uid=uid
            )
    post_migrate.connect(_migrated, dispatch_uid="catalogue-cache-migrate")
    request_started.connect(_request_started, dispatch_uid="catalogue-cache-start")
    request_finished.connect(_request_finished, dispatch_uid="catalogue-cache-end")


# --- whole pages for anonymous visitors ---------------------------------------
#
# A visitor who is not signed in sees exactly what every other one sees in the same
# language on the same catalogue version, except the CSRF token of the language
# switch. So the whole page is kept (its content rendered once, like the fragments
# above) with that token taken out, and each response gets its own token put back
# (``get_token``, which also has the middleware set the CSRF cookie as a render
# would). A request with a session cookie (signed in, or a flash message waiting)
# or a message cookie is rendered as before.
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_SLOT = "\x00csrf-token\x00"


def is_anonymous_visit(request: HttpRequest) -> bool:
    """No session and no message waiting: the page is the same for every such
    visitor (in a language, on a catalogue version)."""
    return not (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or MESSAGES_COOKIE in request.COOKIES
    )


def kept_page(response: HttpResponse) -> tuple[str, str] | None:
    """What is kept of a page served to anonymous visitors: its content with the
    CSRF token taken out, and its type; None for anything but a plain 200."""
    if response.status_code != 200 or response.streaming:
        return None
    content = response.content.decode(response.charset)
    return (
        CSRF_INPUT.sub(rf"\g<1>{CSRF_SLOT}\g<2>", content),
        response["Content-Type"],
    )


def served_page(request: HttpRequest, entry: tuple[str, str]) -> HttpResponse:
    """A kept page with this visitor's own CSRF token put back."""
    content, content_type = entry
    if CSRF_SLOT in content:
        content = content.replace(CSRF_SLOT, get_token(request))
    return HttpResponse(content, content_type=content_type)


def anonymous_page(
    extra_key: Callable[..., Iterable[Any]] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve a public page to anonymous visitors from the cache. ``extra_key``
    gives, from the view's arguments, what else the page depends on besides its
    path and ``page_key`` (e.g. the time that changes an expected due date)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or not is_anonymous_visit(request):
                return view(request, *args, **kwargs)
            parts = [request.get_full_path()]
            if extra_key is not None:
                parts.extend(extra_key(request, *args, **kwargs))
            key = f"catalogue:{page_key(request)}:page:{digest(parts)}"
            entry = recent.get(key)
            if entry is None:
                entry = cache.get(key)
                if entry is not None:
                    recent.put(key, entry)
            if entry is None:
                response = view(request, *args, **kwargs)
                entry = kept_page(response)
                if entry is not None:
                    cache.set(key, entry, FRAGMENT_TIMEOUT)
                    recent.put(key, entry)
                return response
            return served_page(request, entry)

        return wrapped

    return decorator
