"""The statistics pages: who may open them, what they show, the files, the board."""

import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procedures.models import Agency
from reports import summaries
from tests.factories import demo_user

pytestmark = pytest.mark.django_db
URL = "/staff/statistics/"


def login(client, username):
    client.force_login(demo_user(username))
    return client


@pytest.mark.parametrize("username", ["manager", "leader"])
def test_managers_and_leaders_open_the_statistics(client, demo, username):
    """Managers and leaders see the indicators, the charts and the tables."""
    summaries.refresh()
    response = login(client, username).get(URL, {"kind": "year"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and 'id="table-procedures"' in body
    assert 'id="table-overdue"' in body
    assert response.context["values"].received > 0


@pytest.mark.parametrize("username", ["clerk", "officer", "citizen", "admin"])
def test_others_may_not(client, demo, username):
    """Clerks, officers, citizens and catalogue administrators are refused."""
    assert login(client, username).get(URL).status_code == 403


def test_anonymous_goes_to_login(client, demo):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_leader_counts_only_the_agency_decisions(client, demo):
    """A leader's figures are those of the dossiers their agency decides."""
    leader = demo_user("leader")
    response = login(client, "leader").get(URL, {"kind": "year"})
    agencies = {row.label for row in response.context["agencies"]}
    assert agencies <= {str(leader.agency)}


def test_filters_by_agency_and_month_and_sorts(client, demo):
    """The agency filter narrows the figures; a column heading sorts the table."""
    today = timezone.localdate()
    ward = Agency.objects.get(code="000.21.31.H99")
    response = login(client, "manager").get(
        URL,
        {
            "kind": "month",
            "year": today.year,
            "month": today.month,
            "agency": ward.pk,
            "sort": "on_time_rate",
            "dir": "asc",
        },
    )
    assert response.status_code == 200
    assert response.context["period"].first == today.replace(day=1)
    assert response.context["sort"] == "on_time_rate"


def test_bad_custom_period_is_a_form_error(client, demo):
    response = login(client, "manager").get(
        URL, {"kind": "custom", "date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "table", ["summary", "months", "agencies", "sectors", "procedures", "overdue"]
)
def test_each_table_downloads_as_csv_and_xlsx(client, demo, table):
    """Every table is a CSV (UTF-8 with BOM) and an XLSX workbook."""
    from openpyxl import load_workbook

    login(client, "manager")
    response = client.get(URL, {"kind": "year", "export": table, "format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    response = client.get(URL, {"kind": "year", "export": table, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row >= 1


def test_statistics_page_queries_do_not_grow(client, demo):
    """The page reads summary rows, not every dossier: the same number of queries
    with the demo's dossiers and with a few hundred more."""
    from dossiers.management.commands.bench import Command as DossierBench
    from reports.management.commands.bench_statistics import Command as Bench

    login(client, "manager")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"kind": "year"}).status_code == 200
        return len(captured)

    bench = Bench(stdout=io.StringIO())
    bench.build()
    # Cold: the sums read from the new summary rows; warm: from the cache.
    queries()  # warms the per-process caches (agency tree, inbox count)
    bench.build()
    cold, warm = queries(), queries()
    DossierBench(stdout=io.StringIO()).generate(300, demo_user("clerk"))
    bench.build()
    assert (queries(), queries()) == (cold, warm)
    assert warm < cold


def test_public_board_without_login_and_cached(client, demo):
    """The board opens without login, shows no dossier code or name, reads only
    summary rows, and a second visit is served from the cache."""
    summaries.refresh()
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        response = client.get("/statistics/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "H99-" not in body  # no dossier code
    assert demo_user("citizen").full_name not in body
    assert response.context["built_through"] is not None
    with CaptureQueriesContext(connection) as second:
        client.get("/statistics/")
    for captured in (first, second):
        assert not any('"dossiers_dossier"' in q["sql"] for q in captured)
    assert len(second) < len(first)
