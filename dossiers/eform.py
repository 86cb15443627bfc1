"""The procedure's online form as a Django form, and the result delivery choice.

``AnswersForm`` renders a form definition (``procedures.eforms``) field by field,
prefilled from the applicant's profile or the answers saved on the draft; its
``clean`` hands the whole answer set to ``procedures.eforms.clean_answers``, the
one rule the workflow's submit condition also applies.
"""

import json
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from procedures.eforms import (
    clean_answers,
    clean_tax_code,
    communes,
    provinces,
    text_in,
)

from .models import Channel, OrganisationDetails

PREFIX = "f"


class _Optional:
    """Shows "required" (label mark, aria) but lets an empty answer through: a
    draft may be saved half-filled, and ``clean_answers`` decides on submit."""

    def validate(self, value: Any) -> None:
        if value in self.empty_values:
            return
        super().validate(value)  # type: ignore[misc]


class AnswerField(_Optional, forms.CharField):
    pass


class AnswerChoiceField(_Optional, forms.ChoiceField):
    pass


def _name(*parts: Any) -> str:
    return "-".join([PREFIX, *(str(p) for p in parts)])


def _widget(field: dict) -> tuple[type[forms.Field], dict[str, Any]]:
    kind = field["type"]
    language = get_language() or "vi"
    if kind == "textarea":
        return AnswerField, {"widget": forms.Textarea(attrs={"rows": 3})}
    if kind == "number":
        return AnswerField, {
            "widget": forms.TextInput(attrs={"inputmode": "decimal"}),
        }
    if kind == "date":
        return AnswerField, {"widget": forms.DateInput(attrs={"type": "date"})}
    if kind == "choice":
        choices = [
            (c["value"], text_in(c["label"], language)) for c in field["choices"]
        ]
        widget = forms.RadioSelect if len(choices) <= 4 else forms.Select
        if widget is forms.Select:
            choices = [("", _("— choose —")), *choices]
        return AnswerChoiceField, {"choices": choices, "widget": widget}
    if kind == "yesno":
        return AnswerChoiceField, {
            "choices": [("yes", _("Yes")), ("no", _("No"))],
            "widget": forms.RadioSelect,
        }
    if kind == "id_number":
        attrs = {"inputmode": "numeric", "maxlength": "12", "autocomplete": "off"}
        return AnswerField, {"widget": forms.TextInput(attrs=attrs)}
    if kind == "phone":
        return AnswerField, {
            "widget": forms.TextInput(attrs={"inputmode": "tel", "type": "tel"})
        }
    if kind == "email":
        return AnswerField, {"widget": forms.EmailInput()}
    return AnswerField, {"widget": forms.TextInput()}


def _form_value(field: dict, value: Any) -> Any:
    """A stored answer as the input shows it."""
    if field["type"] == "yesno" and isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return value


def prefill_answers(definition: dict, user: Any) -> dict[str, Any]:
    """Answers taken from the applicant's profile, for the fields that ask so."""
    profile = {
        "name": getattr(user, "full_name", "") or "",
        "id_number": getattr(user, "id_number", "") or "",
        "phone": getattr(user, "phone", "") or "",
        "email": getattr(user, "email", "") or "",
        "address": getattr(user, "address", "") or "",
        "date_of_birth": (
            user.date_of_birth.isoformat()
            if getattr(user, "date_of_birth", None)
            else ""
        ),
    }
    answers: dict[str, Any] = {}
    for field in (definition or {}).get("fields", []):
        source = field.get("prefill")
        if not source or not profile.get(source):
            continue
        if field["type"] == "address":
            # The profile keeps a free address: it fills the street line only.
            answers[field["name"]] = {"street": profile[source]}
        else:
            answers[field["name"]] = profile[source]
    return answers


def _show_if(field: dict, scope_names: dict[str, str]) -> dict[str, str]:
    condition = field.get("show_if")
    if not condition:
        return {}
    values = condition["in"] if "in" in condition else [condition["equals"]]
    shown = [("yes" if v else "no") if isinstance(v, bool) else str(v) for v in values]
    return {
        "field": scope_names.get(condition["field"], ""),
        "values": json.dumps(shown),
    }


class AnswersForm(forms.Form):
    """The online form of a dossier's procedure, as filed (from its snapshot)."""

    def __init__(
        self,
        data: Any = None,
        *,
        definition: dict,
        papers: list[dict[str, Any]] = (),
        answers: dict[str, Any] | None = None,
        require: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.definition = definition or {}
        self.require = require
        self.papers = {paper["index"]: paper for paper in papers}
        self.answers: dict[str, Any] = {}
        # True while building a repeated block beyond the group's minimum.
        self._optional = False
        self._paths: dict[str, str] = {}
        top_names: dict[str, str] = {}
        self.blocks = self._build(
            self.definition.get("fields", []), answers or {}, (), top_names, top_names
        )

    def _required(self, field: dict) -> bool:
        # The mark shows what submitting will need, even while a draft is saved.
        return bool(field.get("required")) and not self._optional

    @property
    def has_fields(self) -> bool:
        return bool(self.definition.get("fields"))

    # --- building ---------------------------------------------------------------

    def _build(
        self,
        fields: list[dict],
        values: dict[str, Any],
        path: tuple,
        names: dict[str, str],
        top_names: dict[str, str],
    ) -> list[dict[str, Any]]:
        language = get_language() or "vi"
        blocks = []
        for field in fields:
            name = _name(*path, field["name"])
            label = text_in(field.get("label"), language)
            help_text = text_in(field.get("help"), language)
            scope = {**top_names, **names}
            block: dict[str, Any] = {
                "kind": field["type"],
                "label": label,
                "help": help_text,
                "id": f"block-{name}",
                "show_if": _show_if(field, scope),
            }
            value = values.get(field["name"])
            if field["type"] == "paper":
                paper = self.papers.get(field.get("paper"))
                if paper is None:
                    continue
                block["paper"] = paper
            elif field["type"] == "group":
                block["items"] = self._group(field, value, path, top_names, label)
            elif field["type"] == "address":
                block.update(self._address(field, value, name, label, help_text))
            else:
                field_class, options = _widget(field)
                self.fields[name] = field_class(
                    label=label,
                    help_text=help_text,
                    required=self._required(field),
                    initial=_form_value(field, value),
                    **options,
                )
                block["field"] = self[name]
            names[field["name"]] = name
            self._paths[".".join([*map(str, path), field["name"]])] = name
            blocks.append(block)
        return blocks

    def _group(
        self,
        field: dict,
        value: Any,
        path: tuple,
        top_names: dict[str, str],
        label: str,
    ) -> list[dict[str, Any]]:
        items = value if isinstance(value, list) else []
        needed = max(field.get("min", 0), 1 if field.get("required") else 0)
        built = []
        for i in range(field.get("max", 1)):
            self._optional = i >= needed
            blocks = self._build(
                field["fields"],
                items[i] if i < len(items) else {},
                (*path, field["name"], i),
                {},
                top_names,
            )
            # A block asked once (e.g. "the bride") is not numbered.
            legend = label if field.get("max", 1) == 1 else f"{label} {i + 1}"
            built.append({"legend": legend, "blocks": blocks})
        self._optional = False
        return built

    def _address(
        self, field: dict, value: Any, name: str, label: str, help_text: str
    ) -> dict[str, Any]:
        value = value if isinstance(value, dict) else {}
        required = self._required(field)
        province = (
            self.data.get(f"{name}-province") if self.is_bound else ""
        ) or value.get("province", "")
        self.fields[f"{name}-province"] = AnswerChoiceField(
            label=_("Province or city"),
            choices=[("", _("— choose —")), *provinces()],
            required=required,
            initial=value.get("province", ""),
            widget=forms.Select(attrs={"data-province-select": f"{name}-commune"}),
        )
        self.fields[f"{name}-commune"] = AnswerChoiceField(
            label=_("Commune or ward"),
            choices=[
                (
                    "",
                    _("— choose the province first —")
                    if not province
                    else _("— choose —"),
                ),
                *communes(province),
            ],
            required=required,
            initial=value.get("commune", ""),
        )
        self.fields[f"{name}-street"] = AnswerField(
            label=_("House number, street, hamlet"),
            required=False,
            max_length=500,
            initial=value.get("street", ""),
        )
        return {
            "parts": [
                self[f"{name}-{part}"] for part in ("province", "commune", "street")
            ]
        }

    # --- cleaning ---------------------------------------------------------------

    def _raw(self, fields: list[dict], path: tuple) -> dict[str, Any]:
        data = self.cleaned_data
        raw: dict[str, Any] = {}
        for field in fields:
            name = _name(*path, field["name"])
            if field["type"] == "group":
                raw[field["name"]] = [
                    self._raw(field["fields"], (*path, field["name"], i))
                    for i in range(field.get("max", 1))
                ]
            elif field["type"] == "address":
                raw[field["name"]] = {
                    part: data.get(f"{name}-{part}", "")
                    for part in ("province", "commune", "street")
                }
            elif field["type"] != "paper":
                raw[field["name"]] = data.get(name, "")
        return raw

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        raw = self._raw(self.definition.get("fields", []), ())
        self.answers, errors = clean_answers(self.definition, raw, require=self.require)
        for path, message in errors.items():
            self.add_error(self._field_for(path), message)
        return data

    def add_missing(self, errors: dict[str, str]) -> None:
        """Mark the answers that stop the submission (``Dossier.missing_answers``),
        all at once, except on inputs that already show an error."""
        for path, message in errors.items():
            name = self._field_for(path)
            if name is None or name not in self.errors:
                self.add_error(name, message)

    def _field_for(self, path: str) -> str | None:
        name = self._paths.get(path)
        if name is None:
            return None
        if name in self.fields:
            return name
        if f"{name}-province" in self.fields:
            return f"{name}-province"
        # A group's own error goes on the first input of its first item.
        first = next((n for n in self.fields if n.startswith(f"{name}-0-")), None)
        return first


class ResultDeliveryForm(forms.Form):
    """How the applicant wants the result: the choices the procedure allows."""

    result_delivery = forms.ChoiceField(
        label=_("How do you want to receive the result?"),
        widget=forms.RadioSelect,
    )
    result_address = forms.CharField(
        label=_("Address to post the result to"),
        required=False,
        max_length=255,
        help_text=_("Only when the result is sent by post."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    LABELS = {
        Channel.COUNTER: _("Collect it at the counter of the receiving desk"),
        Channel.POST: _("By post (public postal service) to my address"),
        Channel.ONLINE: _("Online: download the electronic result here"),
    }

    def __init__(self, *args: Any, options: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left unanswered, the result waits at the counter (the dossier keeps
        # whatever was chosen before).
        self.fields["result_delivery"].required = False
        self.fields["result_delivery"].choices = [
            (option, self.LABELS[option]) for option in options if option in self.LABELS
        ]
        if len(options) == 1:
            self.fields["result_delivery"].initial = options[0]

    @staticmethod
    def initial_for(dossier: Any) -> dict[str, str]:
        return {
            "result_delivery": dossier.result_delivery or Channel.COUNTER,
            "result_address": dossier.result_address or dossier.applicant_address,
        }

    def choice(self) -> tuple[str, str] | None:
        """(how, postal address), as ``dossier_save_answers`` takes it; None when
        nothing was chosen."""
        if not self.cleaned_data.get("result_delivery"):
            return None
        return (
            self.cleaned_data["result_delivery"],
            self.cleaned_data.get("result_address") or "",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("result_delivery") == Channel.POST
            and not (data.get("result_address") or "").strip()
        ):
            self.add_error(
                "result_address", _("Write the address the result is posted to.")
            )
        return data


class OrganisationForm(forms.Form):
    """Whom the application is for: the applicant, or a business or organisation
    they represent (only where the procedure allows it). The organisation's
    details are checked by ``services.answers.check_organisation``; this form
    says what is missing next to each input."""

    SELF = "self"
    ORGANISATION = "organisation"

    filing_for = forms.ChoiceField(
        label=_("Who is this application for?"),
        choices=[
            (SELF, _("For myself")),
            (ORGANISATION, _("For a business or organisation I represent")),
        ],
        initial=SELF,
        # Left out (an older page), the application is the applicant's own.
        required=False,
        widget=forms.RadioSelect,
    )
    # Marked required (needed when filing for an organisation); ``clean`` asks
    # for them only then.
    organisation_name = AnswerField(
        label=_("Name of the business or organisation"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    organisation_tax_code = AnswerField(
        label=_("Tax code"),
        max_length=20,
        help_text=_(
            "10 digits (the enterprise code), or 10 digits, a hyphen and 3 digits "
            "for a branch."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    organisation_address = AnswerField(
        label=_("Head office address"),
        max_length=255,
    )
    organisation_representative = AnswerField(
        label=_("Representative's full name"),
        max_length=150,
        help_text=_("The legal representative, or the person authorised by them."),
    )
    organisation_representative_title = forms.CharField(
        label=_("Representative's title"),
        required=False,
        max_length=100,
        help_text=_("e.g. Director, Chairman of the Board."),
    )

    KEYS = {
        "name": "organisation_name",
        "tax_code": "organisation_tax_code",
        "address": "organisation_address",
        "representative": "organisation_representative",
        "representative_title": "organisation_representative_title",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "org")
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_for(cls, dossier: Any) -> dict[str, str]:
        organisation = dossier.organisation
        if organisation is None:
            return {"filing_for": cls.SELF}
        return {
            "filing_for": cls.ORGANISATION,
            **{field: getattr(organisation, key) for key, field in cls.KEYS.items()},
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("filing_for") != self.ORGANISATION:
            self.organisation = OrganisationDetails()
            return data
        values = {key: data.get(field, "") for key, field in self.KEYS.items()}
        messages = {
            "name": _("Write the name of the business or organisation."),
            "tax_code": _("Write the organisation's tax code."),
            "address": _("Write the address of the organisation's head office."),
            "representative": _("Write the name of the organisation's representative."),
        }
        for key, message in messages.items():
            if not values[key].strip():
                self.add_error(self.KEYS[key], message)
        if values["tax_code"].strip():
            try:
                values["tax_code"] = clean_tax_code(values["tax_code"])
            except ValueError as error:
                self.add_error("organisation_tax_code", str(error))
        self.organisation = OrganisationDetails(
            **{key: value.strip() for key, value in values.items()}
        )
        return data

    def details(self) -> Any:
        """The ``OrganisationDetails`` chosen (an empty one: for oneself)."""
        return self.organisation
