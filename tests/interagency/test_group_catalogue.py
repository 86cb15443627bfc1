"""Groups of linked procedures in the catalogue file: export, import, validation
with positions (procedure_groups/catalogue.py, docs/catalogue-format.md)."""

import copy
import json
from decimal import Decimal

import pytest
from django.utils import translation

from procedure_groups.demo import BIRTH_GROUP, BIRTH_GROUP_PROVIDED
from procedure_groups.models import GroupMember, ProcedureGroup
from procedures.catalogue_io import (
    CatalogueImportError,
    export_catalogue,
    import_catalogue,
    validate_catalogue,
)

from .test_groups import file_group, group  # noqa: F401 (fixture)


def exported() -> dict:
    return json.loads(export_catalogue())


def birth_group(document: dict) -> dict:
    return next(g for g in document["groups"] if g["code"] == BIRTH_GROUP)


@pytest.mark.django_db
def test_the_export_carries_the_group(group):  # noqa: F811
    item = birth_group(exported())
    assert item["processing_time_days"] == 3
    assert item["name_en"].startswith("Birth registration")
    assert item["status"] == "published"
    assert item["shared_fields"][0]["key"] == "child_name"
    assert item["members"] == [
        {
            "procedure": "1.001193",
            "order": 1,
            "working_days": "1",
            "depends_on": [],
            "result_required": True,
        },
        {
            "procedure": "1.004222",
            "order": 2,
            "working_days": "1",
            "depends_on": ["1.001193"],
            "result_required": True,
            "provided_papers": BIRTH_GROUP_PROVIDED["1.004222"],
        },
        {
            "procedure": "1.014137",
            "order": 3,
            "working_days": "1",
            "depends_on": ["1.004222"],
            "result_required": True,
        },
    ]


@pytest.mark.django_db
def test_round_trip_export_import_export(group):  # noqa: F811
    """Importing the export changes nothing; an edited group in the file is
    written (time, names, a member's share, dependencies, result required)."""
    first = exported()
    import_catalogue(first)
    again = exported()
    assert again["groups"] == first["groups"]

    edited = copy.deepcopy(first)
    item = birth_group(edited)
    item["processing_time_days"] = 5
    item["name_en"] = "Birth, residence and card"
    item["members"][2]["depends_on"] = ["1.001193"]
    item["members"][2]["working_days"] = "2.5"
    item["members"][2]["result_required"] = False
    import_catalogue(edited)
    saved = ProcedureGroup.objects.get(code=BIRTH_GROUP)
    assert saved.processing_time_days == 5
    assert saved.name_en == "Birth, residence and card"
    card = saved.members.get(procedure__code="1.014137")
    assert card.working_days == Decimal("2.5") and not card.result_required
    assert [d.procedure.code for d in card.depends_on.all()] == ["1.001193"]
    assert birth_group(exported()) == item


@pytest.mark.django_db
def test_a_new_group_is_created_and_a_member_dropped(group):  # noqa: F811
    document = exported()
    item = copy.deepcopy(birth_group(document))
    item["code"] = "khai-sinh-thuong-tru"
    item["members"] = item["members"][:2]
    item["processing_time_days"] = 2
    document["groups"].append(item)
    import_catalogue(document)
    new = ProcedureGroup.objects.get(code="khai-sinh-thuong-tru")
    assert [m.procedure.code for m in new.members.all()] == ["1.001193", "1.004222"]

    birth_group(document)["members"].pop()
    import_catalogue(document)
    assert GroupMember.objects.filter(group=group).count() == 2


@pytest.mark.django_db
def test_a_file_without_groups_leaves_them_alone(group):  # noqa: F811
    document = exported()
    del document["groups"]
    import_catalogue(document)
    assert ProcedureGroup.objects.get(code=BIRTH_GROUP).members.count() == 3


def errors_of(document: dict) -> list[str]:
    with translation.override("en"), pytest.raises(CatalogueImportError) as caught:
        validate_catalogue(document)
    return caught.value.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda g: g["members"][0].update(depends_on=["1.014137"]),
            "groups[0] (khai-sinh-thuong-tru-bhyt-tre-duoi-6-tuoi).members: "
            "The dependencies go round in a circle",
        ),
        (
            lambda g: g["members"][1].update(procedure="9.999999"),
            ".members[1].procedure: unknown procedure '9.999999'",
        ),
        (
            lambda g: g["members"][1].update(depends_on=["1.000001"]),
            ".members[1].depends_on[0]: '1.000001' is not a procedure of this group",
        ),
        (
            lambda g: g.update(processing_time_days=2),
            ".members: The longest chain of dependent procedures takes 3 working "
            "days, more than the group's 2.",
        ),
        (
            lambda g: g["members"][2].update(working_days="0"),
            ".members[2].working_days: must be a positive number",
        ),
        (
            lambda g: g["members"][2].update(procedure="1.001193"),
            ".members[2].procedure: '1.001193' appears twice in the group",
        ),
        (
            lambda g: g.update(shared_fields=[{"key": "x"}]),
            ".shared_fields: Write a list of fields, each with a key and a label.",
        ),
        (lambda g: g.update(members=[]), ".members: list the procedures"),
        (lambda g: g.update(code=""), "groups[0].code: "),
    ],
)
def test_bad_groups_are_refused_with_their_position(group, edit, expected):  # noqa: F811
    document = exported()
    document["groups"] = [birth_group(document)]
    edit(document["groups"][0])
    errors = errors_of(document)
    assert any(expected in e for e in errors), errors
    # Nothing written: the group is as it was.
    assert ProcedureGroup.objects.get(code=BIRTH_GROUP).processing_time_days == 3


@pytest.mark.django_db
def test_a_member_with_group_files_is_not_removed(group):  # noqa: F811
    file_group(group)
    document = exported()
    birth_group(document)["members"].pop()
    errors = errors_of(document)
    assert any(
        "'1.014137' has group files and cannot be removed" in e for e in errors
    ), errors


@pytest.mark.django_db
def test_groups_must_be_a_list(group):  # noqa: F811
    document = exported()
    document["groups"] = {"code": "x"}
    assert errors_of(document) == ["groups: must be a list"]
