"""Issuing and revoking API keys (the admin's actions)."""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from procedures.models import Agency

from .models import ApiKey

# A key's last use is written at most this often: not a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@transaction.atomic
def api_key_issue(
    *,
    name: str,
    user: Any,
    scopes: list[str],
    agency: Agency | None = None,
    expires_at: datetime | None = None,
    created_by: Any = None,
) -> tuple[ApiKey, str]:
    """A new key and its secret, which the caller shows once; only a hash is kept."""
    key = ApiKey(
        name=name,
        user=user,
        scopes=sorted(set(scopes)),
        agency=agency,
        expires_at=expires_at,
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    secret = key.new_secret()
    key.save()
    return key, secret


def api_key_revoke(*, key: ApiKey, at: datetime | None = None) -> None:
    """Revoke at once; the next request with the key is refused."""
    ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
        revoked_at=at or timezone.now()
    )


def api_key_touch(key: ApiKey, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if key.last_used_at is None or key.last_used_at < now - LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
