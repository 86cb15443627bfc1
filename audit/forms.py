"""The audit trail's filter: a period, an action, an actor, a dossier code."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .models import Action

# A period left out is the last month: the trail is long, a page is the recent end.
DEFAULT_DAYS = 30


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All actions")), *Action.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    actor = forms.CharField(
        label=_("User name"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    dossier_code = forms.CharField(
        label=_("Dossier code"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, data: Any, *, today: date, **kwargs: Any) -> None:
        data = data.copy() if data is not None else {}
        defaults = {"date_from": today - timedelta(days=DEFAULT_DAYS), "date_to": today}
        for name, default in defaults.items():
            if not data.get(name):
                data[name] = default.isoformat()
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(_("The end date comes before the start date."))
        return data

    def filters(self) -> dict[str, Any]:
        """Keyword arguments of ``selectors.filter_events``: whole days in the
        office's time zone."""
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        return {
            "start": datetime.combine(data["date_from"], time.min, tzinfo=zone),
            "end": datetime.combine(
                data["date_to"] + timedelta(days=1), time.min, tzinfo=zone
            ),
            "action": data["action"],
            "actor": data["actor"].strip(),
            "dossier_code": data["dossier_code"].strip(),
        }

    def query(self) -> str:
        """The filters as a query string, for the page and download links."""
        return urlencode(
            {
                name: value.isoformat() if isinstance(value, date) else value
                for name, value in self.cleaned_data.items()
                if value
            }
        )
