"""``manage.py send_reminders``: run the reminder scan once and send what is due."""

from collections import Counter
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from notifications.delivery import DeliveryError
from reminders import delivery, scan
from reminders.models import Kind, Status


class Command(BaseCommand):
    help = (
        "Run the reminder scan once, as Celery beat does at 07:00 and 13:00: record "
        "the reminders due now and send every pending one, in this process. Prints "
        "how many of each kind were sent; the last line is 'N reminders sent' "
        "('N reminders would be sent' with --dry-run, which records nothing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be sent; record and send nothing.",
        )
        parser.add_argument(
            "--now",
            metavar="ISO",
            help="Scan as if it were this moment, e.g. 2026-12-03T07:00 (local time "
            "unless an offset is given). Default: the current time.",
        )

    def handle(
        self, *args: Any, dry_run: bool, now: str | None, **options: Any
    ) -> None:
        moment = self._moment(now)
        local = timezone.localtime(moment, timezone.get_default_timezone())
        self.stdout.write(f"Reminder scan at {local:%Y-%m-%d %H:%M %Z}")
        failed = 0
        if dry_run:
            counts = scan.preview(moment)
            working_day = counts is not None
            counts = counts or Counter()
        else:
            result = scan.record_due_reminders(moment)
            working_day = result.working_day
            counts, failed = self._deliver(result.pending)
        if not working_day:
            self.stdout.write("Not a working day: no reminders are sent.")
        for kind in Kind:
            self.stdout.write(f"{kind.value}: {counts[kind.value]}")
        if failed:
            self.stdout.write(
                f"{failed} reminders not sent (see the admin; pending ones are retried "
                "by the next scan)"
            )
        total = sum(counts.values())
        self.stdout.write(
            f"{total} reminders would be sent" if dry_run else f"{total} reminders sent"
        )

    def _deliver(self, pending: list[int]) -> tuple[Counter[str], int]:
        sent: Counter[str] = Counter()
        failed = 0
        for reminder_id in pending:
            try:
                reminder = delivery.deliver(reminder_id)
            except DeliveryError:
                failed += 1
                continue
            if reminder is None:
                continue  # sent already, or another process is sending it
            if reminder.status == Status.SENT:
                sent[reminder.kind] += 1
            elif reminder.status == Status.FAILED:
                failed += 1
        return sent, failed

    def _moment(self, text: str | None) -> datetime:
        if not text:
            return timezone.now()
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            raise CommandError(
                f"--now {text!r} is not an ISO 8601 moment like 2026-12-03T07:00."
            ) from None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        return moment
