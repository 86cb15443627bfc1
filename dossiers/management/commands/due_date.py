"""``manage.py due_date``: when a dossier received at a given moment is due."""

from datetime import date, datetime, time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dossiers.deadlines import (
    CALENDAR_DAYS,
    SAME_DAY,
    WORKING_DAYS,
    WORKING_HOURS,
    ProcessingTime,
    WorkCalendar,
    due_at,
    receipt_day,
    route_step_dues,
)
from procedures.models import Procedure
from workcalendar.calendar import load_calendar

RECEIVED_FORMAT = "%Y-%m-%d %H:%M"

UNIT_NAMES = {
    WORKING_DAYS: "working day(s)",
    CALENDAR_DAYS: "calendar day(s)",
    WORKING_HOURS: "working hour(s)",
    SAME_DAY: "same day",
}


class Command(BaseCommand):
    help = (
        "Show when a dossier received at a given local time is due, by the working "
        "calendar (holidays and calendar exceptions). With --procedure, one line "
        "per route step gives its due moment in ISO 8601, as if transferred when "
        "received. The last line is the dossier's due moment in ISO 8601."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--received",
            required=True,
            metavar='"YYYY-MM-DD HH:MM"',
            help="When the dossier was received, in the centre's local time.",
        )
        processing_time = parser.add_mutually_exclusive_group(required=True)
        processing_time.add_argument(
            "--working-days", type=int, metavar="N", help="Processing time in days."
        )
        processing_time.add_argument(
            "--procedure",
            metavar="CODE",
            help="National procedure code; uses its processing time and cut-off.",
        )

    def handle(
        self,
        *args: object,
        received: str,
        working_days: int | None,
        procedure: str | None,
        **options: object,
    ) -> None:
        try:
            received_at = datetime.strptime(received.strip(), RECEIVED_FORMAT).replace(
                tzinfo=timezone.get_default_timezone()
            )
        except ValueError:
            raise CommandError(
                f'--received {received!r} is not a date and time like "2026-11-27 '
                '16:30" (YYYY-MM-DD HH:MM).'
            ) from None
        calendar = load_calendar([received_at.year])

        cutoff: time | None = None
        route: list[tuple[str, Decimal]] = []
        if procedure is not None:
            value, unit, cutoff, label, route = self._procedure_time(procedure)
        else:
            if working_days is None or working_days < 0:
                raise CommandError("--working-days must be 0 or more.")
            value, unit, label = working_days, WORKING_DAYS, "given on the command line"

        due = due_at(received_at, value, unit, calendar, cutoff)
        counted_from = receipt_day(received_at, calendar, cutoff)
        amount = UNIT_NAMES[unit] if unit == SAME_DAY else f"{value} {UNIT_NAMES[unit]}"
        self.stdout.write(f"Received:        {received_at:%A %Y-%m-%d %H:%M}")
        self.stdout.write(
            f"Counted from:    {counted_from:%A %Y-%m-%d} "
            f"({self._why(received_at, counted_from, calendar, cutoff)})"
        )
        self.stdout.write(f"Processing time: {amount} ({label})")
        self.stdout.write(f"Due:             {due:%A %Y-%m-%d %H:%M}")
        step_dues = route_step_dues(
            received_at,
            ProcessingTime(value, unit, cutoff),
            [days for _name, days in route],
            calendar,
            transferred_at=received_at,
            due=due,
        )
        for number, ((name, _days), step_due) in enumerate(
            zip(route, step_dues, strict=True), start=1
        ):
            self.stdout.write(f"Step {number} – {name}: {step_due.isoformat()}")
        self.stdout.write(due.isoformat())

    def _procedure_time(
        self, code: str
    ) -> tuple[int | None, str, time | None, str, list[tuple[str, Decimal]]]:
        try:
            found = Procedure.objects.get(code=code)
        except Procedure.DoesNotExist:
            raise CommandError(f"No procedure has the code {code!r}.") from None
        unit = found.processing_time_unit
        if found.processing_time_value is None and unit != SAME_DAY:
            raise CommandError(
                f"Procedure {code} has no processing time set; fill it in the "
                "catalogue first."
            )
        label = f"procedure {code}"
        if found.cutoff_time is not None:
            label += f", cut-off {found.cutoff_time:%H:%M}"
        route = [(step.name, step.working_days) for step in found.route_steps.all()]
        return found.processing_time_value, unit, found.cutoff_time, label, route

    @staticmethod
    def _why(
        received_at: datetime,
        counted_from: date,
        calendar: WorkCalendar,
        cutoff: time | None,
    ) -> str:
        if counted_from == received_at.date():
            return "the day received"
        if not calendar.is_working_day(received_at.date()):
            return "received on a non-working day"
        if cutoff is not None and received_at.time() > cutoff:
            return f"received after the {cutoff:%H:%M} cut-off"
        return f"received after closing time {calendar.office_hours.closing:%H:%M}"
