"""Form 07, the register of dossiers (sổ theo dõi hồ sơ): its rows, and the whole
period as a CSV or XLSX file.

The rows come from ``selectors.received_register`` and are the same on screen, in
the PDF and in both files. Nothing here caps them: a register that stops at some
number of rows is an incomplete legal book, so the files are written row by row
(CSV streamed, XLSX in openpyxl's write-only mode) whatever the period holds.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from itertools import islice
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from exports.spreadsheets import csv_response, safe_cell
from workcalendar.types import OFFICE_TZ

from . import deadlines
from .models import CLOCK_RUNNING_STATES, Dossier, State

# Rows read from the database per round trip when a whole period is written.
CHUNK_SIZE = 2000
# Rows per table of the PDF (see ``in_groups``): 10–25 pages of A4, so the page
# left part-empty at the end of each table wastes little paper.
PDF_GROUP_SIZE = 200
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The files' columns, in the printed form's order (its columns "address, phone"
# and "notes" are split in two each, so a spreadsheet can sort and filter them).
HEADINGS = (
    # Translators: the column headings of the register (Form 07, "Sổ theo dõi hồ
    # sơ"), in the legal form's words: TT, Mã hồ sơ, Tên thủ tục hành chính, Số
    # lượng hồ sơ (bộ), Tên cá nhân, tổ chức, Địa chỉ, Số điện thoại, Cơ quan chủ
    # trì giải quyết, Ngày nhận hồ sơ, Ngày hẹn trả kết quả, Ngày chuyển hồ sơ đến
    # cơ quan giải quyết, Ngày nhận kết quả từ cơ quan giải quyết, Ngày trả kết quả
    # cho cá nhân, tổ chức, Trước hạn / đúng hạn / quá hạn, Ghi chú.
    pgettext_lazy("Form 07 column", "No."),
    pgettext_lazy("Form 07 column", "Dossier code"),
    pgettext_lazy("Form 07 column", "Procedure"),
    pgettext_lazy("Form 07 column", "Number of dossiers (sets)"),
    pgettext_lazy("Form 07 column", "Applicant (person or organisation)"),
    pgettext_lazy("Form 07 column", "Address"),
    pgettext_lazy("Form 07 column", "Phone"),
    pgettext_lazy("Form 07 column", "Deciding agency"),
    pgettext_lazy("Form 07 column", "Received"),
    pgettext_lazy("Form 07 column", "Appointment for the result"),
    pgettext_lazy("Form 07 column", "Transferred to the deciding agency"),
    pgettext_lazy("Form 07 column", "Result received from the deciding agency"),
    pgettext_lazy("Form 07 column", "Result returned to the applicant"),
    pgettext_lazy("Form 07 column", "Early / on time / late"),
    pgettext_lazy("Form 07 column", "Notes"),
)
# Widths of the XLSX columns, in characters.
WIDTHS = (6, 28, 48, 10, 26, 40, 14, 30, 17, 17, 17, 17, 17, 14, 40)


@dataclass(frozen=True)
class RegisterRow:
    """One line of the register."""

    number: int
    code: str
    procedure: str
    applicant: str
    address: str
    phone: str
    deciding_agency: str
    received_at: datetime | None
    appointment_at: datetime | None
    transferred_at: datetime | None
    result_back_at: datetime | None
    returned_at: datetime | None
    # deadlines.EARLY, ON_TIME or LATE; "" while it cannot be told yet.
    timeliness: str
    state: str
    extended_due_at: datetime | None

    @property
    def timeliness_label(self) -> str:
        label = deadlines.TIMELINESS_LABELS.get(self.timeliness)
        return str(label) if label else ""

    @property
    def note(self) -> str:
        parts = [self.state]
        if self.extended_due_at:
            parts.append(
                _("extended to %(date)s")
                % {"date": _local(self.extended_due_at).strftime("%d/%m/%Y")}
            )
        return "; ".join(parts)


def register_rows(
    dossiers: Iterable[Dossier], *, now: datetime, first: int = 1
) -> Iterator[RegisterRow]:
    """The register's lines for ``dossiers`` (from ``received_register``),
    numbered from ``first``."""
    # Read once: Django's get_state_display() rebuilds the choices on every call.
    states = {value: str(label) for value, label in State.choices}
    for number, dossier in enumerate(dossiers, start=first):
        yield RegisterRow(
            number=number,
            code=dossier.code or "",
            procedure=dossier.procedure_name or "",
            applicant=register_applicant(dossier),
            address=dossier.applicant_address,
            phone=dossier.applicant_phone,
            deciding_agency=dossier.deciding_agency.name,
            received_at=dossier.received_at,
            appointment_at=dossier.current_due_at,
            transferred_at=dossier.transferred_at,
            result_back_at=dossier.result_back_at,
            returned_at=dossier.returned_at,
            timeliness=register_timeliness(dossier, now),
            state=states.get(dossier.state, dossier.state),
            extended_due_at=dossier.extended_due_at,
        )


def register_applicant(dossier: Dossier) -> str:
    """The form's one column "name of the person or organisation": the
    organisation a dossier was filed for, with its tax code, then who filed it.

    One column rather than a new one, because Form 07 has a single column for the
    person or organisation the dossier is about; the filer stays beside it, as
    the desk hands the result to them.
    """
    if not dossier.organisation_name:
        return dossier.applicant_name
    organisation = dossier.organisation_name
    if dossier.organisation_tax_code:
        organisation = _("%(organisation)s (tax code %(tax_code)s)") % {
            "organisation": organisation,
            "tax_code": dossier.organisation_tax_code,
        }
    return _("%(organisation)s, filed by: %(applicant)s") % {
        "organisation": organisation,
        "applicant": dossier.applicant_name,
    }


def in_groups(rows: Iterable[RegisterRow], size: int) -> Iterator[list[RegisterRow]]:
    """The rows in groups of ``size``. The PDF prints each group as a table of
    its own from a new page: WeasyPrint lays out a table in a time that grows
    with the pages it spans, so a long register in one table grows faster than
    its rows; in short tables it stays linear."""
    iterator = iter(rows)
    while group := list(islice(iterator, size)):
        yield group


def register_timeliness(dossier: Dossier, now: datetime) -> str:
    """Early, on time or late, as far as it can be told at ``now``.

    A returned dossier keeps the class it was given when returned; a decided one
    is classed the same way (the decision against the due date in force); an
    open one whose clock runs is late once its due date has passed. A dossier
    waiting for the applicant's supplement is never late: its clock stands still.
    """
    if dossier.state == State.RETURNED:
        return dossier.timeliness
    if dossier.decided_at and dossier.current_due_at:
        return deadlines.classify(dossier.decided_at, dossier.current_due_at)
    if (
        dossier.state in CLOCK_RUNNING_STATES
        and dossier.current_due_at
        and now > dossier.current_due_at
    ):
        return deadlines.LATE
    return ""


def register_filename(start: date, end: date) -> str:
    return f"so-theo-doi-ho-so-{start:%Y%m%d}-{end:%Y%m%d}"


def register_csv(rows: Iterable[RegisterRow], filename: str) -> StreamingHttpResponse:
    """The rows as CSV, streamed (``exports.spreadsheets.csv_response``)."""
    return csv_response(
        HEADINGS, rows, lambda row: [_text(value) for value in _values(row)], filename
    )


def register_xlsx(rows: Iterable[RegisterRow], filename: str) -> HttpResponse:
    """The rows as an XLSX workbook, written in openpyxl's write-only mode (rows go
    straight to the file, not into a worksheet held in memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Dossier register")[:31])
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2"
    heading_font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def heading(text: Any) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = heading_font
        cell.alignment = wrap
        return cell

    def moment(value: datetime) -> WriteOnlyCell:
        # Excel has no time zones: the office's local time, as on the paper form.
        cell = WriteOnlyCell(sheet, value=_local(value).replace(tzinfo=None))
        cell.number_format = "dd/mm/yyyy hh:mm"
        return cell

    def cell(value: Any) -> Any:
        if isinstance(value, datetime):
            return moment(value)
        if isinstance(value, str) and value.startswith("="):
            # An applicant's "=…" is text, never a formula Excel would run.
            text = WriteOnlyCell(sheet, value=value)
            text.data_type = "s"
            return text
        return value

    sheet.append([heading(text) for text in HEADINGS])
    for row in rows:
        sheet.append([cell(value) for value in _values(row)])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _values(row: RegisterRow) -> list[Any]:
    """A row's cells in the order of ``HEADINGS``."""
    return [
        row.number,
        row.code,
        row.procedure,
        1,
        row.applicant,
        row.address,
        row.phone,
        row.deciding_agency,
        row.received_at,
        row.appointment_at,
        row.transferred_at,
        row.result_back_at,
        row.returned_at,
        row.timeliness_label,
        row.note,
    ]


def _local(moment: datetime) -> datetime:
    return moment.astimezone(OFFICE_TZ)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value).strftime("%d/%m/%Y %H:%M")
    # Text typed by applicants must not reach a spreadsheet as a formula.
    return safe_cell(str(value))
