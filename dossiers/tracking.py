"""Public tracking by code and lookup PIN: finding the dossier, limiting guesses,
and what may be said about it (status and dates, nothing personal).

Guesses are limited per client address and per dossier code, with counters the
cache increments atomically, so neither parallel requests nor many addresses get
more tries than the limits allow.
"""

import contextlib
import hashlib
import ipaddress
import math
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from audit.network import client_ip

from .models import CLOCK_RUNNING_STATES, Dossier, DossierStep, State

NEXT_STEP = {
    State.SUBMITTED: _("The desk is checking the dossier."),
    State.SUPPLEMENT_REQUESTED: _(
        "The applicant must supplement the dossier as the desk requested."
    ),
    State.RECEIVED: _("The dossier will be passed to the deciding agency."),
    State.PROCESSING: _("The deciding agency is processing the dossier."),
    State.AWAITING_SUPPLEMENT: _(
        "Processing is paused until the applicant supplies the requested papers."
    ),
    State.RESULT_READY: _("The result is ready: collect it or receive it online."),
    State.RETURNED: _("The result has been handed over. You can rate the service."),
    State.REFUSED: _("The dossier was not accepted; the reasons are on Form 03."),
    State.STOPPED: _("Processing was stopped; the reasons are on Form 05."),
    State.WITHDRAWN: _("The applicant withdrew the dossier."),
}


OVERDUE_LABEL = _("Overdue: still being processed after the appointment date")


@dataclass(frozen=True)
class PublicStatus:
    code: str
    procedure: str
    state: str
    state_label: str
    received_at: datetime | None
    appointment: datetime | None
    next_step: str
    # Past its appointment while the clock runs (a supplement pause is not late).
    overdue: bool = False
    # The date Form 04 (apology and extension) set, if one was issued.
    extended_to: datetime | None = None
    # An inter-agency dossier being processed: the agency holding it now (its
    # name only; docs/interagency.md).
    held_by: str = ""


# States in which a route step holds the dossier.
HELD_STATES = (State.PROCESSING, State.AWAITING_SUPPLEMENT)


def holding_agency(dossier: Dossier) -> str:
    """The name of the agency whose step holds an inter-agency dossier now, or
    "" (one query, only for such a dossier while a step holds it)."""
    if not dossier.crosses_agencies or dossier.state not in HELD_STATES:
        return ""
    # At a stage of parallel branches, every agency holding an open branch
    # (docs/interagency.md); steps written before stages were recorded have none.
    index = dossier.current_step_index
    names = (
        DossierStep.objects.filter(
            Q(stage=index, finished_at__isnull=True)
            | Q(stage__isnull=True, position=index),
            dossier_id=dossier.pk,
        )
        .order_by("position")
        .values_list("agency__name", flat=True)
    )
    return ", ".join(dict.fromkeys(name for name in names if name))


def public_status(dossier: Dossier, now: datetime | None = None) -> PublicStatus:
    now = now or timezone.now()
    overdue = bool(
        dossier.state in CLOCK_RUNNING_STATES
        and dossier.current_due_at
        and dossier.current_due_at < now
    )
    return PublicStatus(
        code=dossier.code or "",
        procedure=dossier.procedure.name,
        state=dossier.state,
        state_label=str(OVERDUE_LABEL if overdue else dossier.get_state_display()),
        received_at=dossier.received_at,
        appointment=dossier.current_due_at if not dossier.is_final else None,
        next_step=str(NEXT_STEP.get(dossier.state, "")),
        overdue=overdue,
        extended_to=dossier.extended_due_at,
        held_by=holding_agency(dossier),
    )


def code_variants(code: str) -> set[str]:
    """The code as typed and in upper and lower case: codes are matched without
    regard to case, each variant by the unique index."""
    return {code, code.upper(), code.lower()}


def normalised_code(code: str) -> str:
    """The code as the per-code limit counts it: one counter whatever its case."""
    return unicodedata.normalize("NFKC", code).strip().upper()


@dataclass(frozen=True)
class Limit:
    """At most ``failures`` wrong lookups for one key within ``seconds``."""

    key: str
    failures: int
    seconds: int


def _key(kind: str, value: str) -> str:
    return f"track-failures:{kind}:" + hashlib.sha256(value.encode()).hexdigest()[:32]


def client_key(request: HttpRequest) -> str:
    """Who is guessing: the client's address (behind our proxies, the one they
    forwarded, see ``audit.network``); an IPv6 client by its /64, which one
    subscriber holds whole."""
    address = client_ip(request) or "unknown"
    ip = ipaddress.ip_address(address) if address != "unknown" else None
    if isinstance(ip, ipaddress.IPv6Address):
        address = str(ip.ipv4_mapped or ipaddress.ip_network(f"{ip}/64", strict=False))
    return address


def client_limit(request: HttpRequest) -> Limit:
    return Limit(
        _key("ip", client_key(request)),
        settings.TRACKING_MAX_FAILURES,
        settings.TRACKING_BLOCK_SECONDS,
    )


def code_limit(code: str) -> Limit:
    return Limit(
        _key("code", normalised_code(code)),
        settings.TRACKING_MAX_FAILURES_PER_CODE,
        settings.TRACKING_CODE_BLOCK_SECONDS,
    )


def limits_for(request: HttpRequest, code: str) -> list[Limit]:
    """The client's limit, and the code's: many addresses guessing one dossier's
    PIN are stopped by the second."""
    return [client_limit(request), code_limit(code)]


def _seconds_left(limit: Limit, now: float) -> int:
    until = cache.get(f"{limit.key}:until")
    return max(1, math.ceil((until or now + limit.seconds) - now))


def _count(limit: Limit, now: float) -> int:
    """Add one to the limit's counter and return it, in one atomic step.

    ``add`` starts the counter (and its window) only when there is none; ``incr``
    is atomic in every cache backend, so concurrent guesses each get their own
    number and no more than ``failures`` of them pass.
    """
    cache.add(f"{limit.key}:until", now + limit.seconds, limit.seconds)
    cache.add(limit.key, 0, limit.seconds)
    try:
        return cache.incr(limit.key)
    except ValueError:
        # The window ended between add and incr: this lookup opens the next one.
        cache.set(f"{limit.key}:until", now + limit.seconds, limit.seconds)
        cache.add(limit.key, 0, limit.seconds)
        return cache.incr(limit.key)


def _uncount(limit: Limit) -> None:
    with contextlib.suppress(ValueError):
        cache.decr(limit.key)


# On Redis, the same steps as ``_count`` for every limit, and the giving back of a
# refused lookup, run as one script: one round trip instead of three commands per
# limit, and atomic. KEYS: each limit's counter and its window's end; ARGV: each
# limit's seconds, failures and the (serialised) end of a new window. Returns 0, or
# the position (from 1) of the limit that refused.
RESERVE_SCRIPT = """
local counted = {}
for i = 1, #KEYS / 2 do
  local counter, until_key = KEYS[2 * i - 1], KEYS[2 * i]
  local seconds = ARGV[3 * i - 2]
  redis.call('SET', until_key, ARGV[3 * i], 'EX', seconds, 'NX')
  redis.call('SET', counter, 0, 'EX', seconds, 'NX')
  counted[#counted + 1] = counter
  if redis.call('INCR', counter) > tonumber(ARGV[3 * i - 1]) then
    for _, key in ipairs(counted) do redis.call('DECR', key) end
    return i
  end
end
return 0
"""
# Gives back one lookup on each counter still there (an expired window is not
# brought back as a negative count without an end).
RELEASE_SCRIPT = """
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('DECR', key) end
end
return 0
"""


def _redis_client() -> Any:
    """The shared ``redis.Redis`` client behind the cache, or None when the cache
    is not on Redis (the per-process default without ``REDIS_URL``)."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return backend._cache.get_client(write=True)
    return None


def _redis_reserve(client, limits: list[Limit], now: float) -> int:
    keys, args = [], []
    serializer = cache._cache._serializer
    for limit in limits:
        keys += [
            cache.make_and_validate_key(limit.key),
            cache.make_and_validate_key(f"{limit.key}:until"),
        ]
        args += [limit.seconds, limit.failures, serializer.dumps(now + limit.seconds)]
    refused = client.eval(RESERVE_SCRIPT, len(keys), *keys, *args)
    return _seconds_left(limits[refused - 1], now) if refused else 0


def reserve(limits: list[Limit], now: float | None = None) -> int:
    """Count one lookup against every limit before it is made.

    Returns 0 when it may go ahead, else the seconds to wait; a refused lookup
    leaves no count behind. Counting before looking (and giving back on success,
    ``release``) is what keeps concurrent guesses from slipping past the limit.
    """
    now = time.time() if now is None else now
    client = _redis_client()
    if client is not None:
        return _redis_reserve(client, limits, now)
    counted: list[Limit] = []
    for limit in limits:
        counted.append(limit)
        if _count(limit, now) > limit.failures:
            for taken in counted:
                _uncount(taken)
            return _seconds_left(limit, now)
    return 0


def release(limits: list[Limit]) -> None:
    """Give back a lookup that found its dossier: only misses count."""
    client = _redis_client()
    if client is not None:
        keys = [cache.make_and_validate_key(limit.key) for limit in limits]
        client.eval(RELEASE_SCRIPT, len(keys), *keys)
        return
    for limit in limits:
        _uncount(limit)


def blocked_for(request: HttpRequest, now: float | None = None) -> int:
    """Seconds until this client may look up again (0: it may now)."""
    now = time.time() if now is None else now
    limit = client_limit(request)
    if (cache.get(limit.key) or 0) < limit.failures:
        return 0
    return _seconds_left(limit, now)


@dataclass(frozen=True)
class Lookup:
    """A lookup's answer: the dossier when code and PIN match, or the seconds to
    wait when too many lookups failed."""

    dossier: Dossier | None = None
    retry_after: int = 0


def find_by_code(
    request: HttpRequest, code: str, pin: str, *, light: bool = False
) -> Lookup:
    """The dossier with this code and PIN; a miss counts towards the limits.

    A wrong PIN for a real code and an unknown code are the same miss, so codes
    printed on paper cannot be used to enumerate anyone's dossiers. ``light``
    reads only the code, PIN and state (a third of the query's cost), for a
    caller that may not need the rest (``tracked_dossier`` reads it).
    """
    limits = limits_for(request, code)
    wait = reserve(limits)
    if wait:
        return Lookup(retry_after=wait)
    found = (
        Dossier.objects.only("code", "lookup_pin", "state")
        if light
        else tracked_dossiers()
    )
    dossier = found.filter(code__in=code_variants(code)).first()
    if dossier and pin and constant_time_compare(dossier.lookup_pin, pin):
        release(limits)
        return Lookup(dossier=dossier)
    return Lookup()


def tracked_dossier(pk: int) -> Dossier:
    """A dossier with what its tracking page shows."""
    return tracked_dossiers().get(pk=pk)


def tracked_dossiers() -> QuerySet[Dossier]:
    return Dossier.objects.select_related("procedure").only(
        "code",
        "lookup_pin",
        "state",
        "current_due_at",
        "procedure__name",
        "procedure__code",
        "received_at",
        "outcome",
        "current_step_index",
        "timeliness",
        "returned_at",
        "decided_at",
        "channel",
        "extended_due_at",
        "crosses_agencies",
    )
