"""``manage.py due_date``: explanation lines, each route step's due moment, then
the ISO due moment last."""

from datetime import date, time
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from procedures.models import Agency, Procedure, RouteStep, Sector, TimeUnit
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


ROUTE = [("Thụ lý", "0.5"), ("Thẩm định", "1"), ("Ký duyệt", "0.5")]


@pytest.mark.parametrize(
    ("unit", "value", "received", "step_dues", "due"),
    [
        # Office time left 14:00-17:00, shared 1/2/1 (the days are weights).
        (
            TimeUnit.SAME_DAY,
            None,
            "2026-11-30 14:00",
            ["2026-11-30T14:45:00", "2026-11-30T16:15:00"],
            "2026-11-30T17:00:00+07:00",
        ),
        # Mon 17:00 to Mon 7 Dec 17:00 shared 1/2/1; Sun 23:00 moves to Fri 17:00.
        (
            TimeUnit.CALENDAR_DAYS,
            5,
            "2026-11-30 10:00",
            ["2026-12-02T11:00:00", "2026-12-04T17:00:00"],
            "2026-12-07T17:00:00+07:00",
        ),
        # 8 office hours from Mon 16:00, shared 1/2/1.
        (
            TimeUnit.WORKING_HOURS,
            8,
            "2026-11-30 16:00",
            ["2026-12-01T08:30:00", "2026-12-01T14:00:00"],
            "2026-12-01T16:00:00+07:00",
        ),
        # Working days: each step takes its own days from Mon 17:00.
        (
            TimeUnit.WORKING_DAYS,
            2,
            "2026-11-30 10:00",
            ["2026-12-01T11:30:00", "2026-12-02T11:30:00"],
            "2026-12-02T17:00:00+07:00",
        ),
    ],
    ids=["same-day", "calendar-days", "working-hours", "working-days"],
)
def test_procedure_route_steps_are_listed_before_the_due_line(
    unit, value, received, step_dues, due
):
    """With --procedure, one line per route step (in order, ISO 8601) comes just
    before the last line, which stays the dossier's due moment; the last step is
    due with the dossier."""
    found = procedure("1.000010", value, unit)
    for position, (name, days) in enumerate(ROUTE):
        RouteStep.objects.create(
            procedure=found, position=position, name=name, working_days=Decimal(days)
        )
    lines = run("--received", received, "--procedure", "1.000010")
    assert lines[-1] == due
    assert lines[-4:-1] == [
        f"Step 1 – Thụ lý: {step_dues[0]}+07:00",
        f"Step 2 – Thẩm định: {step_dues[1]}+07:00",
        f"Step 3 – Ký duyệt: {due}",
    ]
    assert not lines[-5].startswith("Step ")


def test_no_step_lines_without_a_route():
    """A procedure without a route, or --working-days, prints no step line."""
    procedure("1.000011", 1, TimeUnit.WORKING_DAYS)
    for args in (["--procedure", "1.000011"], ["--working-days", "1"]):
        lines = run("--received", "2026-11-30 10:00", *args)
        assert lines[-1] == "2026-12-01T17:00:00+07:00"
        assert not any(line.startswith("Step ") for line in lines)


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
