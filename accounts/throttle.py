"""Counters that cap how often a form may act: account e-mails per address and per
client, and wrong current passwords per user.

Each counter lives in the shared cache (Redis in production, so every process
counts together) and is raised with an atomic increment; it starts at the first
attempt and lasts ``window`` seconds from then.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

HOUR = 3600


def _key(kind: str, value: str) -> str:
    # Hashed: no address or e-mail is stored in the cache, and keys keep one length.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"accounts-throttle:{kind}:{digest}"


def hit(kind: str, value: str, *, limit: int, window: int = HOUR) -> bool:
    """Count one attempt; True while there have been at most ``limit`` in the window."""
    key = _key(kind, value)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:
        # The counter expired between the two calls: this attempt opens a window.
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def seen(kind: str, value: str) -> int:
    return cache.get(_key(kind, value), 0)


def account_mail_allowed(client_address: str, email: str) -> bool:
    """Whether one more account e-mail (sign-up, new link, password reset, address
    change) may go to ``email`` at the request of the client at ``client_address``.

    Both counters are raised on every request, whatever the address, so the answer
    says nothing about whether an account uses it.
    """
    per_address = hit(
        "mail-address", email, limit=settings.ACCOUNT_MAIL_PER_ADDRESS_PER_HOUR
    )
    per_client = hit(
        "mail-client",
        client_address or "unknown",
        limit=settings.ACCOUNT_MAIL_PER_IP_PER_HOUR,
    )
    if not (per_address and per_client):
        logger.warning(
            "Account e-mail not sent: more than %s per address or %s per client "
            "in an hour",
            settings.ACCOUNT_MAIL_PER_ADDRESS_PER_HOUR,
            settings.ACCOUNT_MAIL_PER_IP_PER_HOUR,
        )
    return per_address and per_client
