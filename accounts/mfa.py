"""The second factor (django-otp): who needs it, enrolling an authenticator app,
checking its codes, and the one-time recovery codes.

Every staff role, the catalogue administrator and any ``is_staff`` or superuser
account must pass it before any staff or admin page; citizens may turn it on from
their profile. A TOTP app (RFC 6238, 6 digits every 30 s) is the factor; ten
recovery codes, each good once, stand in for a lost phone. The recovery codes are
kept as keyed hashes (HMAC with ``SECRET_KEY``), never in clear, so a copy of the
database alone does not reveal them.
"""

import binascii
import re
from base64 import b32decode, b32encode

import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import STAFF_ROLES, Role, User

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
# Set in the session at login for a user who has a second factor, so the
# middleware knows without a query on every request (staff need no flag: their
# role says it).
SESSION_FLAG = "accounts_second_factor"
_RECOVERY_SALT = "accounts.mfa.recovery-code"


def requires_second_factor(user: User) -> bool:
    """Staff, the catalogue administrator and anyone with admin rights must use it."""
    return bool(
        user.is_authenticated
        and (
            user.role in STAFF_ROLES
            or user.role == Role.ADMINISTRATOR
            or user.is_staff
            or user.is_superuser
        )
    )


def has_second_factor(user: User) -> bool:
    """Whether the user has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_expected(request: HttpRequest) -> bool:
    """Whether this session must pass the second factor before going further."""
    user = request.user
    return user.is_authenticated and (
        requires_second_factor(user) or bool(request.session.get(SESSION_FLAG))
    )


def remember_second_factor(
    sender: object, request: HttpRequest, user: User, **kwargs: object
) -> None:
    """At login (``user_logged_in``): note in the session whether the user has a
    second factor."""
    if request is None or not hasattr(request, "session"):
        return
    if has_second_factor(user):
        request.session[SESSION_FLAG] = True
    else:
        request.session.pop(SESSION_FLAG, None)


def pending_app(user: User) -> TOTPDevice:
    """The authenticator app being set up: the same secret until it is confirmed,
    so reloading the page does not invalidate a QR code already scanned."""
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    )
    return device or TOTPDevice.objects.create(
        user=user, name=APP_DEVICE_NAME, confirmed=False
    )


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def hex_key_from_base32(secret: str) -> str:
    """A TOTP device key (hex) from a base32 secret such as an app displays."""
    cleaned = re.sub(r"[\s-]", "", secret).upper()
    cleaned += "=" * (-len(cleaned) % 8)
    try:
        return binascii.hexlify(b32decode(cleaned)).decode()
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not a base32 secret") from exc


def qr_svg(device: TOTPDevice) -> SafeString:
    """An inline SVG QR code of the ``otpauth://`` link an authenticator app scans."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=4, title=_("QR code to scan with an authenticator app")
    )
    # Safe: segno generates the markup from our own URL.
    return mark_safe(svg)


def next_code(device: TOTPDevice) -> str:
    """The code the app shows now or, if that one was used already, the next one
    (accepted a step early): for the demo command and for tests."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.time = totp.time + (device.last_t + 1 - totp.t()) * device.step
    return f"{totp.token():0{device.digits}d}"


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _recovery_digest(code: str) -> str:
    # 16 characters: the length django-otp's StaticToken holds.
    return salted_hmac(_RECOVERY_SALT, _normalise(code)).hexdigest()[:16]


def _is_app_code(code: str) -> bool:
    return bool(re.fullmatch(r"\d{6}", code))


@transaction.atomic
def second_factor_enrol(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the app ``device`` with a code it shows; returns new recovery codes,
    or an empty list if the code is wrong. Earlier apps of the user are removed."""
    device = TOTPDevice.objects.select_for_update().get(
        pk=device.pk, user=user, confirmed=False
    )
    code = _normalise(code)
    if not (_is_app_code(code) and device.verify_token(code)):
        return []
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_issue(user=user)


@transaction.atomic
def recovery_codes_issue(*, user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones, returned in clear once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=_recovery_digest(code)) for code in codes
    )
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _model_and_token(code: str) -> tuple[type[Device], str]:
    code = _normalise(code)
    if _is_app_code(code):
        return TOTPDevice, code
    return StaticDevice, _recovery_digest(code)


def second_factor_check(*, user: User, code: str) -> Device | None:
    """The device that accepts ``code`` (an app's 6 digits or a recovery code, which
    is then used up), or None. Each device slows down after wrong codes (1, 2, 4…
    seconds) and refuses any code while it waits."""
    model, token = _model_and_token(code)
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, model) and device.verify_token(token):
                return device
    return None


def is_throttled(user: User, code: str) -> bool:
    """Whether the devices that could take ``code`` are all waiting after wrong
    codes (a code given now would be refused whatever it is)."""
    model, _token = _model_and_token(code)
    devices = [
        d for d in devices_for_user(user, confirmed=True) if isinstance(d, model)
    ]
    return bool(devices) and not any(d.verify_is_allowed()[0] for d in devices)


def session_verify(request: HttpRequest, device: Device) -> None:
    """Mark the session as having passed the second factor with ``device``."""
    # A new session key, as at any change of the authentication level.
    request.session.cycle_key()
    otp_login(request, device)
    request.session[SESSION_FLAG] = True


@transaction.atomic
def second_factor_disable(*, user: User, code: str) -> bool:
    """Turn the second factor off (citizens only) once a valid code confirms it."""
    if (
        requires_second_factor(user)
        or second_factor_check(user=user, code=code) is None
    ):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return True


def session_forget(request: HttpRequest) -> None:
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session.pop(SESSION_FLAG, None)


def demo_app_device(user: User, secret: str) -> TOTPDevice:
    """Give ``user`` a confirmed app with the published demo ``secret`` (seed_demo)."""
    key = hex_key_from_base32(secret)
    device = TOTPDevice.objects.filter(user=user, key=key, confirmed=True).first()
    if device is None:
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name=APP_DEVICE_NAME, key=key, confirmed=True
        )
    return device
