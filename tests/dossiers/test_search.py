"""The staff's search box (dossiers/search.py): what one query finds, on SQLite and
on PostgreSQL alike (run with DATABASE_URL for the latter), and what it refuses."""

import importlib
from datetime import datetime
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import translation

from accounts.models import Role
from dossiers import services
from dossiers.models import Channel, Dossier, Outcome, State, Timeliness
from dossiers.search import (
    dossier_search_text,
    phone_digits,
    query_problem,
    search_condition,
)
from dossiers.selectors import due_windows, keyset_page, worklist
from portal.demo import PROVINCE_CENTRE
from procedures.models import Agency, Procedure
from tests.factories import UserFactory
from workspace.forms import WorklistFilterForm

from .scenario import CODE_PREFIX, PROCEDURE

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WHEN = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)
pytestmark = pytest.mark.django_db


def make(
    number: int, name: str, *, state: str = State.PROCESSING, **applicant: str
) -> Dossier:
    """A dossier at the ward desk in ``state``, coded ``CODE_PREFIX`` + number."""
    procedure = Procedure.objects.get(code=PROCEDURE)
    dossier = Dossier.objects.create(
        applicant_name=name,
        applicant_phone=applicant.get("phone", ""),
        applicant_id_number=applicant.get("id_number", ""),
        procedure=procedure,
        procedure_snapshot=services.snapshot_procedure(procedure),
        channel=Channel.COUNTER,
        receiving_desk=procedure.receiving_agency,
        deciding_agency=procedure.deciding_agency,
    )
    fields: dict[str, Any] = {
        "state": state,
        "code": f"{CODE_PREFIX}{number:07d}",
        "received_at": WHEN,
        "due_at": WHEN,
        "current_due_at": WHEN,
    }
    if state in {State.RESULT_READY, State.RETURNED}:
        fields["outcome"] = Outcome.APPROVED
    if state == State.RETURNED:
        fields.update(returned_at=WHEN, timeliness=Timeliness.EARLY)
    Dossier.objects.filter(pk=dossier.pk).update(**fields)
    return Dossier.objects.get(pk=dossier.pk)


@pytest.fixture
def dossiers(centre) -> dict[str, Dossier]:
    return {
        "an": make(42, "Nguyễn Văn An", phone="0912 345 678", id_number="001090001234"),
        "anh": make(43, "Nguyễn Văn Anh", phone="0903000111"),
        "tuan": make(44, "Trần Văn Tuấn", id_number="001085000999"),
        "do": make(
            7,
            "Đỗ Thị Hoa",
            state=State.RETURNED,
            phone="+84 987 654 321",
            id_number="079185000111",
        ),
    }


def found(
    dossiers: dict[str, Dossier], user: Any, query: str, **filters: Any
) -> set[str]:
    """The keys of ``dossiers`` that ``user``'s worklist finds for ``query``."""
    rows = worklist(user, windows=due_windows(WHEN), query=query, **filters)
    pks = set(rows.values_list("pk", flat=True))
    return {name for name, dossier in dossiers.items() if dossier.pk in pks}


def test_any_part_of_a_code_in_any_case(dossiers, people) -> None:
    """The whole code, its end, and a fragment from its middle in lower case."""
    assert found(dossiers, people.clerk, dossiers["an"].code) == {"an"}
    assert found(dossiers, people.clerk, "0000042") == {"an"}
    assert found(dossiers, people.clerk, "h99-261201-000004") == {"an", "anh", "tuan"}
    assert found(dossiers, people.clerk, "32.h99-261201-0000007") == {"do"}


def test_the_name_without_accents_or_case_words_in_any_order(dossiers, people):
    """Each word starts a word of the name: "an" finds An and Anh, not Tuấn."""
    assert found(dossiers, people.clerk, "nguyen van an") == {"an", "anh"}
    assert found(dossiers, people.clerk, "NGUYỄN VĂN AN") == {"an", "anh"}
    assert found(dossiers, people.clerk, "an nguyen") == {"an", "anh"}
    assert found(dossiers, people.clerk, "nguyen van anh") == {"anh"}
    assert found(dossiers, people.clerk, "tuan") == {"tuan"}
    assert found(dossiers, people.clerk, "uan") == set()
    # NFD input (a decomposed "ễ"), as some keyboards send it.
    assert found(dossiers, people.clerk, "Nguye\u0302\u0303n an") == {"an", "anh"}


def test_d_with_stroke_is_d(dossiers, people) -> None:
    """ "đỗ", "Đỗ", "do" and "DO THI" all find Đỗ Thị Hoa, and only her."""
    for query in ("đỗ", "Đỗ", "do", "DO THI", "hoa đỗ"):
        assert found(dossiers, people.clerk, query) == {"do"}, query


def test_the_phone_whole_in_part_or_international(dossiers, people) -> None:
    assert found(dossiers, people.clerk, "0912345678") == {"an"}
    assert found(dossiers, people.clerk, "0912 345 678") == {"an"}
    assert found(dossiers, people.clerk, "0912.345.678") == {"an"}
    assert found(dossiers, people.clerk, "+84 912 345 678") == {"an"}
    assert found(dossiers, people.clerk, "345678") == {"an"}
    assert found(dossiers, people.clerk, "0987654321") == {"do"}
    assert phone_digits("+84 987 654 321") == "0987654321"
    assert phone_digits("(024) 3825 1234") == "02438251234"


def test_the_id_number_whole_or_in_part(dossiers, people) -> None:
    assert found(dossiers, people.clerk, "001090001234") == {"an"}
    assert found(dossiers, people.clerk, "0001234") == {"an"}
    assert found(dossiers, people.clerk, "079185000111") == {"do"}
    assert found(dossiers, people.clerk, "001085") == {"tuan"}


def test_a_search_finds_closed_dossiers_unless_a_status_is_chosen(dossiers, people):
    """Without a query the worklist shows open work only; a query searches every
    status, and the status filter still narrows it."""
    assert found(dossiers, people.clerk, "") == {"an", "anh", "tuan"}
    assert found(dossiers, people.clerk, dossiers["do"].code) == {"do"}
    assert found(dossiers, people.clerk, "hoa") == {"do"}
    assert found(dossiers, people.clerk, "hoa", state=State.PROCESSING) == set()
    assert found(dossiers, people.clerk, "hoa", state=State.RETURNED) == {"do"}
    assert found(dossiers, people.clerk, "nguyen", state=State.RETURNED) == set()


def test_the_role_scope_still_applies(dossiers, people) -> None:
    """A clerk of another desk finds none of them, by code, name, phone or ID;
    neither does the citizen, whose own dossiers these are not."""
    province_clerk = UserFactory(
        username="province-clerk",
        role=Role.CLERK,
        agency=Agency.objects.get(code=PROVINCE_CENTRE),
    )
    for query in (dossiers["an"].code, "nguyen van an", "0912345678", "001090001234"):
        assert found(dossiers, province_clerk, query) == set(), query
        assert found(dossiers, people.citizen, query) == set(), query
    assert found(dossiers, people.manager, "nguyen van an") == {"an", "anh"}


def test_queries_too_short_are_refused(dossiers, people) -> None:
    """One character would match most of the table: the form says so, and the
    selector finds nothing rather than everything."""
    with translation.override("en"):
        assert query_problem("a") == "Type at least 2 characters to search."
    assert query_problem("a") == "Hãy gõ ít nhất 2 ký tự để tìm kiếm."
    assert query_problem(" a ") is not None
    assert query_problem("an") is None
    assert query_problem("") is None
    assert search_condition("a") is None
    # Punctuation alone has nothing to look up in an index: it finds nothing.
    assert found(dossiers, people.clerk, "-.-") == set()
    assert found(dossiers, people.clerk, "a") == set()
    form = WorklistFilterForm({"q": "a"}, user=people.clerk, soon_days=2)
    assert not form.is_valid()
    assert form.errors["q"] == ["Hãy gõ ít nhất 2 ký tự để tìm kiếm."]
    assert 'aria-invalid="true"' in str(form["q"])
    form = WorklistFilterForm({"q": "an"}, user=people.clerk, soon_days=2)
    assert form.is_valid(), form.errors
    assert form.worklist_filters()["query"] == "an"


def test_a_search_page_is_one_query_whatever_it_finds(
    dossiers, people, django_assert_num_queries
) -> None:
    """The search is one condition of the worklist's one statement."""
    windows = due_windows(WHEN)
    for query in ("nguyen", "h99-2612", "0912345678", "zzz"):
        with django_assert_num_queries(1):
            rows, _next = keyset_page(
                worklist(people.clerk, windows=windows, query=query), None
            )
    assert rows == []


def test_the_folded_column_follows_every_save(dossiers) -> None:
    """``save``, with or without ``update_fields``, refreshes ``search_folded``;
    ``bulk_create`` callers set it from ``folded_search_text``."""
    dossier = dossiers["an"]
    assert dossier.search_folded == " nguyen van an 0912345678 001090001234"
    dossier.applicant_name = "Lê Thị Đào"
    dossier.applicant_phone = "+84 24 3825 1234"
    dossier.save(update_fields=["applicant_name", "applicant_phone"])
    dossier.refresh_from_db()
    assert dossier.search_folded == " le thi dao 02438251234 001090001234"
    dossier.applicant_id_number = "C1234567"
    dossier.save()
    dossier.refresh_from_db()
    assert dossier.search_folded.endswith(" c1234567")
    assert dossier_search_text("", "", "") == ""


def test_the_filing_service_keeps_the_folded_column(people, procedure) -> None:
    """The clerk corrects the applicant's details through the service."""
    draft = services.dossier_create_draft(applicant=people.citizen, procedure=procedure)
    draft.refresh_from_db()
    assert draft.search_folded.startswith(" nguyen van an")
    assert draft.search_folded == draft.folded_search_text()


def test_the_migration_fills_existing_rows(dossiers) -> None:
    """0008's data migration writes what ``save`` writes, on this database (SQL in
    batches on PostgreSQL, the ORM on SQLite)."""
    migration = importlib.import_module(
        "dossiers.migrations.0008_dossier_search_folded"
    )
    Dossier.objects.update(search_folded="")
    # The function reads only the editor's connection (SQLite's editor cannot be
    # opened inside the test's transaction).
    migration.fill_search_folded(django_apps, SimpleNamespace(connection=connection))
    for dossier in Dossier.objects.all():
        assert dossier.search_folded == dossier.folded_search_text(), dossier
    assert Dossier.objects.get(pk=dossiers["do"].pk).search_folded == (
        " do thi hoa 0987654321 079185000111"
    )
