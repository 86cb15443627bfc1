"""Forms of the second factor and of lifting a login lockout."""

from django import forms
from django.utils.translation import gettext_lazy as _


class AppCodeForm(forms.Form):
    """The 6-digit code an authenticator app shows."""

    code = forms.RegexField(
        label=_("6-digit code from the app"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=8,
        error_messages={"invalid": _("Enter the 6 digits the app shows.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"\d{3}\s?\d{3}",
                "spellcheck": "false",
            }
        ),
    )


class RecoveryCodeForm(forms.Form):
    """One of the ten recovery codes, each good once."""

    recovery_code = forms.CharField(
        label=_("Recovery code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )


class LockoutLiftForm(forms.Form):
    kind = forms.ChoiceField(choices=[("account", "account"), ("address", "address")])
    value = forms.CharField(max_length=255)
