"""Online application forms (tờ khai điện tử): a procedure's form definition, its
check, and the check of an applicant's answers against it.

Pure functions on plain JSON: no models, no request. The definition lives on the
procedure (``Procedure.form_definition``, with its history) and is copied into
each dossier's snapshot; the answers live on the dossier. The citizen's page, the
counter and the workflow's submit condition all validate answers here, so there
is one rule for each field type.

A definition is ``{"fields": [field, ...]}``; a field is a dict with
``name`` (lowercase, unique in its scope), ``type`` (``FIELD_TYPES``),
``label`` ``{"vi": ..., "en": ...}``, and optionally ``help`` (same shape),
``required``, ``show_if`` ``{"field": name, "equals": value}`` or
``{"field": name, "in": [values]}`` (a field defined earlier, in the same group
or at the top), ``prefill`` (one of ``PREFILL_SOURCES``, from the profile),
``choices`` ``[{"value": ..., "label": {...}}]`` (choice), ``min``/``max``
(number: bounds; group: how many items), ``fields`` (group) and ``paper``
(paper: the index of the procedure's paper it refers to).
"""

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

FIELD_TYPES = (
    "text",
    "textarea",
    "number",
    "date",
    "choice",
    "yesno",
    "id_number",
    "phone",
    "email",
    "address",
    "paper",
    "group",
)
PREFILL_SOURCES = ("name", "id_number", "phone", "email", "address", "date_of_birth")
PREFILLABLE = {
    "text": {"name", "id_number", "phone", "email", "address"},
    "textarea": {"address"},
    "id_number": {"id_number"},
    "phone": {"phone"},
    "email": {"email"},
    "date": {"date_of_birth"},
    "address": {"address"},
}
MAX_GROUP_ITEMS = 10
MAX_TEXT = 500
MAX_LONG_TEXT = 4000
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
ID_NUMBER_RE = re.compile(r"^\d{12}$")
PHONE_RE = re.compile(r"^(\+84|0)\d{9,10}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# An enterprise's or organisation's tax code (mã số thuế, which is also the
# enterprise code): 10 digits, or 10 digits, a hyphen and 3 digits for a branch or
# other dependent unit. The 10th digit checks the first nine (see ``clean_tax_code``).
TAX_CODE_RE = re.compile(r"^(\d{10})(?:-(\d{3}))?$")
TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
ADMIN_UNITS_FILE = Path(__file__).resolve().parent / "data" / "admin_units.json"


# --- administrative units ---------------------------------------------------------


@cache
def _units() -> dict[str, tuple[str, dict[str, str]]]:
    document = json.loads(ADMIN_UNITS_FILE.read_text(encoding="utf-8"))
    return {
        province["code"]: (province["name"], dict(province["communes"]))
        for province in document["provinces"]
    }


def provinces() -> list[tuple[str, str]]:
    """(code, name) of every province and centrally run city, in code order."""
    return [(code, name) for code, (name, _communes) in _units().items()]


def communes(province: str) -> list[tuple[str, str]]:
    """(code, name) of the communes, wards and special zones of ``province``."""
    entry = _units().get(province)
    return list(entry[1].items()) if entry else []


def unit_names(province: str, commune: str) -> tuple[str, str]:
    entry = _units().get(province)
    if entry is None:
        return "", ""
    return entry[0], entry[1].get(commune, "")


# --- the definition ---------------------------------------------------------------


def text_in(value: Any, language: str) -> str:
    """A {"vi", "en"} text in ``language``, Vietnamese when it has none."""
    if isinstance(value, dict):
        return str(value.get(language) or value.get("vi") or "")
    return str(value or "")


def _check_text(value: Any, where: str, what: str, errors: list[str]) -> None:
    if not isinstance(value, dict) or not str(value.get("vi") or "").strip():
        errors.append(
            _("%(where)s: the %(what)s needs a Vietnamese text (“vi”).")
            % {"where": where, "what": what}
        )
    elif any(not isinstance(v, str) for v in value.values()):
        errors.append(
            _("%(where)s: the %(what)s must be text.") % {"where": where, "what": what}
        )


def _check_field(
    field: Any,
    where: str,
    earlier: dict[str, dict],
    outer: dict[str, dict],
    paper_count: int | None,
    errors: list[str],
    *,
    in_group: bool,
) -> None:
    if not isinstance(field, dict):
        errors.append(_("%(where)s: a field must be an object.") % {"where": where})
        return
    name = field.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        errors.append(
            _(
                "%(where)s: the name must be lowercase letters, digits and "
                "underscores, starting with a letter."
            )
            % {"where": where}
        )
        return
    where = f"{where} ({name})"
    if name in earlier:
        errors.append(_("%(where)s: the name is used twice.") % {"where": where})
    kind = field.get("type")
    if kind not in FIELD_TYPES:
        errors.append(
            _("%(where)s: unknown type “%(type)s”; use one of %(types)s.")
            % {"where": where, "type": kind, "types": ", ".join(FIELD_TYPES)}
        )
        return
    _check_text(field.get("label"), where, _("label"), errors)
    if "help" in field:
        _check_text(field["help"], where, _("help text"), errors)
    if not isinstance(field.get("required", False), bool):
        errors.append(_("%(where)s: “required” is true or false.") % {"where": where})
    prefill = field.get("prefill")
    if prefill is not None and prefill not in PREFILLABLE.get(kind, set()):
        errors.append(
            _("%(where)s: a %(type)s field cannot be prefilled from “%(source)s”.")
            % {"where": where, "type": kind, "source": prefill}
        )
    if kind == "choice":
        choices = field.get("choices")
        if not isinstance(choices, list) or not choices:
            errors.append(_("%(where)s: list the choices.") % {"where": where})
        else:
            values = []
            for choice in choices:
                if not isinstance(choice, dict) or not isinstance(
                    choice.get("value"), str
                ):
                    errors.append(
                        _("%(where)s: each choice has a text “value”.")
                        % {"where": where}
                    )
                    continue
                values.append(choice["value"])
                _check_text(choice.get("label"), where, _("choice label"), errors)
            if len(values) != len(set(values)):
                errors.append(
                    _("%(where)s: two choices share a value.") % {"where": where}
                )
    if kind == "number":
        for bound in ("min", "max"):
            if bound in field and not isinstance(field[bound], int | float):
                errors.append(
                    _("%(where)s: “%(bound)s” must be a number.")
                    % {"where": where, "bound": bound}
                )
    if kind == "paper":
        index = field.get("paper")
        if not isinstance(index, int) or index < 0:
            errors.append(
                _("%(where)s: “paper” is the number of a paper, counting from 0.")
                % {"where": where}
            )
        elif paper_count is not None and index >= paper_count:
            errors.append(
                _("%(where)s: the procedure has no paper number %(index)s.")
                % {"where": where, "index": index}
            )
    if kind == "group":
        if in_group:
            errors.append(_("%(where)s: groups cannot be nested.") % {"where": where})
        low, high = field.get("min", 0), field.get("max", 1)
        if not (
            isinstance(low, int)
            and isinstance(high, int)
            and 0 <= low <= high <= MAX_GROUP_ITEMS
            and high >= 1
        ):
            errors.append(
                _(
                    "%(where)s: a group repeats between “min” and “max” times, "
                    "0 ≤ min ≤ max ≤ %(limit)s."
                )
                % {"where": where, "limit": MAX_GROUP_ITEMS}
            )
        inner = field.get("fields")
        if not isinstance(inner, list) or not inner:
            errors.append(_("%(where)s: a group lists its fields.") % {"where": where})
        else:
            seen: dict[str, dict] = {}
            for i, child in enumerate(inner):
                _check_field(
                    child,
                    f"{where} › {i + 1}",
                    seen,
                    earlier,
                    paper_count,
                    errors,
                    in_group=True,
                )
                if isinstance(child, dict) and isinstance(child.get("name"), str):
                    seen[child["name"]] = child
    condition = field.get("show_if")
    if condition is not None:
        target = condition.get("field") if isinstance(condition, dict) else None
        if target not in earlier and target not in outer:
            errors.append(
                _("%(where)s: “show_if” names no field defined before this one.")
                % {"where": where}
            )
        elif not ({"equals", "in"} & set(condition)) or (
            "in" in condition and not isinstance(condition["in"], list)
        ):
            errors.append(
                _("%(where)s: “show_if” needs “equals” (a value) or “in” (a list).")
                % {"where": where}
            )


def definition_errors(definition: Any, *, paper_count: int | None = None) -> list[str]:
    """Every reason the definition is broken, or [] when it can be used.

    An empty definition (``{}``) is fine: the procedure has no online form.
    """
    if definition in ({}, None):
        return []
    if not isinstance(definition, dict) or not isinstance(
        definition.get("fields"), list
    ):
        return [_("A form definition is an object with a list of “fields”.")]
    errors: list[str] = []
    unknown = set(definition) - {"fields", "version", "title", "declaration_paper"}
    if unknown:
        errors.append(
            _("Unknown keys at the top: %(keys)s.")
            % {"keys": ", ".join(sorted(unknown))}
        )
    earlier: dict[str, dict] = {}
    for i, field in enumerate(definition["fields"]):
        _check_field(
            field,
            _("field %(n)s") % {"n": i + 1},
            earlier,
            {},
            paper_count,
            errors,
            in_group=False,
        )
        if isinstance(field, dict) and isinstance(field.get("name"), str):
            earlier[field["name"]] = field
    if "declaration_paper" in definition:
        index = definition["declaration_paper"]
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            errors.append(
                _(
                    "“declaration_paper” is the number of the paper the online form "
                    "stands for, counting from 0."
                )
            )
        elif paper_count is not None and index >= paper_count:
            errors.append(
                _("“declaration_paper”: the procedure has no paper number %(index)s.")
                % {"index": index}
            )
    return errors


def declaration_paper(definition: Any) -> int | None:
    """The index of the paper the online form stands for (the procedure's
    declaration, tờ khai), or None when the form stands for no paper."""
    if not isinstance(definition, dict) or not definition.get("fields"):
        return None
    index = definition.get("declaration_paper")
    return index if isinstance(index, int) and not isinstance(index, bool) else None


# --- tax codes ------------------------------------------------------------------


def clean_tax_code(value: Any) -> str:
    """An organisation's tax code, trimmed, or raises ValueError with the sentence
    to show: 10 digits (a branch: 10 digits, "-", 3 digits), whose 10th digit is
    10 − (31·d1 + 29·d2 + 23·d3 + 19·d4 + 17·d5 + 13·d6 + 7·d7 + 5·d8 + 3·d9)
    mod 11, which catches most typing errors."""
    text = re.sub(r"\s", "", str(value or ""))
    match = TAX_CODE_RE.match(text)
    if not match:
        raise ValueError(
            _(
                "A tax code has 10 digits, or 10 digits, a hyphen and 3 digits for a "
                "branch, e.g. 0312345673 or 0312345673-001."
            )
        )
    digits = [int(d) for d in match.group(1)]
    total = sum(w * d for w, d in zip(TAX_CODE_WEIGHTS, digits, strict=False))
    if (10 - total % 11) != digits[9]:
        raise ValueError(
            _("This tax code is not valid: check the digits for a typing error.")
        )
    return text


# --- answers ------------------------------------------------------------------------


def is_visible(field: dict, scope: dict[str, Any], top: dict[str, Any]) -> bool:
    """Whether ``field`` is asked, given the answers cleaned so far."""
    condition = field.get("show_if")
    if not condition:
        return True
    target = condition["field"]
    value = scope.get(target) if target in scope else top.get(target)
    if "in" in condition:
        return value in condition["in"]
    return value == condition["equals"]


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_value(field: dict, value: Any) -> Any:
    """The typed value, or raises ValueError with the sentence to show."""
    kind = field["type"]
    if kind in ("text", "textarea"):
        text = str(value).strip()
        limit = MAX_TEXT if kind == "text" else MAX_LONG_TEXT
        if len(text) > limit:
            raise ValueError(
                _("Write at most %(limit)s characters.") % {"limit": limit}
            )
        return text
    if kind == "number":
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        if "min" in field and number < Decimal(str(field["min"])):
            raise ValueError(_("Enter %(min)s or more.") % {"min": field["min"]})
        if "max" in field and number > Decimal(str(field["max"])):
            raise ValueError(_("Enter %(max)s or less.") % {"max": field["max"]})
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "date":
        if isinstance(value, date):
            return value.isoformat()
        text = str(value).strip()
        # Date inputs send ISO dates; a typed "31/05/2026" is read the Vietnamese way.
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        try:
            if match:
                day, month, year = (int(part) for part in match.groups())
                return date(year, month, day).isoformat()
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date, e.g. 31/05/2026.")) from None
    if kind == "choice":
        values = [choice["value"] for choice in field["choices"]]
        if str(value) not in values:
            raise ValueError(_("Choose one of the options."))
        return str(value)
    if kind == "yesno":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("yes", "true", "1", "on"):
            return True
        if text in ("no", "false", "0"):
            return False
        raise ValueError(_("Answer yes or no."))
    if kind == "id_number":
        text = str(value).strip()
        if not ID_NUMBER_RE.match(text):
            raise ValueError(_("An identity card (CCCD) number has exactly 12 digits."))
        return text
    if kind == "phone":
        text = re.sub(r"[\s.\-]", "", str(value))
        if not PHONE_RE.match(text):
            raise ValueError(_("Enter a Vietnamese phone number, e.g. 0912345678."))
        return text
    if kind == "email":
        text = str(value).strip()
        if len(text) > 254 or not EMAIL_RE.match(text):
            raise ValueError(_("Enter a valid e-mail address."))
        return text
    if kind == "address":
        return _clean_address(value)
    raise ValueError(_("This field takes no answer."))


def _clean_address(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(_("Choose the province and the commune."))
    province = str(value.get("province") or "").strip()
    commune = str(value.get("commune") or "").strip()
    street = str(value.get("street") or "").strip()[:MAX_TEXT]
    if not province:
        raise ValueError(_("Choose the province or city."))
    province_name, commune_name = unit_names(province, commune)
    if not province_name:
        raise ValueError(_("Choose the province or city from the list."))
    if not commune:
        raise ValueError(_("Choose the commune or ward."))
    if not commune_name:
        raise ValueError(_("This commune or ward is not in the province chosen."))
    return {"province": province, "commune": commune, "street": street}


def _address_empty(value: Any) -> bool:
    return not isinstance(value, dict) or all(_empty(v) for v in value.values())


def _clean_fields(
    fields: list[dict],
    raw: dict[str, Any],
    top: dict[str, Any] | None,
    prefix: str,
    require: bool,
    errors: dict[str, str],
) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if top is None:
        top = cleaned
    for field in fields:
        name, kind = field["name"], field["type"]
        if kind == "paper" or not is_visible(field, cleaned, top):
            continue
        path = f"{prefix}{name}"
        value = raw.get(name)
        if kind == "group":
            items = _clean_group(field, value, top, path, require, errors)
            if items:
                cleaned[name] = items
            continue
        empty = _address_empty(value) if kind == "address" else _empty(value)
        if empty:
            if require and field.get("required"):
                errors[path] = _("This answer is required.")
            continue
        try:
            cleaned[name] = _clean_value(field, value)
        except ValueError as error:
            errors[path] = str(error)
    return cleaned


def _clean_group(
    field: dict,
    value: Any,
    top: dict[str, Any],
    path: str,
    require: bool,
    errors: dict[str, str],
) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else []
    # A repeated block left wholly empty is not an item: the form offers "max"
    # blocks and the applicant fills as many as apply.
    filled = [
        item
        for item in items[: field.get("max", 1)]
        if isinstance(item, dict)
        and any(
            not (_address_empty(v) if isinstance(v, dict) else _empty(v))
            for v in item.values()
        )
    ]
    cleaned = [
        _clean_fields(field["fields"], item, top, f"{path}.{i}.", require, errors)
        for i, item in enumerate(filled)
    ]
    low = field.get("min", 0)
    if require and field.get("required"):
        low = max(low, 1)
    if require and len(cleaned) < low:
        errors[path] = _("Fill in at least %(count)s of these.") % {"count": low}
    return cleaned


def clean_answers(
    definition: dict, raw: dict[str, Any], *, require: bool = True
) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers typed and trimmed to what is asked, and the errors by path.

    ``raw`` may hold form strings or stored values. Fields hidden by their
    condition are dropped; with ``require`` (submitting) a required answer left
    empty is an error, without it (saving a draft) only wrong answers are. Paths
    are ``name``, or ``group.0.name`` inside a repeating group.
    """
    if not definition or not definition.get("fields"):
        return {}, {}
    errors: dict[str, str] = {}
    # One pass: a condition sees the answers cleaned before it, and the definition
    # check guarantees the field it names comes first.
    cleaned = _clean_fields(definition["fields"], raw or {}, None, "", require, errors)
    return cleaned, errors


def missing_answers(definition: dict, answers: dict[str, Any]) -> dict[str, str]:
    """What stops the stored answers from being submitted, by path."""
    return clean_answers(definition, answers, require=True)[1]


# --- showing answers ----------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    """One line of the answers as staff and the printed declaration show them."""

    label: str
    value: str
    depth: int = 0
    heading: bool = False


def _value_text(field: dict, value: Any, language: str) -> str:
    kind = field["type"]
    if kind == "choice":
        for choice in field["choices"]:
            if choice["value"] == value:
                return text_in(choice["label"], language)
    if kind == "yesno":
        return _("Yes") if value else _("No")
    if kind == "date":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    if kind == "address" and isinstance(value, dict):
        province, commune = unit_names(
            value.get("province", ""), value.get("commune", "")
        )
        return ", ".join(p for p in (value.get("street"), commune, province) if p)
    return str(value)


def answer_rows(
    definition: dict,
    answers: dict[str, Any],
    *,
    papers: list[dict[str, Any]] = (),
    language: str = "vi",
) -> list[AnswerRow]:
    """The answers in the definition's order, with labels, for the staff page and
    the printed declaration. Hidden and unanswered fields are left out."""
    rows: list[AnswerRow] = []
    paper_names = {paper["index"]: paper["name"] for paper in papers}

    def walk(fields: list[dict], scope: dict[str, Any], depth: int) -> None:
        for field in fields:
            label = text_in(field.get("label"), language)
            if field["type"] == "paper":
                name = paper_names.get(field.get("paper"))
                if name:
                    rows.append(
                        AnswerRow(
                            label, _("Attached: %(paper)s") % {"paper": name}, depth
                        )
                    )
                continue
            if field["name"] not in scope:
                continue
            value = scope[field["name"]]
            if field["type"] == "group":
                for i, item in enumerate(value, start=1):
                    heading = label if field.get("max", 1) == 1 else f"{label} ({i})"
                    rows.append(AnswerRow(heading, "", depth, heading=True))
                    walk(field["fields"], item, depth + 1)
                continue
            rows.append(AnswerRow(label, _value_text(field, value, language), depth))

    walk((definition or {}).get("fields", []), answers or {}, 0)
    return rows
