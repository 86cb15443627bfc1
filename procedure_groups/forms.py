"""The desk's form for a group filed once: the applicant, the shared data, and the
combined papers with their counts (docs/interagency.md)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import CombinedPaper


class GroupIntakeForm(forms.Form):
    """Built for one group: a text field per shared field, three counts per line
    of the combined paper list."""

    applicant_name = forms.CharField(label=_("Full name"), max_length=150)
    applicant_id_number = forms.RegexField(
        label=_("Personal identification number"),
        regex=r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("Write the 12 digits of the ID number.")},
    )
    applicant_phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^0\d{9,10}$",
        required=False,
        error_messages={"invalid": _("Write a phone number such as 0912345678.")},
    )

    def __init__(
        self,
        data: Any = None,
        *,
        shared_fields: list[dict[str, str]],
        papers: list[CombinedPaper],
    ) -> None:
        super().__init__(data)
        self.papers = papers
        self.shared_keys = [f["key"] for f in shared_fields]
        for field in shared_fields:
            self.fields[f"shared-{field['key']}"] = forms.CharField(
                label=field["label"], max_length=255, required=False
            )
        self.paper_rows = []
        for i, paper in enumerate(papers):
            row = []
            for kind, label in (
                ("originals", _("Originals")),
                ("certified_copies", _("Certified copies")),
                ("copies", _("Copies")),
            ):
                name = f"paper-{i}-{kind}"
                self.fields[name] = forms.IntegerField(
                    label=f"{label}: {paper.name[:80]}",
                    min_value=0,
                    max_value=99,
                    initial=0,
                    required=False,
                )
                row.append(self[name])
            self.paper_rows.append((paper, row))
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def received(self) -> dict[int, tuple[int, int, int]]:
        data = self.cleaned_data
        counts = {}
        for i in range(len(self.papers)):
            row = tuple(
                data.get(f"paper-{i}-{kind}") or 0
                for kind in ("originals", "certified_copies", "copies")
            )
            if sum(row):
                counts[i] = row
        return counts

    def shared_answers(self) -> dict[str, str]:
        return {
            key: value
            for key in self.shared_keys
            if (value := (self.cleaned_data.get(f"shared-{key}") or "").strip())
        }
