"""Forms for the user's own account."""

import re

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import User


class ProfileForm(forms.ModelForm):
    """The personal details that prefill a citizen's filings."""

    class Meta:
        model = User
        fields = [
            "full_name",
            "id_number",
            "date_of_birth",
            "phone",
            "email",
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
    """A new applicant: name, e-mail to confirm, and a password by the site's rules."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=150,
        help_text=_("You log in with this address. We send a link to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            email = data.get("email", "")
            candidate = User(
                username=email, email=email, full_name=data.get("full_name", "")
            )
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
