"""The periodic report on the handling of administrative procedures, as the centre
files it upward: Form II.06a/VPCP/KSTT of Circular 01/2020/TT-VPCP (the reporting
regime of the Office of the Government), from the summary rows.

The form's thirteen columns (docs/indicators.md, "The periodic report"):

(1) no. · (2) field, by administrative level (or agency) ·
dossiers to handle: (3) total = (4) + (5) + (6), (4) received online,
(5) received directly or by post, (6) carried over from the period before ·
resolved: (7) total = (8) + (9) + (10), (8) early, (9) on time, (10) late ·
being handled at the end: (11) total = (12) + (13), (12) in time, (13) overdue.

Every row balances: (3) = (7) + (11). Refused-at-intake and withdrawn dossiers
never reached the handling (both happen before receipt) and are in no column.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from typing import Any

from django.conf import settings
from django.http import HttpResponse

from procedures.models import Agency, Sector
from procedures.search import fold

from .indicators import Indicators, Period, Scope, Source, indicators_by

FORM_NUMBER = "II.06a/VPCP/KSTT"
FORM_TITLE = (
    "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH "
    "TẠI TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The form is filed in Vietnamese whatever the language of the page.
LEVEL_NAMES = {"province": "Cấp tỉnh", "commune": "Cấp xã"}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
ROW_KINDS = ("sector", "agency")


@dataclass
class Counts:
    """The form's columns (3)–(13) for one row."""

    online: int = 0
    direct: int = 0
    carried_over: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    open_total: int = 0
    overdue: int = 0

    @property
    def received_total(self) -> int:
        return self.online + self.direct + self.carried_over

    @property
    def resolved_total(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def in_time(self) -> int:
        return self.open_total - self.overdue

    def columns(self) -> list[int]:
        """Columns (3) to (13), in the form's order."""
        return [
            self.received_total,
            self.online,
            self.direct,
            self.carried_over,
            self.resolved_total,
            self.early,
            self.on_time,
            self.late,
            self.open_total,
            self.in_time,
            self.overdue,
        ]

    def add(self, other: Counts) -> Counts:
        for name in (
            "online",
            "direct",
            "carried_over",
            "early",
            "on_time",
            "late",
            "open_total",
            "overdue",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


def counts_of(values: Indicators) -> Counts:
    """The form's columns from the indicators of one row.

    A dossier whose processing was stopped (Form 05) is resolved without a
    decision and without a timeliness; the form has no column for it, so it is
    counted in (9) "on time", as the provincial systems that file this form do
    ("including dossiers returned or withdrawn") *(verify)*. The on-time rate of
    the statistics leaves it out.
    """
    figures = values.figures
    return Counts(
        online=figures["online"],
        direct=figures["received"] - figures["online"],
        carried_over=values.carried_over,
        early=figures["early"],
        on_time=figures["on_time"] + figures["stopped"],
        late=figures["late"],
        open_total=values.open_at_end,
        overdue=values.overdue_at_end or 0,
    )


@dataclass
class Line:
    number: str
    label: str
    counts: Counts
    is_group: bool = False


@dataclass
class PeriodicReport:
    period: Period
    period_label: str
    reporting_unit: str
    recipient: str
    rows: str
    lines: list[Line] = field(default_factory=list)
    total: Counts = field(default_factory=Counts)

    @property
    def title(self) -> str:
        return FORM_TITLE

    @property
    def filename(self) -> str:
        return f"bao-cao-06a-{self.period.first:%Y%m%d}-{self.period.last:%Y%m%d}"


def period_label(kind: str, period: Period) -> str:
    """The report's period as the form writes it (Kỳ báo cáo)."""
    if kind == "month":
        return f"Tháng {period.first.month:02d} năm {period.first.year}"
    if kind == "quarter":
        return f"Quý {ROMAN[(period.first.month - 1) // 3]} năm {period.first.year}"
    if kind == "year":
        return f"Năm {period.first.year}"
    return f"Từ ngày {period.first:%d/%m/%Y} đến ngày {period.last:%d/%m/%Y}"


def _rolled_up(
    found: dict[Hashable, Indicators], key_of: Any
) -> dict[Hashable, Counts]:
    summed: dict[Hashable, Counts] = {}
    for key, values in found.items():
        summed.setdefault(key_of(key), Counts()).add(counts_of(values))
    return summed


def build(
    period: Period,
    scope: Scope,
    *,
    kind: str,
    rows: str,
    reporting_unit: str,
    source: Source | None = None,
) -> PeriodicReport:
    """The report of ``period`` in ``scope``: rows per field within each
    administrative level (the form's layout), or per deciding agency. A handful of
    queries, whatever the number of dossiers (the summary rows and the open ones)."""
    source = source or Source()
    report = PeriodicReport(
        period=period,
        period_label=period_label(kind, period),
        reporting_unit=reporting_unit,
        recipient=getattr(settings, "REPORTS_PERIODIC_RECIPIENT", ""),
        rows=rows,
    )
    if rows == "agency":
        found = indicators_by(period, scope, "agency", source, distributions=False)
        counts = _rolled_up(found, lambda key: key)
        names = {a.pk: a.name for a in Agency.objects.filter(pk__in=list(counts))}
        for number, (pk, row) in enumerate(
            sorted(counts.items(), key=lambda item: fold(names.get(item[0], ""))), 1
        ):
            report.lines.append(Line(str(number), names.get(pk, "—"), row))
            report.total.add(row)
        return report
    found = indicators_by(period, scope, "procedure", source, distributions=False)
    facts = source.procedures

    def level_and_sector(procedure: Hashable) -> tuple[str, int | None]:
        sector, level = facts.get(procedure, (None, ""))
        return level, sector

    counts = _rolled_up(found, level_and_sector)
    sectors = {
        s.pk: s.name
        for s in Sector.objects.filter(pk__in=[sector for _, sector in counts])
    }
    levels = [level for level in LEVEL_NAMES if any(k[0] == level for k in counts)]
    levels += sorted({k[0] for k in counts} - set(LEVEL_NAMES))
    for group, level in enumerate(levels):
        in_level = {k: v for k, v in counts.items() if k[0] == level}
        level_total = Counts()
        for row in in_level.values():
            level_total.add(row)
        report.lines.append(
            Line(
                ROMAN[group] if group < len(ROMAN) else str(group + 1),
                LEVEL_NAMES.get(level, level or "—"),
                level_total,
                is_group=True,
            )
        )
        ordered = sorted(in_level.items(), key=lambda i: fold(sectors.get(i[0][1], "")))
        for number, ((_, sector), row) in enumerate(ordered, 1):
            report.lines.append(Line(str(number), sectors.get(sector, "—"), row))
        report.total.add(level_total)
    return report


# --- the XLSX file ----------------------------------------------------------------

HEADER_ROWS = (
    # (row, column, last row, last column, text): the form's header, merged cells.
    (1, 1, 3, 1, "STT"),
    (1, 2, 3, 2, "Lĩnh vực, công việc giải quyết theo cấp"),
    (1, 3, 1, 6, "Số hồ sơ nhận giải quyết"),
    (1, 7, 1, 10, "Số hồ sơ đã giải quyết"),
    (1, 11, 1, 13, "Số hồ sơ đang giải quyết"),
    (2, 3, 3, 3, "Tổng số"),
    (2, 4, 2, 5, "Trong đó: số mới tiếp nhận"),
    (2, 6, 3, 6, "Số kỳ trước chuyển qua"),
    (2, 7, 3, 7, "Tổng số"),
    (2, 8, 3, 8, "Trước hạn"),
    (2, 9, 3, 9, "Đúng hạn"),
    (2, 10, 3, 10, "Quá hạn"),
    (2, 11, 3, 11, "Tổng số"),
    (2, 12, 3, 12, "Trong hạn"),
    (2, 13, 3, 13, "Quá hạn"),
    (3, 4, 3, 4, "Trực tuyến"),
    (3, 5, 3, 5, "Trực tiếp, dịch vụ bưu chính"),
)


def report_xlsx(report: PeriodicReport, created: date) -> HttpResponse:
    """The report as one sheet laid out as the form: its heading, the three
    header rows, the column numbers (1)–(13), the rows and the signatures."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "06a"
    bold = Font(bold=True)
    italic = Font(italic=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    last_column = 13

    def put(row: int, column: int, value: Any, **style: Any) -> None:
        cell = sheet.cell(row=row, column=column, value=value)
        for name, setting in style.items():
            setattr(cell, name, setting)

    def merged(row: int, first: int, last: int, value: Any, **style: Any) -> None:
        sheet.merge_cells(
            start_row=row, start_column=first, end_row=row, end_column=last
        )
        put(row, first, value, **style)

    merged(1, 1, 3, f"Biểu số {FORM_NUMBER}", font=bold)
    merged(1, 4, 10, FORM_TITLE, font=bold, alignment=centred)
    merged(1, 11, last_column, "Đơn vị báo cáo:", font=bold)
    merged(2, 11, last_column, report.reporting_unit)
    merged(3, 11, last_column, "Đơn vị nhận báo cáo:", font=bold)
    merged(4, 11, last_column, report.recipient or "…")
    merged(2, 4, 10, f"Kỳ báo cáo: {report.period_label}", font=bold, alignment=centred)
    merged(
        3,
        4,
        10,
        f"(Từ ngày {report.period.first:%d/%m/%Y} "
        f"đến ngày {report.period.last:%d/%m/%Y})",
        alignment=centred,
    )
    merged(5, 11, last_column, "Đơn vị tính: Số hồ sơ TTHC", font=italic)
    top = 6
    for row, column, last_row, last_col, text in HEADER_ROWS:
        if (row, column) != (last_row, last_col):
            sheet.merge_cells(
                start_row=top + row - 1,
                start_column=column,
                end_row=top + last_row - 1,
                end_column=last_col,
            )
        put(top + row - 1, column, text, font=bold, alignment=centred)
    for row in range(top, top + 3):
        for column in range(1, last_column + 1):
            sheet.cell(row=row, column=column).border = box
    numbers = top + 3
    for column in range(1, last_column + 1):
        put(numbers, column, f"({column})", font=italic, alignment=centred, border=box)
    row = numbers + 1
    lines: Iterable[tuple[str, str, Counts, bool]] = [
        ("", "Tổng số", report.total, True),
        *((ln.number, ln.label, ln.counts, ln.is_group) for ln in report.lines),
    ]
    for number, label, counts, is_group in lines:
        font = bold if is_group else Font()
        put(row, 1, number, font=font, border=box, alignment=centred)
        put(row, 2, label, font=font, border=box)
        for offset, value in enumerate(counts.columns()):
            put(row, 3 + offset, value, font=font, border=box)
        row += 1
    row += 1
    merged(row, 9, last_column, "…, ngày … tháng … năm …", font=italic)
    row += 1
    merged(row, 1, 4, "NGƯỜI LẬP BIỂU", font=bold, alignment=centred)
    merged(row, 9, last_column, "THỦ TRƯỞNG ĐƠN VỊ", font=bold, alignment=centred)
    row += 1
    merged(row, 1, 4, "(Ký, ghi rõ họ tên)", font=italic, alignment=centred)
    merged(row, 9, last_column, "(Ký tên, đóng dấu)", font=italic, alignment=centred)
    row += 2
    merged(
        row,
        1,
        last_column,
        f"Lập từ số liệu của OneCenter ngày {created:%d/%m/%Y}. "
        "Cột (9) gồm cả hồ sơ dừng giải quyết (Mẫu 05).",
        font=italic,
    )
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 42
    for column in range(3, last_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 11
    for header_row in range(top, top + 3):
        sheet.row_dimensions[header_row].height = 30
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{top}:{numbers}"
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}.xlsx"'
    return response


def reporting_unit(user: Any, scope_agency: Agency | None) -> str:
    """Who files the report: the agency chosen in the filters, else the user's."""
    if scope_agency is not None:
        return scope_agency.name
    agency = getattr(user, "agency", None)
    return agency.name if agency is not None else settings.CENTRE_NAME
