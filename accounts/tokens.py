"""The signed links e-mailed for accounts: confirming a new account's address and
confirming a new address for an account.

Each link is a signed, timestamped token bound to a fingerprint of the account's
address, password hash and state, so it stops working once used (the state
changes), when the password changes, or after ``ACCOUNT_VERIFICATION_MAX_AGE``.
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from .models import User

VERIFY_SALT = "accounts.verify-email"
CHANGE_EMAIL_SALT = "accounts.change-email"


def _fingerprint(user: User, salt: str) -> str:
    state = f"{user.pk}|{user.email}|{user.password}|{user.is_active}"
    return salted_hmac(salt, state).hexdigest()[:24]


def verification_token(user: User) -> str:
    return signing.TimestampSigner(salt=VERIFY_SALT).sign_object(
        {"u": user.pk, "f": _fingerprint(user, VERIFY_SALT)}
    )


def email_change_token(user: User, new_email: str) -> str:
    return signing.TimestampSigner(salt=CHANGE_EMAIL_SALT).sign_object(
        {"u": user.pk, "e": new_email, "f": _fingerprint(user, CHANGE_EMAIL_SALT)}
    )


def read(token: str, salt: str) -> dict:
    """The token's content, or a ValidationError saying why the link is no good."""
    try:
        data = signing.TimestampSigner(salt=salt).unsign_object(
            token, max_age=settings.ACCOUNT_VERIFICATION_MAX_AGE
        )
    except signing.SignatureExpired as exc:
        raise ValidationError(
            _("This link has expired. Ask for a new one below."), code="expired"
        ) from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise ValidationError(
            _("This link is not valid. Ask for a new one below."), code="invalid"
        ) from exc
    if not isinstance(data, dict):
        raise ValidationError(
            _("This link is not valid. Ask for a new one below."), code="invalid"
        )
    return data


def matches(data: dict, user: User | None, salt: str) -> bool:
    """Whether the token was issued for this account in its present state."""
    return user is not None and constant_time_compare(
        str(data.get("f", "")), _fingerprint(user, salt)
    )
