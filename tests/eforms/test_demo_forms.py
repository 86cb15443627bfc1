"""The demo catalogue's online forms: each passes the definition check against
its procedure's papers, the demo seed puts it (and the organisation flags) on the
procedures, and the sample answers of the demo dossiers are complete."""

import pytest

from procedures.demo_forms import (
    DEMO_FORMS,
    HOUSEHOLD_BUSINESS,
    MARRIAGE_REGISTRATION,
    ORGANISATION_FILING,
    sample_answers,
)
from procedures.eforms import clean_answers, declaration_paper, definition_errors
from procedures.models import Procedure

pytestmark = pytest.mark.django_db

NAMES = {
    "1.001193": "Tờ khai đăng ký khai sinh",
    "1.000894": "Tờ khai đăng ký kết hôn",
    "2.000806": "Tờ khai đăng ký kết hôn",
    "1.001612": "Giấy đề nghị đăng ký hộ kinh doanh",
    "3.000333": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
    "2.000815": "Yêu cầu chứng thực bản sao",
}


def test_the_real_declarations_are_there():
    assert {code: d["title"]["vi"] for code, d in DEMO_FORMS.items()} == NAMES


@pytest.mark.parametrize("code", sorted(DEMO_FORMS))
def test_each_demo_form_passes_the_definition_check_on_its_procedure(demo, code):
    procedure = Procedure.objects.get(code=code)
    assert procedure.form_definition == DEMO_FORMS[code]
    assert (
        definition_errors(
            procedure.form_definition, paper_count=procedure.papers.count()
        )
        == []
    )
    procedure.full_clean()  # the admin's own check, with the papers counted
    index = declaration_paper(procedure.form_definition)
    if index is not None:
        # The paper the form stands for is the procedure's declaration.
        assert procedure.papers.all()[index].name.split()[0] in {"Tờ", "Giấy"}


@pytest.mark.parametrize("code", sorted(DEMO_FORMS))
def test_the_sample_answers_fill_each_form(code):
    cleaned, errors = clean_answers(
        DEMO_FORMS[code],
        sample_answers(code, name="Trần Thị Hương", id_number="038198004512"),
    )
    assert errors == {}
    assert cleaned


def test_the_organisation_flags_of_the_demo(demo):
    allowed = set(
        Procedure.objects.filter(organisation_filing=True).values_list(
            "code", flat=True
        )
    )
    assert allowed == set(ORGANISATION_FILING)
    # A household business is registered by the individual or the household
    # who runs it: no organisation files for it.
    assert "1.001612" not in allowed


def test_the_household_business_asks_the_members_only_of_a_household():
    members = next(f for f in HOUSEHOLD_BUSINESS["fields"] if f["name"] == "members")
    assert members["show_if"] == {"field": "founders", "equals": "household"}
    answers = sample_answers("1.001612", name="Trần Thị Lan")
    _cleaned, errors = clean_answers(
        HOUSEHOLD_BUSINESS, {**answers, "founders": "household"}
    )
    assert errors == {"members": "Fill in at least 1 of these."}


def test_the_marriage_form_asks_both_sides_once():
    bride, groom = MARRIAGE_REGISTRATION["fields"][:2]
    assert (bride["label"]["vi"], groom["label"]["vi"]) == ("Bên nữ", "Bên nam")
    assert bride["min"] == bride["max"] == groom["max"] == 1
    answers = sample_answers("2.000806", name="Trần Thị Hương")
    cleaned, errors = clean_answers(
        MARRIAGE_REGISTRATION, {**answers, "want_copies": False}
    )
    assert errors == {} and "copies" not in cleaned
