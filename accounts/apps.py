"""App configuration for accounts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        # Drops the cached copies of a user or device when it changes.
        from . import auth_cache  # noqa: F401
        from .lockout import reset_account_failures
        from .mfa import remember_second_factor
        from .session_expiry import start_session_clock

        # At every login (the form, the admin's, the test client's): clear the
        # account's failed attempts, note whether a second factor is owed, and
        # start the session's clock (accounts/session_expiry.py).
        user_logged_in.connect(
            reset_account_failures, dispatch_uid="accounts.reset_account_failures"
        )
        user_logged_in.connect(
            remember_second_factor, dispatch_uid="accounts.remember_second_factor"
        )
        user_logged_in.connect(
            start_session_clock, dispatch_uid="accounts.start_session_clock"
        )
