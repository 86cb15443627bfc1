"""Sign-up of applicants, their first password, and changes of e-mail address.

Sign-up asks for a name and an address only. The worker opens a pending account
(inactive, no password) and e-mails its link (accounts/emails.py); whoever follows
the link owns the address and chooses the password there. So nobody can set the
password of an address they cannot read, and a second sign-up for a pending
address changes nothing: it only sends the link again.

Sign-up, a new link and a password reset answer the same whatever the address:
the request counts the attempt (accounts/throttle.py) and enqueues the e-mail, and
the worker decides what to send. Beyond the limits nothing is enqueued, and the
answer is still the same.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import tasks, throttle, tokens
from .emails import is_pending
from .models import User


def _normalised(email: str) -> str:
    return User.objects.normalize_email(email).strip()


def account_sign_up(
    *,
    email: str,
    full_name: str,
    language: str,
    client_address: str,
    next_url: str = "",
) -> None:
    """Ask for a new account; its link (or an "already registered" note) is
    e-mailed unless the address or the client asked too often."""
    email = _normalised(email)
    if throttle.account_mail_allowed(client_address, email):
        tasks.sign_up_requested.delay_on_commit(
            email=email, full_name=full_name, language=language, next_url=next_url
        )


def account_resend_verification(
    *, email: str, language: str, client_address: str
) -> None:
    """Send a pending account's link again, within the same limits."""
    email = _normalised(email)
    if throttle.account_mail_allowed(client_address, email):
        tasks.verification_requested.delay_on_commit(email=email, language=language)


def account_request_password_reset(*, email: str, client_address: str) -> None:
    """Send a password reset link to the accounts with this address, within the
    same limits."""
    email = _normalised(email)
    if throttle.account_mail_allowed(client_address, email):
        tasks.password_reset_requested.delay_on_commit(email=email)


def _link_failure(code: str) -> ValidationError:
    return ValidationError(
        _(
            "This link has already been used or is no longer valid. Log in, or "
            "ask for a new link below."
        ),
        code=code,
    )


def verification_account(*, token: str, for_update: bool = False) -> User:
    """The pending account the sign-up link was issued for, or a ValidationError
    saying why the link opens nothing."""
    data = tokens.read(token, tokens.VERIFY_SALT)
    queryset = User.objects.select_for_update() if for_update else User.objects
    user = queryset.filter(pk=data.get("u")).first()
    if not tokens.matches(data, user, tokens.VERIFY_SALT) or not is_pending(user):
        raise _link_failure("used")
    return user


@transaction.atomic
def account_activate(*, token: str, full_name: str, password: str) -> User:
    """Open the account the link was issued for, with the name and the password
    chosen on the link's page; the link stops working."""
    user = verification_account(token=token, for_update=True)
    user.full_name = full_name.strip()
    user.set_password(password)
    user.is_active = True
    user.email_verified_at = timezone.now()
    user.save(update_fields=["full_name", "password", "is_active", "email_verified_at"])
    return user


def account_request_email_change(
    *, user: User, new_email: str, client_address: str
) -> None:
    """E-mail a link to the new address; the account keeps its address until the
    link is followed. The caller has checked the current password."""
    new_email = _normalised(new_email)
    if throttle.account_mail_allowed(client_address, new_email):
        tasks.email_change_requested.delay_on_commit(
            user_id=user.pk, new_email=new_email
        )


def email_change_target(*, user: User, token: str) -> str:
    """The new address the link confirms for ``user``, or a ValidationError."""
    data = tokens.read(token, tokens.CHANGE_EMAIL_SALT)
    if data.get("u") != user.pk or not tokens.matches(
        data, user, tokens.CHANGE_EMAIL_SALT
    ):
        raise ValidationError(
            _(
                "This link has already been used, was sent for another account or "
                "is no longer valid. Ask for a new one from your account page."
            ),
            code="used",
        )
    return str(data["e"])


@transaction.atomic
def account_change_email(*, user: User, token: str) -> User:
    """Move the account to the address the link was sent to, and tell the old
    address. An account that logs in with its address logs in with the new one."""
    user = User.objects.select_for_update().get(pk=user.pk)
    new_email = email_change_target(user=user, token=token)
    taken = (
        User.objects.exclude(pk=user.pk)
        .filter(Q(email__iexact=new_email) | Q(username__iexact=new_email))
        .exists()
    )
    if taken:
        raise ValidationError(
            _("Another account uses this address. Nothing was changed."),
            code="taken",
        )
    old_email = user.email
    fields = ["email", "email_verified_at"]
    if old_email and user.username.lower() == old_email.lower():
        user.username = new_email.lower()
        fields.append("username")
    user.email = new_email
    user.email_verified_at = timezone.now()
    user.save(update_fields=fields)
    if old_email:
        tasks.email_changed_notice.delay_on_commit(user_id=user.pk, old_email=old_email)
    return user
