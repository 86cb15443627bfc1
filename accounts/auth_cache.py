"""Who is signed in, without two database queries on every request.

Every signed-in request used to load its user row and, for a session that passed
the second factor, its device row: two queries before any page work, most of the
cost of a signed-in request (docs/performance.md). Both rows now come from the
shared cache (Redis in production), kept per user and per device:

- any save or delete of the user or of a device drops its copy, at once and again
  when the transaction commits (so a request that read the old row in between
  cannot put it back for long);
- each copy also expires after ``AUTH_CACHE_SECONDS``, a bound on how long a change
  made behind the ORM's back (a raw UPDATE) could go unseen;
- Django still checks the session's password hash against the cached user, so a
  changed password still ends the other sessions, and an inactive user is never
  cached (ModelBackend refuses it first).

Both are normally read in the same round trip as the session (``session_hint``).

With ``AUTH_CACHE_SECONDS = 0`` (the default without Redis, where the cache is
per process and one process could not tell the others) nothing is cached.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User
from .session_hint import DEVICE_KEY, USER_KEY, prefetched


def _seconds() -> int:
    return settings.AUTH_CACHE_SECONDS


class CachedModelBackend(ModelBackend):
    """Django's model backend, whose ``get_user`` (run on every signed-in request)
    reads the shared cache before the database."""

    def get_user(self, user_id: Any) -> User | None:
        if not _seconds():
            return super().get_user(user_id)
        key = USER_KEY.format(user_id)
        user = prefetched(key)  # read with the session (session_hint)
        if user is None:
            user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, _seconds())
        return user


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, whose device lookup (which device verified this
    session) reads the shared cache before the database. The device is only read
    to tell whether the session passed the second factor; verifying a code loads
    its own fresh copy."""

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        if not _seconds():
            return super()._device_from_persistent_id(persistent_id)
        key = DEVICE_KEY.format(self._normalize_persistent_id(persistent_id))
        device = prefetched(key)  # read with the session (session_hint)
        if device is None:
            device = cache.get(key)
        if device is None:
            device = super()._device_from_persistent_id(persistent_id)
            if device is not None:
                cache.set(key, device, _seconds())
        return device


def _forget(key: str) -> None:
    cache.delete(key)
    # A request that loaded the row before the commit may have cached it again.
    transaction.on_commit(lambda: cache.delete(key))


@receiver(post_save, sender=User, dispatch_uid="auth_cache_user_saved")
@receiver(post_delete, sender=User, dispatch_uid="auth_cache_user_deleted")
def forget_user(sender: type, instance: User, **kwargs: Any) -> None:
    _forget(USER_KEY.format(instance.pk))


def forget_device(sender: type, instance: Device, **kwargs: Any) -> None:
    _forget(DEVICE_KEY.format(instance.persistent_id))


# The device kinds installed (settings.INSTALLED_APPS): an authenticator app and
# the recovery codes.
for _kind in (TOTPDevice, StaticDevice):
    _uid = f"auth_cache_{_kind.__name__}"
    post_save.connect(forget_device, sender=_kind, dispatch_uid=f"{_uid}_saved")
    post_delete.connect(forget_device, sender=_kind, dispatch_uid=f"{_uid}_deleted")
