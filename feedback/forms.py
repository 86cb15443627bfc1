"""Forms of the satisfaction survey: four criteria, 1 to 5, and a comment."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CRITERIA

SCORES = [
    (1, _("very dissatisfied")),
    (2, _("dissatisfied")),
    (3, _("acceptable")),
    (4, _("satisfied")),
    (5, _("very satisfied")),
]

QUESTIONS = {
    "guidance": _("Was the guidance on papers and steps clear?"),
    "courtesy": _("Were the staff courteous and helpful?"),
    "timeliness": _("Did you receive the result on time?"),
    "fees": _("Were the fees as published, with nothing extra asked?"),
}


class RatingForm(forms.Form):
    guidance = forms.TypedChoiceField(
        label=QUESTIONS["guidance"],
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    courtesy = forms.TypedChoiceField(
        label=QUESTIONS["courtesy"],
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    timeliness = forms.TypedChoiceField(
        label=QUESTIONS["timeliness"],
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    fees = forms.TypedChoiceField(
        label=QUESTIONS["fees"], choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def scores(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in CRITERIA}

    def criteria(self) -> list[forms.BoundField]:
        return [self[name] for name in CRITERIA]


class PublicRatingForm(RatingForm):
    """The survey for counter applicants, who identify the dossier by code and PIN."""

    code = forms.CharField(label=_("Dossier code"), max_length=64)
    pin = forms.CharField(label=_("Lookup PIN"), max_length=8)

    field_order = ["code", "pin", *CRITERIA, "comment"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["autocomplete"] = "off"
        self.fields["pin"].widget.attrs.update(
            {"autocomplete": "off", "inputmode": "numeric"}
        )
