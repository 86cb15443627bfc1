"""Server-side validation of the answers: every field type, conditions and
repeating groups, on the pure rule the form and the workflow share."""

import pytest
from django.utils import translation

from procedures.eforms import answer_rows, clean_answers


def field(kind: str, **extra) -> dict:
    return {"name": "x", "type": kind, "label": {"vi": "X"}, "required": True, **extra}


CHOICES = [{"value": "a", "label": {"vi": "A"}}, {"value": "b", "label": {"vi": "B"}}]
ADDRESS_OK = {"province": "01", "commune": "00070", "street": "Số 1"}

# (field, raw answer, cleaned value or None when refused)
CASES = [
    (field("text"), "  Lê Văn A ", "Lê Văn A"),
    (field("text"), "x" * 501, None),
    (field("textarea"), "dòng 1\ndòng 2", "dòng 1\ndòng 2"),
    (field("number"), "3", 3),
    (field("number"), "2,5", 2.5),
    (field("number"), "ba", None),
    (field("number", min=1, max=10), "11", None),
    (field("number", min=1), "0", None),
    (field("date"), "2026-11-02", "2026-11-02"),
    (field("date"), "02/11/2026", "2026-11-02"),
    (field("date"), "31/02/2026", None),
    (field("date"), "hôm qua", None),
    (field("choice", choices=CHOICES), "b", "b"),
    (field("choice", choices=CHOICES), "c", None),
    (field("yesno"), "yes", True),
    (field("yesno"), False, False),
    (field("yesno"), "maybe", None),
    (field("id_number"), "001190012345", "001190012345"),
    (field("id_number"), "00119001234", None),
    (field("id_number"), "00119001234a", None),
    (field("phone"), "0912 345 678", "0912345678"),
    (field("phone"), "+84912345678", "+84912345678"),
    (field("phone"), "12345", None),
    (field("email"), "a@example.vn", "a@example.vn"),
    (field("email"), "a@b", None),
    (field("address"), ADDRESS_OK, ADDRESS_OK),
    # Phường Hoàn Kiếm is in Hà Nội, not in Thành phố Hồ Chí Minh.
    (field("address"), {**ADDRESS_OK, "province": "79"}, None),
    (field("address"), {"province": "01", "commune": "", "street": ""}, None),
    (field("address"), {"province": "99", "commune": "00070"}, None),
]


@pytest.mark.parametrize(("definition_field", "raw", "expected"), CASES)
def test_each_type_is_checked_on_the_server(definition_field, raw, expected):
    """A right answer is stored typed; a wrong one is refused with a sentence."""
    cleaned, errors = clean_answers({"fields": [definition_field]}, {"x": raw})
    if expected is None:
        assert set(errors) == {"x"} and errors["x"]
        assert "x" not in cleaned
    else:
        assert errors == {}
        assert cleaned == {"x": expected}


@pytest.mark.parametrize("kind", ["text", "number", "date", "address", "id_number"])
def test_a_required_answer_is_needed_to_submit_not_to_save(kind):
    """Submitting needs every required answer; a draft is saved half-filled."""
    definition = {"fields": [field(kind)]}
    assert set(clean_answers(definition, {}, require=True)[1]) == {"x"}
    assert clean_answers(definition, {}, require=False) == ({}, {})


CONDITIONAL = {
    "fields": [
        {"name": "at_facility", "type": "yesno", "label": {"vi": "Tại cơ sở y tế?"}},
        {
            "name": "facility",
            "type": "text",
            "label": {"vi": "Tên cơ sở y tế"},
            "required": True,
            "show_if": {"field": "at_facility", "equals": True},
        },
        {
            "name": "kind",
            "type": "choice",
            "label": {"vi": "Loại"},
            "choices": CHOICES,
        },
        {
            "name": "detail",
            "type": "text",
            "label": {"vi": "Chi tiết"},
            "show_if": {"field": "kind", "in": ["b"]},
        },
    ]
}


def test_a_conditional_field_is_asked_only_when_its_condition_holds():
    """Shown: required and kept. Hidden: never required, and its answer dropped."""
    _cleaned, errors = clean_answers(CONDITIONAL, {"at_facility": "yes"})
    assert errors == {"facility": "This answer is required."}
    cleaned, errors = clean_answers(
        CONDITIONAL,
        {"at_facility": "no", "facility": "Bệnh viện", "kind": "a", "detail": "z"},
    )
    assert errors == {}
    assert cleaned == {"at_facility": False, "kind": "a"}
    cleaned, _errors = clean_answers(CONDITIONAL, {"kind": "b", "detail": "z"})
    assert cleaned == {"kind": "b", "detail": "z"}


PARENTS = {
    "fields": [
        {
            "name": "parents",
            "type": "group",
            "label": {"vi": "Cha, mẹ"},
            "min": 1,
            "max": 2,
            "fields": [
                {
                    "name": "name",
                    "type": "text",
                    "label": {"vi": "Họ tên"},
                    "required": True,
                },
                {
                    "name": "id_number",
                    "type": "id_number",
                    "label": {"vi": "Số định danh"},
                },
            ],
        }
    ]
}


def test_a_repeating_group_keeps_filled_items_and_checks_each():
    """Wholly empty blocks are not items; each item's answers are checked with a
    path naming the item; too few items is refused."""
    cleaned, errors = clean_answers(
        PARENTS,
        {
            "parents": [
                {"name": "Lê Văn A", "id_number": ""},
                {"name": "", "id_number": ""},
            ]
        },
    )
    assert errors == {}
    assert cleaned == {"parents": [{"name": "Lê Văn A"}]}
    _cleaned, errors = clean_answers(
        PARENTS, {"parents": [{"name": "A"}, {"name": "", "id_number": "12"}]}
    )
    assert set(errors) == {"parents.1.name", "parents.1.id_number"}
    _cleaned, errors = clean_answers(PARENTS, {"parents": []})
    assert set(errors) == {"parents"}


def test_answers_print_in_the_forms_order_with_labels():
    """Staff and the declaration read the answers in order, under their labels."""
    with translation.override("en"):
        rows = answer_rows(
            {**PARENTS, "fields": [*CONDITIONAL["fields"][:1], *PARENTS["fields"]]},
            {"at_facility": True, "parents": [{"name": "Lê Văn A"}]},
        )
    assert [(r.label, r.value, r.heading) for r in rows] == [
        ("Tại cơ sở y tế?", "Yes", False),
        ("Cha, mẹ (1)", "", True),
        ("Họ tên", "Lê Văn A", False),
    ]
