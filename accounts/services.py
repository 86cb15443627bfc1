"""Sign-up of applicants and the verification of their e-mail address.

A new account stays inactive until its owner follows the link e-mailed to them. The
link is a signed, timestamped token bound to the account's e-mail, password hash and
state, so it stops working once used, when the password changes, or after
``ACCOUNT_VERIFICATION_MAX_AGE``. Sign-up answers the same whether or not the address
is known, so the form does not reveal who has an account: the owner of a known
address gets an e-mail saying so instead.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from .models import Role, User

SALT = "accounts.verify-email"


def _fingerprint(user: User) -> str:
    state = f"{user.pk}|{user.email}|{user.password}|{user.is_active}"
    return salted_hmac(SALT, state).hexdigest()[:24]


def verification_token(user: User) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"u": user.pk, "f": _fingerprint(user)}
    )


def _send(user: User, template: str, context: dict[str, object]) -> None:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {"user": user, "CENTRE_NAME": settings.CENTRE_NAME, **context}
        subject = render_to_string(f"registration/{template}_subject.txt", context)
        body = render_to_string(f"registration/{template}_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


def send_verification(
    user: User, build_url: Callable[[str], str], next_url: str = ""
) -> None:
    path = reverse("accounts:verify", args=[verification_token(user)])
    if next_url:
        path += "?" + urlencode({"next": next_url})
    _send(
        user,
        "verification",
        {
            "link": build_url(path),
            "days": settings.ACCOUNT_VERIFICATION_MAX_AGE // 86_400,
        },
    )


def account_sign_up(
    *,
    full_name: str,
    email: str,
    password: str,
    language: str,
    build_url: Callable[[str], str],
    next_url: str = "",
) -> None:
    """Register an applicant, inactive until they follow the link e-mailed to them.

    For an address already registered and confirmed, its owner is told instead and
    nothing changes. For one registered but never confirmed, the latest sign-up's
    name and password replace the earlier ones (only the address's owner can confirm
    them, and the earlier link stops working).
    """
    email = User.objects.normalize_email(email).strip()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is not None and (user.is_active or user.email_verified_at):
            known = user
        else:
            known = None
            user = user or User(username=email.lower(), role=Role.APPLICANT)
            user.email = email
            user.full_name = full_name.strip()
            user.preferred_language = language
            user.is_active = False
            user.set_password(password)
            user.save()
    if known is not None:
        _send(
            known,
            "already_registered",
            {
                "login_link": build_url(reverse("accounts:login")),
                "reset_link": build_url(reverse("accounts:password_reset")),
            },
        )
        return
    send_verification(user, build_url, next_url)


def account_resend_verification(*, email: str, build_url: Callable[[str], str]) -> None:
    """Send a fresh link to an address that signed up and never confirmed."""
    user = (
        User.objects.filter(
            email__iexact=email.strip(),
            is_active=False,
            email_verified_at__isnull=True,
            role=Role.APPLICANT,
        )
        .order_by("pk")
        .first()
    )
    if user is not None:
        send_verification(user, build_url)


@transaction.atomic
def account_verify_email(*, token: str) -> User:
    """Activate the account the token was issued for, or say why not."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(
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
    user = (
        User.objects.select_for_update()
        .filter(pk=data.get("u"), role=Role.APPLICANT, email_verified_at__isnull=True)
        .first()
    )
    if user is None or not constant_time_compare(data.get("f", ""), _fingerprint(user)):
        raise ValidationError(
            _(
                "This link has already been used or is no longer valid. Log in, or "
                "ask for a new link below."
            ),
            code="used",
        )
    user.is_active = True
    user.email_verified_at = timezone.now()
    user.save(update_fields=["is_active", "email_verified_at"])
    return user
