"""The citizen's combined application for a group filed online: the group's
shared fields, entered once (docs/interagency.md)."""

from typing import Any

from django import forms


class SharedFieldsForm(forms.Form):
    """A text field per shared field of the group, prefilled from the draft."""

    def __init__(
        self, data: Any = None, *, shared_fields: list[dict[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(data, prefix="shared", **kwargs)
        for field in shared_fields:
            self.fields[field["key"]] = forms.CharField(
                label=field["label"],
                max_length=255,
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    def answers(self) -> dict[str, str]:
        return {key: (value or "").strip() for key, value in self.cleaned_data.items()}
