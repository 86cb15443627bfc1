"""Logged-in sessions for the benchmark, written as a login would leave them.

Staff pass a second factor before any page; a benchmark cannot type codes, so the
session is given what django-otp records after a good code (the verified device's
id) along with the auth keys and the login clock of ``accounts.session_expiry``.
The store is the server's own (``SESSION_ENGINE``: cached_db on Redis when
``REDIS_URL`` is set), so the command must run with the server's settings.
"""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import requires_second_factor
from accounts.models import User
from accounts.session_expiry import LAST_SEEN, STARTED

BACKEND = "accounts.auth_cache.CachedModelBackend"


def logged_in_session(username: str) -> str:
    """A new session key of ``username`` logged in (second factor passed)."""
    user = User.objects.get(username=username)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    now = int(time.time())
    store[STARTED] = now
    store[LAST_SEEN] = now
    if requires_second_factor(user):
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return store.session_key
