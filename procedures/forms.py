"""Forms of the procedure catalogue: public search filters and catalogue import."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AdministrativeLevel, Agency, Sector

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ProcedureFilterForm(forms.Form):
    """The search box and filters of the public catalogue."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, code or keyword — accents optional"),
            }
        ),
    )
    sector = forms.ModelChoiceField(
        label=_("Field"),
        queryset=Sector.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All fields"),
    )
    agency = forms.ModelChoiceField(
        label=_("Deciding agency"),
        queryset=Agency.objects.filter(decided_procedures__isnull=False).distinct(),
        required=False,
        to_field_name="code",
        empty_label=_("All agencies"),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=[("", _("All levels")), *AdministrativeLevel.choices],
        required=False,
    )
    online = forms.BooleanField(label=_("Can be filed online"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("sector", "agency", "level"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["online"].widget.attrs["class"] = "form-check-input"


class CatalogueImportForm(forms.Form):
    """Upload of a catalogue JSON file (see docs/catalogue-format.md)."""

    file = forms.FileField(
        label=_("Catalogue file (JSON)"),
        help_text=_("A file exported from OneCenter; see the documented format."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        try:
            self.cleaned_data["data"] = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise forms.ValidationError(
                _("The file is not valid UTF-8 JSON: %(error)s") % {"error": exc}
            ) from exc
        return upload
