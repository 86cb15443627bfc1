"""The search box on PostgreSQL: its trigram indexes serve it, and the benchmark's
generator writes the folded column as ``Dossier.save`` would."""

import pytest
from django.db import connection
from django.utils import timezone

from dossiers.models import Dossier
from dossiers.search import search_condition
from dossiers.selectors import due_windows, worklist
from portal.benchmark import data
from tests.factories import demo_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="trigram indexes: PostgreSQL only"
    ),
]


def indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'dossiers_dossier'"
        )
        return {row[0] for row in cursor.fetchall()}


def plan(queryset) -> str:
    """The plan of ``queryset`` with sequential scans priced out, so the test
    does not depend on the size at which the planner starts to prefer an index."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_trigram_indexes_replace_the_old_ones(db) -> None:
    names = indexes()
    assert {"dossier_search_trgm", "dossier_code_trgm", "dossier_id_number"} <= names
    assert not {"dossier_name_trgm", "dossier_code_prefix"} & names


def test_the_generator_fills_the_folded_column_as_save_does(demo) -> None:
    data.generate(300)
    rows = list(Dossier.objects.order_by("-id")[:300])
    assert rows and all(r.search_folded for r in rows)
    for row in rows:
        assert row.search_folded == row.folded_search_text(), row.code
    # The demo citizen's own dossiers took the citizen's name and ID number.
    citizen = demo_user("citizen")
    for row in Dossier.objects.filter(applicant=citizen):
        assert row.search_folded == row.folded_search_text(), row.code


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("tran thi lan", "dossier_search_trgm"),
        ("Đỗ", "dossier_search_trgm"),
        ("0912345", "dossier_search_trgm"),
        ("h99-2611", "dossier_code_trgm"),
    ],
)
def test_the_planner_searches_through_the_trigram_indexes(demo, query, index) -> None:
    """Every kind of search reads its index, never the whole table; a page of the
    worklist reads the same index, or, when the search is broad, walks the
    list's order (``dossier_due``) and stops at the page, never sorting all."""
    data.generate(2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dossiers_dossier")
    assert index in plan(Dossier.objects.filter(search_condition(query)))
    manager = demo_user("manager")
    page = worklist(manager, windows=due_windows(timezone.now()), query=query)
    page_plan = plan(page[:26])
    assert index in page_plan or "dossier_due" in page_plan, page_plan
    assert "Seq Scan on dossiers_dossier" not in page_plan, page_plan


def test_a_narrow_search_reads_the_trigram_index_a_broad_one_the_order(demo) -> None:
    data.generate(2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dossiers_dossier")
    manager = demo_user("manager")
    windows = due_windows(timezone.now())
    one = Dossier.objects.exclude(code=None).order_by("id")[1000]
    narrow = plan(worklist(manager, windows=windows, query=one.code[8:-1])[:26])
    assert "dossier_code_trgm" in narrow, narrow
    broad = plan(worklist(manager, windows=windows, query="ng")[:26])
    assert "dossier_due" in broad, broad
    assert "Sort" not in broad.split("SubPlan")[0], broad
