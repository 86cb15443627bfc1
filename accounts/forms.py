"""Forms for the user's own account."""

import re

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from . import throttle
from .models import User


class ProfileForm(forms.ModelForm):
    """The personal details that prefill a citizen's filings. The e-mail address is
    changed apart, with the password and a link (EmailChangeForm)."""

    class Meta:
        model = User
        fields = [
            "full_name",
            "id_number",
            "date_of_birth",
            "phone",
            "address",
            "preferred_language",
        ]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        if value and not re.fullmatch(r"\d{12}", value):
            raise forms.ValidationError(
                _("An identity card (CCCD) number has exactly 12 digits.")
            )
        return value

    def clean_phone(self) -> str:
        value = re.sub(r"[\s.\-]", "", self.cleaned_data["phone"])
        if value and not re.fullmatch(r"(\+84|0)\d{9,10}", value):
            raise forms.ValidationError(
                _("Enter a Vietnamese phone number, e.g. 0912345678.")
            )
        return value


class SignupForm(forms.Form):
    """A new applicant: a name and the e-mail address to confirm. The password is
    chosen on the page the e-mailed link opens, by whoever can read that mail."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=150,
        help_text=_(
            "You log in with this address. We send a link to it; there you choose "
            "your password."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class NewPasswordFields(forms.Form):
    """Two password fields checked by the site's rules (AUTH_PASSWORD_VALIDATORS)
    against ``self.account``."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        # Lazy: the rules are listed in the language of each request.
        help_text=lazy(password_validation.password_validators_help_text_html, str)(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    account: User

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            candidate = User(
                username=self.account.username,
                email=self.account.email,
                full_name=data.get("full_name", self.account.full_name),
            )
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class AccountPasswordForm(NewPasswordFields):
    """The page of the sign-up link: the name to keep, and the password."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["full_name", "password1", "password2"]

    def __init__(self, account: User, *args, **kwargs) -> None:
        self.account = account
        kwargs.setdefault("initial", {"full_name": account.full_name})
        super().__init__(*args, **kwargs)


class EmailChangeForm(forms.Form):
    """A new address for the account, confirmed with the current password."""

    email = forms.EmailField(
        label=_("New e-mail address"),
        max_length=150,
        help_text=_(
            "We send a link to this address. Your address changes when you open it."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    current_password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email.lower() == (self.user.email or "").lower():
            raise forms.ValidationError(_("This is already your address."))
        return email

    def clean_current_password(self) -> str:
        password = self.cleaned_data["current_password"]
        key = str(self.user.pk)
        limit = settings.ACCOUNT_PASSWORD_CHECKS_PER_HOUR
        # Guesses at the password of a session left open are capped like logins.
        if throttle.seen("password-check", key) >= limit:
            raise forms.ValidationError(
                _("Too many wrong passwords. Try again in an hour.")
            )
        if not self.user.check_password(password):
            throttle.hit("password-check", key, limit=limit)
            raise forms.ValidationError(_("The password is not correct."))
        return password


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
