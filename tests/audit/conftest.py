"""Logging staff in past the second factor, and writing events at chosen times."""

import pytest
from django.apps import apps


def staff_login(client, user):
    """Log ``user`` in with the second factor passed, as after the code page."""
    client.force_login(user)
    if apps.is_installed("django_otp.plugins.otp_totp"):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def as_staff(client):
    """A function logging the client in as a staff user, second factor passed."""
    return lambda user: staff_login(client, user)
