"""Form 07, the register: complete for any period, on screen a page at a time, and
the whole period as PDF, CSV and XLSX, with no cap anywhere."""

import csv
import io
import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from dossiers import deadlines
from dossiers.models import Channel, Dossier, Outcome, State, TransitionLog
from dossiers.register import in_groups
from tests.factories import AgencyFactory, ProcedureFactory, UserFactory

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
FIRST_DAY = datetime(2026, 3, 2, 8, 0, tzinfo=TZ)
CODES = itertools.count(1)


@pytest.fixture
def clerk():
    return UserFactory(
        username="register-clerk", role=Role.CLERK, agency=AgencyFactory(desk=True)
    )


@pytest.fixture
def procedure(clerk):
    return ProcedureFactory(receiving_agency=clerk.agency)


def received(clerk, procedure, count: int, *, start: datetime = FIRST_DAY, **fields):
    """``count`` dossiers received at ``clerk``'s desk, a minute apart, in one
    INSERT per batch (the services would take minutes for thousands)."""
    dossiers = Dossier.objects.bulk_create(
        (
            Dossier(
                applicant_name=f"Người nộp {i:05d}",
                applicant_address="Số 1 đường Lê Lợi",
                applicant_phone="0912345678",
                procedure=procedure,
                procedure_snapshot={"name": procedure.name, "code": procedure.code},
                channel=Channel.COUNTER,
                receiving_desk_id=clerk.agency_id,
                deciding_agency_id=procedure.deciding_agency_id,
                code=f"{clerk.agency.code}-{start:%y%m%d}-{next(CODES):06d}",
                state=fields.get("state", State.RECEIVED),
                received_at=start + timedelta(minutes=i),
                due_at=start + timedelta(days=5),
                current_due_at=start + timedelta(days=5),
                **{k: v for k, v in fields.items() if k != "state"},
            )
            for i in range(count)
        ),
        batch_size=500,
    )
    return dossiers


def register(client, clerk, **params):
    client.force_login(clerk)
    return client.get(reverse("workspace:register"), {**PERIOD, **params})


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


def test_a_register_of_5000_dossiers_exports_all_5000(client, clerk, procedure):
    """No cap: every dossier of the period is in the CSV and in the XLSX file."""
    received(clerk, procedure, 5000)

    csv_lines = csv_rows(register(client, clerk, format="csv"))
    xlsx_lines = xlsx_rows(register(client, clerk, format="xlsx"))

    assert len(csv_lines) == len(xlsx_lines) == 5001  # the headings, then the rows
    assert [line[0] for line in csv_lines[1:]] == [str(n) for n in range(1, 5001)]
    assert csv_lines[-1][4] == xlsx_lines[-1][4] == "Người nộp 04999"
    assert xlsx_lines[-1][0] == 5000


def test_the_pdf_holds_the_whole_period(client, clerk, procedure, monkeypatch):
    """The PDF is not the screen's page: it holds every row of the period."""
    dossiers = received(clerk, procedure, 120)
    rendered = {}

    def fake_pdf(request, template, context):
        from django.template.loader import render_to_string

        rendered["html"] = render_to_string(
            template, {**context, "as_pdf": True}, request=request
        )
        return b"%PDF-1.7 fake"

    monkeypatch.setattr("workspace.views.worklist.render_pdf", fake_pdf)
    response = register(client, clerk, format="pdf")

    assert response["Content-Type"] == "application/pdf"
    assert all(dossier.code in rendered["html"] for dossier in dossiers)
    assert 'name="date_from"' not in rendered["html"]  # no screen controls in print


def test_the_pdf_renders_with_weasyprint(client, clerk, procedure):
    """The register's PDF is a real PDF (A4 landscape, WeasyPrint)."""
    received(clerk, procedure, 3)
    response = register(client, clerk, format="pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_screen_pages_by_50_and_keeps_the_period(client, clerk, procedure):
    """On screen the register shows 50 rows a page, the total, and page links that
    keep the chosen period."""
    received(clerk, procedure, 60)

    first = register(client, clerk)
    second = register(client, clerk, page=2)

    assert first.context["page"].paginator.count == 60
    assert [row.number for row in first.context["rows"]] == list(range(1, 51))
    assert [row.number for row in second.context["rows"]] == list(range(51, 61))
    page = first.content.decode()
    assert "60" in page
    assert "?date_from=2026-03-01&amp;date_to=2026-03-31&amp;page=2" in page
    assert "?date_from=2026-03-01&amp;date_to=2026-03-31&amp;format=xlsx" in page
    assert "?date_from=2026-03-01&amp;date_to=2026-03-31&amp;format=csv" in page


def test_the_screen_costs_the_same_queries_for_10_and_60_rows(client, clerk, procedure):
    """Transfer and result times are read in the page's one query, not per row."""
    costs = []
    for count in (10, 60):
        Dossier.objects.all().delete()
        dossiers = received(clerk, procedure, count)
        TransitionLog.objects.bulk_create(
            TransitionLog(
                dossier=dossier,
                transition="transfer",
                from_state=State.RECEIVED,
                to_state=State.PROCESSING,
                created_at=dossier.received_at + timedelta(hours=1),
            )
            for dossier in dossiers
        )
        client.force_login(clerk)
        # Once before counting: the signed-in user comes from the cache after it.
        client.get(reverse("workspace:register"), PERIOD)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("workspace:register"), PERIOD)
        assert response.status_code == 200
        page = response.content.decode()
        assert sum(dossier.code in page for dossier in dossiers) == min(count, 50)
        costs.append(len(queries))
    assert costs[0] == costs[1]


def test_the_rows_carry_the_transfer_and_the_result_back_at_the_desk(
    client, clerk, procedure
):
    """The register's dates come from the log: the transfer to the deciding agency,
    the decision that sent the result back to the desk, and the return."""
    (dossier,) = received(
        clerk,
        procedure,
        1,
        state=State.RETURNED,
        outcome=Outcome.APPROVED,
        decided_at=FIRST_DAY + timedelta(days=2),
        returned_at=FIRST_DAY + timedelta(days=3),
        timeliness=deadlines.EARLY,
    )
    moves = [
        ("transfer", State.RECEIVED, State.PROCESSING, timedelta(hours=2)),
        ("forward", State.PROCESSING, State.PROCESSING, timedelta(days=1)),
        ("approve", State.PROCESSING, State.RESULT_READY, timedelta(days=2)),
        ("return_result", State.RESULT_READY, State.RETURNED, timedelta(days=3)),
    ]
    TransitionLog.objects.bulk_create(
        TransitionLog(
            dossier=dossier,
            transition=name,
            from_state=source,
            to_state=target,
            created_at=FIRST_DAY + after,
        )
        for name, source, target, after in moves
    )

    (row,) = register(client, clerk).context["rows"]
    (_, line) = csv_rows(register(client, clerk, format="csv"))

    assert row.transferred_at == FIRST_DAY + timedelta(hours=2)
    assert row.result_back_at == FIRST_DAY + timedelta(days=2)
    assert row.returned_at == FIRST_DAY + timedelta(days=3)
    assert line[8:13] == [
        "02/03/2026 08:00",
        "07/03/2026 08:00",
        "02/03/2026 10:00",
        "04/03/2026 08:00",
        "05/03/2026 08:00",
    ]
    assert line[13] == str(deadlines.TIMELINESS_LABELS[deadlines.EARLY])


def test_an_open_dossier_past_its_due_date_is_marked_late(client, clerk, procedure):
    """A dossier still in processing after its due date is late in the register;
    one waiting for the applicant's supplement is not (its clock stands still)."""
    received(clerk, procedure, 1, start=FIRST_DAY)
    received(
        clerk,
        procedure,
        1,
        start=FIRST_DAY + timedelta(hours=1),
        state=State.AWAITING_SUPPLEMENT,
    )
    late, paused = register(client, clerk).context["rows"]
    assert (late.timeliness, paused.timeliness) == (deadlines.LATE, "")


def test_the_period_counts_days_in_the_office_time_zone(client, clerk, procedure):
    """Received at 23:30 on 31 March in Hà Nội (16:30 UTC) belongs to March, and
    00:30 on 1 April (17:30 UTC on 31 March) to April."""
    received(clerk, procedure, 1, start=datetime(2026, 3, 31, 23, 30, tzinfo=TZ))
    received(clerk, procedure, 1, start=datetime(2026, 4, 1, 0, 30, tzinfo=TZ))
    march = register(client, clerk).context["rows"]
    april = register(client, clerk, date_from="2026-04-01", date_to="2026-04-01")
    assert [row.received_at.astimezone(TZ).day for row in march] == [31]
    assert [row.received_at.astimezone(TZ).day for row in april.context["rows"]] == [1]


def test_any_period_may_be_chosen_but_not_a_reversed_one(client, clerk, procedure):
    """Several years at once are allowed; an end before the start is refused."""
    received(clerk, procedure, 2)
    years = register(client, clerk, date_from="2020-01-01", date_to="2026-12-31")
    reversed_ = register(client, clerk, date_from="2026-03-31", date_to="2026-03-01")
    assert years.context["page"].paginator.count == 2
    assert reversed_.status_code == 400
    assert "page" not in reversed_.context


def test_without_dates_the_register_shows_the_last_seven_days(client, clerk, procedure):
    """A link without dates (e.g. the dashboard's) opens the last seven days."""
    received(clerk, procedure, 1, start=datetime.now(TZ) - timedelta(hours=1))
    client.force_login(clerk)
    response = client.get(reverse("workspace:register"))
    form = response.context["form"]
    assert form.cleaned_data["date_to"] - form.cleaned_data["date_from"] == timedelta(
        days=7
    )
    assert response.context["page"].paginator.count == 1


def test_a_clerk_sees_only_the_register_of_their_desk(client, clerk, procedure):
    """Another desk's clerk finds none of these dossiers in their register."""
    received(clerk, procedure, 3)
    other = UserFactory(
        username="other-clerk", role=Role.CLERK, agency=AgencyFactory(desk=True)
    )
    assert register(client, other).context["page"].paginator.count == 0
    assert len(csv_rows(register(client, other, format="csv"))) == 1


def test_an_applicant_has_no_register(client, clerk, procedure):
    """The register is the centre's book: an applicant is refused."""
    received(clerk, procedure, 1)
    applicant = UserFactory(username="register-citizen", role=Role.APPLICANT)
    assert register(client, applicant).status_code == 403
    assert register(client, applicant, format="csv").status_code == 403


def test_applicant_text_never_reaches_a_spreadsheet_as_a_formula(
    client, clerk, procedure
):
    """A name typed as "=HYPERLINK(…)" stays text in the CSV and the XLSX."""
    (dossier,) = received(clerk, procedure, 1)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_name='=HYPERLINK("x")')
    (_, line) = csv_rows(register(client, clerk, format="csv"))
    workbook = load_workbook(
        io.BytesIO(register(client, clerk, format="xlsx").content), read_only=True
    )
    (_, cells) = workbook.active.iter_rows()
    assert line[4] == '\'=HYPERLINK("x")'
    assert (cells[4].value, cells[4].data_type) == ('=HYPERLINK("x")', "s")


def test_the_files_are_named_after_the_period(client, clerk, procedure):
    """A downloaded register says which period it holds."""
    response = register(client, clerk, format="xlsx")
    assert response["Content-Disposition"] == (
        'attachment; filename="so-theo-doi-ho-so-20260301-20260331.xlsx"'
    )


def test_the_pdf_prints_the_rows_in_tables_of_a_bounded_length():
    """WeasyPrint's time for one table grows with the pages it spans: the PDF
    cuts the register into tables of ``PDF_GROUP_SIZE`` rows, losing none."""
    groups = list(in_groups(iter(range(450)), 200))
    assert [len(group) for group in groups] == [200, 200, 50]
    assert [row for group in groups for row in group] == list(range(450))
