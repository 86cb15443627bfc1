"""Account events recorded from the signals Django and django-axes send: login,
logout, failed login, lockout, and any new password however it was set."""

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import post_save, pre_save
from django.http import HttpRequest

from .middleware import current_request
from .models import Action
from .services import record


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="audit_login")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit_login_failed")
    pre_save.connect(
        on_user_saving, sender=settings.AUTH_USER_MODEL, dispatch_uid="audit_password"
    )
    post_save.connect(
        on_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="audit_password"
    )
    # django-axes sends the lockout; its signals module needs its models installed.
    if apps.is_installed("axes"):
        from axes.signals import user_locked_out

        user_locked_out.connect(on_locked_out, dispatch_uid="audit_lockout")


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **_: Any) -> None:
    record(request, Action.LOGIN, actor=user, obj=user)


def on_logged_out(
    sender: Any, request: HttpRequest | None, user: Any, **_: Any
) -> None:
    if user is not None and user.is_authenticated:
        record(request, Action.LOGOUT, actor=user, obj=user)


def on_login_failed(
    sender: Any,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **_: Any,
) -> None:
    # Only the name typed: Django masks the password, and it must never be stored.
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or "")
    _record_attempt(request, Action.LOGIN_FAILED, username)


def on_locked_out(
    sender: Any, request: HttpRequest | None = None, username: str = "", **_: Any
) -> None:
    _record_attempt(request, Action.LOCKOUT, str(username or ""))


def _record_attempt(request: HttpRequest | None, action: str, username: str) -> None:
    """An attempt on an account by someone not logged in: the account it named, if
    it exists, is the object, so its agency's manager sees the attempt."""
    target = _account(username)
    record(
        request,
        action,
        actor=None,
        actor_label=username,
        obj=target,
        details={"username": username[:150]},
    )


def _account(username: str) -> Any:
    if not username:
        return None
    model = get_user_model()
    return model._default_manager.filter(
        **{f"{model.USERNAME_FIELD}__iexact": username}
    ).first()


def on_user_saving(
    sender: Any, instance: Any, update_fields: Any = None, **_: Any
) -> None:
    """Notes a new password, whoever sets it (the account's owner, a reset link,
    the admin site, a command), for ``on_user_saved`` to record once it is saved.

    ``_password`` holds the new raw password until the save; Django clears it
    before re-hashing an unchanged password at login, so a hasher upgrade is not a
    change."""
    instance._audit_new_password = False
    if instance.pk is None or getattr(instance, "_password", None) is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    previous = (
        sender._default_manager.filter(pk=instance.pk)
        .values_list("password", flat=True)
        .first()
    )
    # No previous password (an account being set up) is a first password.
    instance._audit_new_password = bool(previous) and previous != instance.password


def on_user_saved(sender: Any, instance: Any, **_: Any) -> None:
    if not getattr(instance, "_audit_new_password", False):
        return
    instance._audit_new_password = False
    request = current_request()
    user = getattr(request, "user", None)
    if request is None:
        # A command or the shell: nobody to name.
        record(
            None, Action.PASSWORD_CHANGED, obj=instance, details={"no_request": True}
        )
    elif user is None or not user.is_authenticated:
        # Only a reset link sets a password for someone not logged in.
        record(request, Action.PASSWORD_RESET, actor=instance, obj=instance)
    else:
        details = {} if user.pk == instance.pk else {"by_other": True}
        record(
            request, Action.PASSWORD_CHANGED, actor=user, obj=instance, details=details
        )
