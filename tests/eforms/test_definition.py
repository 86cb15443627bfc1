"""Form definitions: a broken one is refused with the reason, a good one is kept
in the procedure's history and in the snapshot of every dossier filed under it."""

import copy

import pytest
from django.core.exceptions import ValidationError

from dossiers.services import snapshot_procedure
from procedures.demo_forms import DEMO_FORMS
from procedures.eforms import definition_errors
from tests.factories import ProcedureFactory, RequiredPaperFactory


def label(text: str = "Họ và tên") -> dict[str, str]:
    return {"vi": text, "en": "Name"}


def text(name: str = "full_name", **extra) -> dict:
    return {"name": name, "type": "text", "label": label(), **extra}


BROKEN = [
    ([], "object with a list"),
    ({"fields": "x"}, "object with a list"),
    ({"fields": [], "colour": 1}, "Unknown keys"),
    ({"fields": [{"type": "text", "label": label()}]}, "name must be lowercase"),
    ({"fields": [text("Full Name")]}, "name must be lowercase"),
    ({"fields": [text(), text()]}, "used twice"),
    ({"fields": [text(type="txt")]}, "unknown type"),
    ({"fields": [text(label={"en": "Name"})]}, "Vietnamese text"),
    ({"fields": [text(required="yes")]}, "true or false"),
    ({"fields": [text(type="choice")]}, "list the choices"),
    (
        {
            "fields": [
                text(type="choice", choices=[{"value": "a", "label": label()}] * 2)
            ]
        },
        "share a value",
    ),
    ({"fields": [text(type="number", min="1")]}, "must be a number"),
    ({"fields": [text(type="date", prefill="phone")]}, "cannot be prefilled"),
    (
        {"fields": [text(show_if={"field": "later", "equals": "x"}), text("later")]},
        "defined before",
    ),
    ({"fields": [text("a"), text("b", show_if={"field": "a"})]}, "needs “equals”"),
    ({"fields": [text(type="group", max=11, fields=[text("x")])]}, "repeats between"),
    ({"fields": [text(type="group", fields=[])]}, "lists its fields"),
    (
        {
            "fields": [
                text(type="group", fields=[text("x", type="group", fields=[text("y")])])
            ]
        },
        "cannot be nested",
    ),
    ({"fields": [text(type="paper", paper=-1)]}, "number of a paper"),
]


@pytest.mark.parametrize(("definition", "reason"), BROKEN)
def test_a_broken_definition_is_refused_with_the_reason(definition, reason):
    """Each broken definition yields a sentence that names what is wrong."""
    errors = definition_errors(definition)
    assert errors, definition
    assert any(reason in error for error in errors), errors


@pytest.mark.parametrize("code", sorted(DEMO_FORMS))
def test_the_demo_definitions_are_valid(code):
    """The demo forms pass the same check as an administrator's."""
    assert definition_errors(DEMO_FORMS[code], paper_count=7) == []


def test_an_empty_definition_means_no_online_form():
    assert definition_errors({}) == []


@pytest.mark.django_db
def test_saving_a_procedure_refuses_a_broken_form_and_says_why():
    """The admin saves through full_clean: a broken form is refused, with the reason
    on the form definition field; a reference to a paper the procedure lacks too."""
    procedure = ProcedureFactory()
    RequiredPaperFactory(procedure=procedure)
    procedure.form_definition = {"fields": [text(type="paper", paper=3)]}
    with pytest.raises(ValidationError) as raised:
        procedure.full_clean()
    assert "no paper number 3" in str(raised.value.message_dict["form_definition"])
    procedure.form_definition = {"fields": [text(type="paper", paper=0)]}
    procedure.full_clean()


@pytest.mark.django_db
def test_the_definition_is_part_of_the_procedures_history_and_snapshot():
    """Each edit of the form is a history row; the snapshot copies the form, so
    changing the procedure afterwards leaves a filed copy as it was."""
    procedure = ProcedureFactory()
    first = {"fields": [text()]}
    procedure.form_definition = first
    procedure.save()
    snapshot = snapshot_procedure(procedure)
    second = copy.deepcopy(first)
    second["fields"].append(text("nickname"))
    procedure.form_definition = second
    procedure.save()
    assert [h.form_definition for h in procedure.history.order_by("history_id")][
        -2:
    ] == [first, second]
    assert snapshot["form"] == first


def test_the_admin_edits_the_definition_as_json(client, demo):
    """The procedure's admin page carries the form as JSON to edit."""
    from procedures.models import Procedure
    from tests.factories import demo_user

    client.force_login(demo_user("admin"))
    procedure = Procedure.objects.get(code="1.001193")
    page = client.get(f"/admin/procedures/procedure/{procedure.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="form_definition"' in html
    assert "child_name" in html
