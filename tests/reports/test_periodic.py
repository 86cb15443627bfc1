"""The periodic report filed upward (Form II.06a/VPCP/KSTT): its figures, its
files and who may make it."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports import periodic, summaries
from reports.indicators import Period, Source, indicators, scope_of
from tests.factories import demo_user

pytestmark = pytest.mark.django_db
URL = "/staff/statistics/report/"


def login(client, username):
    client.force_login(demo_user(username))
    return client


def year() -> Period:
    return Period.year(timezone.localdate().year)


def test_report_columns_are_the_indicators_and_every_row_balances(client, demo):
    """(3) = carried over + received, (7) = returned + denied + stopped, (11) =
    open at the end, (13) = overdue; each row has (3) = (7) + (11); each level's
    row sums its fields, the total sums the levels."""
    summaries.refresh()
    response = login(client, "manager").get(URL, {"kind": "year"})
    assert response.status_code == 200
    report = response.context["report"]
    values = indicators(year(), scope_of(demo_user("manager")), Source())
    total = report.total
    assert total.received_total == values.carried_over + values.received
    assert total.online == values.received_by_channel.get("online", 0)
    assert total.resolved_total == values.returned + values.denied + values.stopped
    assert (total.early, total.late) == (values.early, values.late)
    assert total.open_total == values.open_at_end
    assert total.overdue == values.overdue_at_end
    assert total.received_total > 0
    groups = [line for line in report.lines if line.is_group]
    assert groups and {g.label for g in groups} <= {"Cấp tỉnh", "Cấp xã"}
    summed = periodic.Counts()
    current = None
    for line in [*report.lines, None]:
        if line is None or line.is_group:
            if current is not None:
                assert summed.columns() == current.counts.columns()
            current, summed = line, periodic.Counts()
            continue
        summed.add(line.counts)
    for line in [*report.lines]:
        c = line.counts
        assert c.received_total == c.resolved_total + c.open_total
        assert c.open_total == c.in_time + c.overdue
    body = response.content.decode()
    assert "Biểu số II.06a/VPCP/KSTT" in body and "(13)" in body
    assert "Kỳ báo cáo: Năm" in body


def test_report_by_agency_sums_to_the_same_total(client, demo):
    """Grouped by deciding agency, the rows add up to the same total."""
    summaries.refresh()
    login(client, "manager")
    by_field = client.get(URL, {"kind": "year"}).context["report"]
    by_agency = client.get(URL, {"kind": "year", "rows": "agency"}).context["report"]
    summed = periodic.Counts()
    for line in by_agency.lines:
        summed.add(line.counts)
    assert summed.columns() == by_field.total.columns() == by_agency.total.columns()
    assert "Cơ quan giải quyết" in client.get(
        URL, {"kind": "year", "rows": "agency"}
    ).content.decode("utf-8")


def test_report_downloads_as_xlsx_with_the_form_header(client, demo):
    """The XLSX has the form's number, title, period, three merged header rows,
    the column numbers (1)–(13) and the total row."""
    from openpyxl import load_workbook

    summaries.refresh()
    response = login(client, "manager").get(URL, {"kind": "year", "format": "xlsx"})
    assert response.status_code == 200
    assert "bao-cao-06a-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Biểu số II.06a/VPCP/KSTT"
    assert sheet["D1"].value.startswith("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT")
    assert sheet["D2"].value.startswith("Kỳ báo cáo: Năm")
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A6:A8", "B6:B8", "C6:F6", "G6:J6", "K6:M6", "D7:E7"} <= merged
    assert [sheet.cell(row=9, column=c).value for c in range(1, 14)] == [
        f"({n})" for n in range(1, 14)
    ]
    total_row = [sheet.cell(row=10, column=c).value for c in range(1, 14)]
    assert total_row[1] == "Tổng số"
    report = client.get(URL, {"kind": "year"}).context["report"]
    assert total_row[2:] == report.total.columns()


def test_report_prints_as_pdf(client, demo):
    """The report downloads as a PDF (WeasyPrint), landscape A4."""
    summaries.refresh()
    response = login(client, "manager").get(URL, {"kind": "month", "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("username", ["clerk", "officer", "citizen"])
def test_only_managers_and_leaders_make_the_report(client, demo, username):
    assert login(client, username).get(URL).status_code == 403


def test_bad_period_is_explained(client, demo):
    """A custom period without its dates re-renders with the reason."""
    response = login(client, "manager").get(URL, {"kind": "custom"})
    assert response.status_code == 400
    assert "Give both dates of a custom period." in response.content.decode() or (
        "Nhập đủ" in response.content.decode()
    )


def test_leader_reports_only_their_agency(client, demo):
    """A leader's report counts the dossiers their agency decides."""
    summaries.refresh()
    leader = demo_user("leader")
    report = (
        login(client, "leader")
        .get(URL, {"kind": "year", "rows": "agency"})
        .context["report"]
    )
    assert [line.label for line in report.lines] in ([], [leader.agency.name])
    assert report.reporting_unit == leader.agency.name


def test_report_queries_do_not_grow(client, demo):
    """The report reads summary rows and the open dossiers' counts: as many
    queries with the demo's dossiers as with a few hundred more."""
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


def test_statistics_page_links_to_the_report_with_its_filters(client, demo):
    summaries.refresh()
    body = login(client, "manager").get("/staff/statistics/", {"kind": "year"})
    assert f'href="{URL}?kind=year' in body.content.decode()
