"""Forms of the satisfaction survey: each criterion asked, 1 to 5, and a comment."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Criterion, active_criteria

SCORES = [
    (1, _("very dissatisfied")),
    (2, _("dissatisfied")),
    (3, _("acceptable")),
    (4, _("satisfied")),
    (5, _("very satisfied")),
]


class RatingForm(forms.Form):
    """One 1-to-5 choice per criterion asked now (``criteria``, default: the
    active ones, read once), then an optional comment."""

    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, criteria: list[Criterion] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria_asked = criteria if criteria is not None else active_criteria()
        comment = self.fields.pop("comment")
        for criterion in self.criteria_asked:
            self.fields[criterion.code] = forms.TypedChoiceField(
                label=criterion.asked,
                choices=SCORES,
                coerce=int,
                widget=forms.RadioSelect,
            )
        self.fields["comment"] = comment

    def scores(self) -> dict[str, int]:
        return {c.code: self.cleaned_data[c.code] for c in self.criteria_asked}

    def criteria(self) -> list[forms.BoundField]:
        return [self[c.code] for c in self.criteria_asked]


class PublicRatingForm(RatingForm):
    """The survey for counter applicants, who identify the dossier by code and PIN."""

    code = forms.CharField(label=_("Dossier code"), max_length=64)
    pin = forms.CharField(label=_("Lookup PIN"), max_length=8)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["code", "pin"])
        self.fields["code"].widget.attrs["autocomplete"] = "off"
        self.fields["pin"].widget.attrs.update(
            {"autocomplete": "off", "inputmode": "numeric"}
        )


class ComplaintForm(forms.Form):
    """A complaint or recommendation about the handling of a dossier."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    text = forms.CharField(
        label=_("What happened, and what do you recommend?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class PublicComplaintForm(ComplaintForm):
    """The complaint form for applicants without an account: code and PIN first."""

    code = forms.CharField(label=_("Dossier code"), max_length=64)
    pin = forms.CharField(label=_("Lookup PIN"), max_length=8)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["code", "pin"])
        self.fields["code"].widget.attrs["autocomplete"] = "off"
        self.fields["pin"].widget.attrs.update(
            {"autocomplete": "off", "inputmode": "numeric"}
        )


class ComplaintAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the applicant"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
