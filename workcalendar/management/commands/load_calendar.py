"""``manage.py load_calendar``: store the official day swaps of ``official.py``."""

from django.core.management.base import BaseCommand, CommandParser

from workcalendar.official import Action, load_official


class Command(BaseCommand):
    help = (
        "Add the government's official day swaps (workcalendar/official.py) that are "
        "missing and bring the reason and source of stored ones up to date. Rows on "
        "other dates, the administrators' and the demo's, are left alone; a row "
        "that contradicts an official swap on its date is replaced and kept in its "
        "history. Never creates demo rows. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would change without writing anything.",
        )

    def handle(self, *args: object, **options: object) -> None:
        dry_run = bool(options["dry_run"])
        done = load_official(dry_run=dry_run)
        for item in done:
            line = (
                f"{item.action:<9} {item.record.date:%d/%m/%Y} "
                f"{item.record.kind}: {item.record.source}"
            )
            if item.previous:
                line += f"\n          was {item.previous}"
            if item.action is Action.REPLACED:
                line = self.style.WARNING(line)
            self.stdout.write(line)
        counts = ", ".join(
            f"{sum(item.action is action for item in done)} {action}"
            for action in Action
        )
        prefix = "Dry run, nothing written: " if dry_run else ""
        self.stdout.write(f"{prefix}{len(done)} official swaps: {counts}.")
