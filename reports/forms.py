"""The statistics page's filters: a period (month, quarter, year or custom) and
the scope inside the user's own (agency, field, procedure, channel, level)."""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dossiers.action_forms import BootstrapMixin
from dossiers.models import Channel
from procedures.models import AdministrativeLevel, Agency, Procedure, Sector

from .indicators import Period, Scope

KINDS = [
    ("month", _("Month")),
    ("quarter", _("Quarter")),
    ("year", _("Year")),
    ("custom", _("Custom period")),
]


class StatisticsFilterForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Period"), choices=KINDS)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=int,
        choices=[(m, f"{m:02d}") for m in range(1, 13)],
        required=False,
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        choices=[(q, f"Q{q}") for q in range(1, 5)],
        required=False,
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), required=False
    )
    sector = forms.ModelChoiceField(
        label=_("Field"), queryset=Sector.objects.all(), required=False
    )
    procedure = forms.ModelChoiceField(
        label=_("Procedure"), queryset=Procedure.objects.none(), required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", "—"), *Channel.choices], required=False
    )
    level = forms.ChoiceField(
        label=_("Administrative level"),
        choices=[("", "—"), *AdministrativeLevel.choices],
        required=False,
    )

    def __init__(self, data: Any, *, scope: Scope, today: date, **kwargs: Any):
        data = data.copy() if data is not None else {}
        defaults = {
            "kind": "month",
            "year": today.year,
            "month": today.month,
            "quarter": (today.month - 1) // 3 + 1,
        }
        for name, default in defaults.items():
            if not data.get(name):
                data[name] = str(default)
        super().__init__(data, **kwargs)
        self.base_scope = scope
        agencies = Agency.objects.order_by("code")
        procedures = Procedure.objects.order_by("name").only(
            "pk", "code", "name", "name_en"
        )
        if scope.agencies is not None:
            agencies = agencies.filter(pk__in=scope.agencies)
            in_scope = Q(deciding_agency_id__in=scope.agencies)
            if scope.desk_too:
                in_scope |= Q(receiving_agency_id__in=scope.agencies)
            procedures = procedures.filter(in_scope)
        self.fields["agency"].queryset = agencies
        self.fields["procedure"].queryset = procedures
        self.fields["procedure"].label_from_instance = str

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == "custom":
            start, end = data.get("date_from"), data.get("date_to")
            if not start or not end:
                raise forms.ValidationError(_("Give both dates of a custom period."))
            if end < start:
                raise forms.ValidationError(
                    _("The end date comes before the start date.")
                )
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        year = data["year"]
        if data["kind"] == "month":
            return Period.month(year, data.get("month") or 1)
        if data["kind"] == "quarter":
            return Period.quarter(year, data.get("quarter") or 1)
        if data["kind"] == "year":
            return Period.year(year)
        return Period(data["date_from"], data["date_to"])

    def scope(self) -> Scope:
        data = self.cleaned_data
        return self.base_scope.narrowed(
            agency=data["agency"].pk if data.get("agency") else None,
            sector=data["sector"].pk if data.get("sector") else None,
            procedure=data["procedure"].pk if data.get("procedure") else None,
            channel=data.get("channel") or "",
            level=data.get("level") or "",
        )

    def query(self, **changes: Any) -> str:
        """The filters as a query string, for sorting and download links."""
        values = {
            name: value
            for name in self.fields
            if (value := self.data.get(name)) not in (None, "")
        }
        values.update({k: v for k, v in changes.items() if v is not None})
        return urlencode(values)


ROW_CHOICES = [
    ("sector", _("By field, per administrative level")),
    ("agency", _("By deciding agency")),
]


class PeriodicReportForm(StatisticsFilterForm):
    """The statistics' period and scope, and how the report's rows are grouped."""

    rows = forms.ChoiceField(label=_("Rows"), choices=ROW_CHOICES, required=False)

    def row_kind(self) -> str:
        return self.cleaned_data.get("rows") or "sector"
