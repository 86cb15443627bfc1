"""Forms of the citizen portal: the applicant's details and one upload per paper."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import ApplicantDetails, Dossier
from .uploads import EXTENSIONS, accepted_label, check_upload, verifiable


def clean_id_number(value: str) -> str:
    """A citizen identity card (CCCD) number: exactly 12 digits."""
    value = value.strip()
    if not re.fullmatch(r"\d{12}", value):
        raise ValidationError(
            _("An identity card (CCCD) number has exactly 12 digits.")
        )
    return value


class ApplicantDetailsForm(forms.Form):
    """Who files: prefilled from the profile, editable, saved on the dossier."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("ID number (CCCD)"),
        max_length=20,
        help_text=_("12 digits, as on your citizen identity card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        help_text=_("The desk calls this number if a paper needs correcting."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Every change of status is e-mailed here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    @staticmethod
    def initial_for(source: User | Dossier) -> dict[str, str]:
        if isinstance(source, Dossier):
            return {
                "name": source.applicant_name,
                "id_number": source.applicant_id_number,
                "phone": source.applicant_phone,
                "email": source.applicant_email,
                "address": source.applicant_address,
            }
        details = ApplicantDetails.of(source)
        return {
            "name": details.name if source.full_name else "",
            "id_number": details.id_number,
            "phone": details.phone,
            "email": details.email,
            "address": details.address,
        }

    def clean_id_number(self) -> str:
        return clean_id_number(self.cleaned_data["id_number"])

    def clean_phone(self) -> str:
        value = re.sub(r"[\s.\-]", "", self.cleaned_data["phone"])
        if not re.fullmatch(r"(\+84|0)\d{9,10}", value):
            raise ValidationError(
                _("Enter a Vietnamese phone number, e.g. 0912345678.")
            )
        return value

    def details(self, language: str) -> ApplicantDetails:
        data = self.cleaned_data
        return ApplicantDetails(
            name=data["name"].strip(),
            id_number=data["id_number"],
            phone=data["phone"],
            email=data["email"],
            address=data["address"].strip(),
            language=language,
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PaperFileField(forms.FileField):
    """One or several scans of one paper; always cleans to a list."""

    def __init__(self, *args: Any, multiple: bool = False, **kwargs: Any) -> None:
        if multiple:
            kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else [data]
        return [
            super(PaperFileField, self).clean(item, initial) for item in items if item
        ]


class PaperUploadsForm(forms.Form):
    """A file input per paper of the dossier, each checked from its content.

    A paper whose file is refused keeps its error; the others stay valid, so the
    view can store what passed and nothing already attached is lost.
    """

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        papers: list[dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, files, **kwargs)
        self.papers = {paper["index"]: paper for paper in papers}
        for paper in papers:
            # Only types the upload check can verify are offered in the picker.
            accepted = verifiable(paper.get("accepted_types") or ["pdf"])
            accept = sorted(
                {f".{ext}" for ext in accepted}
                | {
                    f".{ext}"
                    for ext, family in EXTENSIONS.items()
                    if family in {EXTENSIONS.get(a) for a in accepted}
                }
            )
            field = PaperFileField(
                label=paper["name"],
                required=False,
                multiple=bool(paper.get("multiple_files")),
                help_text=accepted_label(accepted),
            )
            field.widget.attrs.update(
                {"accept": ",".join(accept), "class": "form-control"}
            )
            field.paper = paper
            self.fields[self.field_name(paper["index"])] = field

    @staticmethod
    def field_name(index: int) -> str:
        return f"paper-{index}"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, field in self.fields.items():
            accepted = field.paper.get("accepted_types") or ["pdf"]
            for upload in data.get(name) or []:
                try:
                    check_upload(upload, accepted)
                except ValidationError as error:
                    self.add_error(name, error)
        return data

    def valid_uploads(self) -> list[tuple[int, UploadedFile]]:
        """Every (paper index, file) that passed, even when another paper failed."""
        if not hasattr(self, "cleaned_data"):
            return []
        return [
            (field.paper["index"], upload)
            for name, field in self.fields.items()
            if name not in self.errors
            for upload in self.cleaned_data.get(name) or []
        ]

    def add_missing(self, missing: list[dict[str, Any]]) -> None:
        """Mark mandatory papers without a file, for the error summary."""
        for paper in missing:
            name = self.field_name(paper["index"])
            if name in self.fields:
                self.add_error(
                    name, _("This paper is mandatory: attach it before submitting.")
                )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Message to the centre (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
