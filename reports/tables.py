"""The statistics tables (by procedure, agency, field, month; the overdue list),
their columns, sorting and their CSV and XLSX files."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import WORK_STATES, Dossier, DossierStep, due_first
from exports.spreadsheets import csv_response, safe_cell
from procedures.models import Agency, Procedure, Sector
from workcalendar.calendar import load_calendar

from .indicators import Indicators, Scope

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OVERDUE_LIMIT = 200


@dataclass(frozen=True)
class Column:
    key: str
    heading: Any
    value: Callable[[Indicators], Any]
    is_rate: bool = False


COLUMNS = (
    Column("received", _("Received"), lambda i: i.received),
    Column("carried_over", _("Carried over"), lambda i: i.carried_over),
    Column("online_rate", _("Online rate"), lambda i: i.online_rate, True),
    Column("resolved", _("Resolved"), lambda i: i.resolved),
    Column("early", _("Early"), lambda i: i.early),
    Column("on_time", _("On time"), lambda i: i.on_time),
    Column("late", _("Late"), lambda i: i.late),
    Column("on_time_rate", _("On-time rate"), lambda i: i.on_time_rate, True),
    Column("open_at_end", _("Open at the end"), lambda i: i.open_at_end),
    Column("overdue_at_end", _("of which overdue"), lambda i: i.overdue_at_end),
    Column(
        "average_days",
        _("Average working days"),
        lambda i: i.average_processing_working_days,
    ),
    Column(
        "median_days",
        _("Median working days"),
        lambda i: i.median_processing_working_days,
    ),
    Column(
        "digitisation_rate",
        _("Digitisation rate"),
        lambda i: i.digitisation_rate,
        True,
    ),
    Column(
        "satisfaction_rate",
        _("Satisfaction rate"),
        lambda i: i.satisfaction_rate,
        True,
    ),
)
COLUMN_KEYS = {column.key for column in COLUMNS}
MONTH_COLUMNS = tuple(
    c for c in COLUMNS if c.key not in {"carried_over", "open_at_end", "overdue_at_end"}
)
# On screen beside a chart; the files have every column.
COMPACT_KEYS = ("received", "resolved", "late", "on_time_rate", "overdue_at_end")
COMPACT_COLUMNS = tuple(c for c in COLUMNS if c.key in COMPACT_KEYS)
MONTH_SCREEN_COLUMNS = tuple(
    c for c in COLUMNS if c.key in ("received", "resolved", "early", "on_time", "late")
) + tuple(c for c in COLUMNS if c.key == "on_time_rate")


@dataclass
class Row:
    label: str
    code: str
    values: Indicators

    def cells(self, columns: Iterable[Column]) -> list[Any]:
        return [column.value(self.values) for column in columns]


def labelled(group: str, found: dict[Hashable, Indicators]) -> list[Row]:
    """The rows of a grouping with their names (one query for the names)."""
    ids = [key for key in found if key is not None]
    if group == "procedure":
        names = {
            p.pk: (str(p), p.code)
            for p in Procedure.objects.filter(pk__in=ids).only(
                "pk", "code", "name", "name_en"
            )
        }
    elif group == "agency":
        names = {a.pk: (str(a), a.code) for a in Agency.objects.filter(pk__in=ids)}
    elif group == "sector":
        names = {s.pk: (str(s), s.code) for s in Sector.objects.filter(pk__in=ids)}
    else:
        names = {}
    rows = []
    for key, values in found.items():
        if group == "month":
            label, code = f"{key:%m/%Y}", f"{key:%Y-%m}"
        else:
            label, code = names.get(key, ("—", ""))
        rows.append(Row(label, code, values))
    return rows


def sort_rows(rows: list[Row], key: str, descending: bool) -> list[Row]:
    """Rows by a column (no-data last whichever the direction), else by name."""
    column = next((c for c in COLUMNS if c.key == key), None)
    if column is None:
        return sorted(rows, key=lambda row: row.label)
    present = [r for r in rows if column.value(r.values) is not None]
    absent = [r for r in rows if column.value(r.values) is None]
    present.sort(key=lambda r: (column.value(r.values), r.label), reverse=descending)
    return present + sorted(absent, key=lambda row: row.label)


# --- the overdue list ---------------------------------------------------------------


@dataclass
class OverdueRow:
    dossier: Dossier
    # The step in hand; at a stage of parallel branches every open branch, the
    # one due first first, as the worklist shows it (docs/interagency.md).
    steps: list[DossierStep]
    days_late: int

    @property
    def step(self) -> DossierStep | None:
        return self.steps[0] if self.steps else None

    @property
    def person(self) -> Any:
        if self.dossier.assignee_id:
            return self.dossier.assignee
        return self.step.handled_by if self.step and self.step.handled_by_id else None

    @property
    def step_label(self) -> str:
        """The step's name; for open branches, each with its department and
        agency."""
        if len(self.steps) < 2:
            return self.step.name if self.step else ""
        return "; ".join(f"{s.name} ({self._unit(s)})" for s in self.steps)

    @property
    def person_label(self) -> str:
        """Who holds the step; for open branches, each branch's holder."""
        if len(self.steps) < 2:
            person = self.person
            return person.display_name if person else ""
        return "; ".join(
            s.handled_by.display_name if s.handled_by_id else "—" for s in self.steps
        )

    def _unit(self, step: DossierStep) -> str:
        agency = step.agency or self.dossier.deciding_agency
        if step.department_id:
            return f"{step.department.name} – {agency}"
        return str(agency)


def overdue_dossiers(scope: Scope, now: datetime | None = None) -> list[OverdueRow]:
    """Open dossiers past their due date in ``scope``, the longest late first:
    the agency, the step in hand and its person, and the working days late (the
    working days after the due day, up to today)."""
    now = now or timezone.now()
    dossiers = (
        Dossier.objects.filter(scope.q(), state__in=WORK_STATES, current_due_at__lt=now)
        .select_related("deciding_agency", "procedure", "assignee")
        .only(
            "pk",
            "code",
            "state",
            "current_due_at",
            "current_step_index",
            "deciding_agency",
            "procedure__code",
            "procedure__name",
            "procedure__name_en",
            "assignee__username",
            "assignee__full_name",
            "assignee__first_name",
            "assignee__last_name",
        )
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=DossierStep.objects.select_related(
                    "handled_by", "agency", "department"
                ),
            )
        )
        .order_by("current_due_at", "id")[:OVERDUE_LIMIT]
    )
    dossiers = list(dossiers)
    if not dossiers:
        return []
    today = timezone.localdate(now)
    first = timezone.localtime(dossiers[0].current_due_at).date()
    calendar = load_calendar(range(first.year, today.year + 1))
    # Working days from each due day to today, by one pass over the calendar.
    working_after: dict[date, int] = {}
    count, day = 0, today
    while day >= first:
        working_after[day] = count
        if calendar.is_working_day(day):
            count += 1
        day -= timedelta(days=1)
    rows = []
    for dossier in dossiers:
        due_day = timezone.localtime(dossier.current_due_at).date()
        rows.append(
            OverdueRow(dossier, _steps_in_hand(dossier), working_after.get(due_day, 0))
        )
    return rows


def _steps_in_hand(dossier: Dossier) -> list[DossierStep]:
    """The current stage's open steps (several on parallel branches), the one
    due first first; else the step at the current position (read from the
    prefetched steps: no query)."""
    index = dossier.current_step_index
    steps = dossier.steps.all()
    open_steps = [s for s in steps if s.stage_start == index and not s.finished_at]
    if open_steps:
        return due_first(open_steps)
    return [s for s in steps if s.position == index]


OVERDUE_HEADINGS = (
    _("Dossier code"),
    _("Procedure"),
    _("Deciding agency"),
    _("Step in hand"),
    _("Person in charge"),
    _("Due"),
    _("Working days late"),
)


def overdue_cells(row: OverdueRow) -> list[Any]:
    return [
        row.dossier.code or "",
        str(row.dossier.procedure),
        str(row.dossier.deciding_agency),
        row.step_label,
        row.person_label,
        timezone.localtime(row.dossier.current_due_at).replace(tzinfo=None),
        row.days_late,
    ]


# --- files -----------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return safe_cell(str(value))


def table_csv(
    headings: Iterable[Any], rows: Iterable[list[Any]], filename: str
) -> StreamingHttpResponse:
    return csv_response(headings, rows, lambda row: [_text(v) for v in row], filename)


def table_xlsx(
    title: str, headings: Iterable[Any], rows: Iterable[list[Any]], filename: str
) -> HttpResponse:
    """One sheet: bold headings, then the rows (text never read as a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)

    def heading(text: Any) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = bold
        return cell

    def cell(value: Any) -> Any:
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, str):
            text = WriteOnlyCell(sheet, value=value)
            text.data_type = "s"
            return text
        if isinstance(value, datetime):
            moment = WriteOnlyCell(sheet, value=value)
            moment.number_format = "dd/mm/yyyy hh:mm"
            return moment
        return value

    sheet.append([heading(text) for text in headings])
    for row in rows:
        sheet.append([cell(value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
