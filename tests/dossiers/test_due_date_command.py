"""``manage.py due_date``: explanation lines, then the ISO due moment last."""

from datetime import date, time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from procedures.models import Agency, Procedure, Sector, TimeUnit
from workcalendar.models import CalendarException, ExceptionKind

pytestmark = pytest.mark.django_db


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command("due_date", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def procedure(code: str, value: int | None, unit: str, cutoff: time | None = None):
    desk = Agency.objects.get_or_create(
        code="000.00.12.H57",
        defaults={"name": "Trung tâm PVHCC", "level": "province"},
    )[0]
    sector = Sector.objects.get_or_create(code="ho-tich", name="Hộ tịch")[0]
    return Procedure.objects.create(
        code=code,
        name=f"Thủ tục {code}",
        sector=sector,
        level="province",
        receiving_agency=desk,
        deciding_agency=desk,
        result="Giấy chứng nhận",
        processing_time_value=value,
        processing_time_unit=unit,
        cutoff_time=cutoff,
    )


def test_working_days_after_hours_on_friday():
    """Received Friday 18:00 with 1 working day: counted from Monday, due Tuesday
    17:00."""
    lines = run("--received", "2026-11-27 18:00", "--working-days", "1")
    assert lines[-1] == "2026-12-01T17:00:00+07:00"
    text = "\n".join(lines)
    assert "Monday 2026-11-30" in text
    assert "after closing time 17:00" in text
    assert "1 working day(s)" in text


def test_working_days_honour_calendar_exceptions():
    """A stored extra day off pushes the due date."""
    CalendarException.objects.create(
        date=date(2026, 12, 1), kind=ExceptionKind.DAY_OFF, reason="Test"
    )
    lines = run("--received", "2026-11-30 10:00", "--working-days", "1")
    assert lines[-1] == "2026-12-02T17:00:00+07:00"


def test_working_days_across_tet_2027():
    """Three working days from Tue 2 Feb 2027 skip the whole Tết break."""
    lines = run("--received", "2027-02-02 09:00", "--working-days", "3")
    assert lines[-1] == "2027-02-12T17:00:00+07:00"


def test_procedure_same_day_with_cutoff():
    """A same-day procedure with a 15:00 cut-off received at 16:00 is due the next
    working day at 17:00."""
    procedure("1.001193", None, TimeUnit.SAME_DAY, time(15))
    lines = run("--received", "2026-11-30 16:00", "--procedure", "1.001193")
    assert lines[-1] == "2026-12-01T17:00:00+07:00"
    text = "\n".join(lines)
    assert "after the 15:00 cut-off" in text
    assert "procedure 1.001193, cut-off 15:00" in text


def test_procedure_working_hours():
    """An 8-working-hour procedure received Monday 16:00 is due Tuesday 16:00."""
    procedure("1.000001", 8, TimeUnit.WORKING_HOURS)
    lines = run("--received", "2026-11-30 16:00", "--procedure", "1.000001")
    assert lines[-1] == "2026-12-01T16:00:00+07:00"


def test_procedure_calendar_days():
    """Five calendar days from Monday land on Saturday, so due Monday after."""
    procedure("1.000002", 5, TimeUnit.CALENDAR_DAYS)
    lines = run("--received", "2026-11-30 10:00", "--procedure", "1.000002")
    assert lines[-1] == "2026-12-07T17:00:00+07:00"


def test_unknown_procedure_is_a_clear_error():
    """An unknown code names the code."""
    with pytest.raises(CommandError, match=r"No procedure has the code '9\.999999'"):
        run("--received", "2026-11-30 10:00", "--procedure", "9.999999")


def test_procedure_without_processing_time_is_an_error():
    """A draft without a processing time cannot give a due date."""
    procedure("1.000003", None, TimeUnit.WORKING_DAYS)
    with pytest.raises(CommandError, match="has no processing time"):
        run("--received", "2026-11-30 10:00", "--procedure", "1.000003")


@pytest.mark.parametrize("received", ["30/11/2026 10:00", "2026-11-30", "tomorrow"])
def test_bad_received_format_is_an_error(received):
    """A received moment not written YYYY-MM-DD HH:MM is refused."""
    with pytest.raises(CommandError, match="YYYY-MM-DD HH:MM"):
        run("--received", received, "--working-days", "1")


def test_one_processing_time_option_is_required():
    """Either --working-days or --procedure must be given, not both."""
    with pytest.raises(CommandError):
        run("--received", "2026-11-30 10:00")
    with pytest.raises(CommandError):
        run(
            "--received",
            "2026-11-30 10:00",
            "--working-days",
            "1",
            "--procedure",
            "1.001193",
        )
    with pytest.raises(CommandError, match="0 or more"):
        run("--received", "2026-11-30 10:00", "--working-days", "-1")
