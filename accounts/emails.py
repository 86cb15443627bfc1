"""The account e-mails, decided and sent by the worker (accounts/tasks.py): sign-up
links, "already registered" notes, password reset links, address changes.

The request only counts and enqueues, whatever the address; whether an account uses
it is looked up here, so neither the answer nor its timing tells. No mail carries
text typed by the person who asked for it: greetings are fixed, and the sign-up
name is never printed.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import tokens
from .models import Role, User


def _link(path: str) -> str:
    # Links come from SITE_URL, never from the request's Host header.
    return settings.SITE_URL.rstrip("/") + path


def _send(to: str, template: str, language: str, context: dict[str, object]) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"CENTRE_NAME": settings.CENTRE_NAME, **context}
        subject = render_to_string(f"registration/{template}_subject.txt", context)
        body = render_to_string(f"registration/{template}_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [to])


def is_pending(user: User) -> bool:
    """An applicant who signed up and has not yet followed the e-mailed link."""
    return (
        user.role == Role.APPLICANT
        and not user.is_active
        and user.email_verified_at is None
    )


def _account_using(email: str) -> User | None:
    return (
        User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        .order_by("pk")
        .first()
    )


def _send_verification(user: User, language: str, next_url: str = "") -> None:
    path = reverse("accounts:verify", args=[tokens.verification_token(user)])
    if next_url:
        path += "?" + urlencode({"next": next_url})
    _send(
        user.email,
        "verification",
        language,
        {
            "link": _link(path),
            "days": settings.ACCOUNT_VERIFICATION_MAX_AGE // 86_400,
        },
    )


def sign_up_requested(
    *, email: str, full_name: str, language: str, next_url: str = ""
) -> str:
    """Open a pending account for a new address and send it the link; for an
    address with an account, change nothing.

    A pending account keeps the name of its first sign-up and has no password: the
    owner of the address chooses one on the page the link opens. So a second
    sign-up (anyone's) only sends the link again, and what it typed is dropped.
    Returns what was sent: "link" or "already_registered".
    """
    user = _account_using(email)
    if user is None:
        user = User(
            username=email.lower(),
            email=email,
            full_name=full_name.strip(),
            preferred_language=language,
            role=Role.APPLICANT,
            is_active=False,
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # A sign-up for the same address, a moment earlier, in another worker.
            user = _account_using(email)
            if user is None:
                raise
    if is_pending(user):
        _send_verification(user, language, next_url)
        return "link"
    _send(
        user.email,
        "already_registered",
        user.preferred_language,
        {
            "login_link": _link(reverse("accounts:login")),
            "reset_link": _link(reverse("accounts:password_reset")),
        },
    )
    return "already_registered"


def verification_requested(*, email: str, language: str) -> bool:
    """Send a pending account's link again; any other address gets nothing."""
    user = _account_using(email)
    if user is None or not is_pending(user):
        return False
    _send_verification(user, language)
    return True


def password_reset_requested(*, email: str) -> int:
    """Send a reset link to each active account with this address (Django's rule:
    active, with a password); returns how many were sent."""
    sent = 0
    for user in PasswordResetForm().get_users(email):
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        _send(
            user.email, "password_reset", user.preferred_language, {"link": _link(path)}
        )
        sent += 1
    return sent


def email_change_requested(*, user_id: int, new_email: str) -> str:
    """Send the link that confirms ``new_email`` for the account; if another
    account uses that address, tell its owner instead and send no link.
    Returns "link" or "in_use"."""
    user = User.objects.get(pk=user_id)
    other = _account_using(new_email)
    if other is not None and other.pk != user.pk:
        _send(new_email, "email_in_use", other.preferred_language, {})
        return "in_use"
    path = reverse(
        "accounts:email_change_confirm",
        args=[tokens.email_change_token(user, new_email)],
    )
    _send(
        new_email,
        "email_change",
        user.preferred_language,
        {
            "link": _link(path),
            "days": settings.ACCOUNT_VERIFICATION_MAX_AGE // 86_400,
        },
    )
    return "link"


def email_changed_notice(*, user_id: int, old_email: str) -> None:
    """Tell the old address that the account now uses another one."""
    user = User.objects.get(pk=user_id)
    _send(
        old_email,
        "email_changed",
        user.preferred_language,
        {"new_email": user.email, "login_link": _link(reverse("accounts:login"))},
    )
