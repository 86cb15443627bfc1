"""Forms for the user's own account."""

import re

from django import forms
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
