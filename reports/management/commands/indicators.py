"""``manage.py indicators``: the indicators of a period, or a summary rebuild."""

import csv
import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from procedures.models import Agency
from reports import summaries
from reports.indicators import Period, Scope, indicators


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD).") from exc


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class Command(BaseCommand):
    help = (
        "Print the indicators of a period (default: this month so far) as JSON or "
        "CSV, or rebuild the statistics' summary rows from the dossiers."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="first", type=_day)
        parser.add_argument("--to", dest="last", type=_day)
        parser.add_argument("--agency", help="An agency code: it and its subtree.")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Recompute every summary row from the dossiers, then stop.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            count = summaries.rebuild_all()
            self.stdout.write(f"Rebuilt {count} summary rows.")
            return
        today = timezone.localdate()
        period = Period(
            options["first"] or today.replace(day=1), options["last"] or today
        )
        if period.last < period.first:
            raise CommandError("--to comes before --from.")
        scope = Scope()
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"No agency has the code {options['agency']!r}.")
            scope = scope.narrowed(agency=agency.pk)
        if summaries.built_through() is None:
            summaries.refresh()
        values = _plain(indicators(period, scope).as_dict())
        values = {"from": str(period.first), "to": str(period.last), **values}
        if options["format"] == "json":
            self.stdout.write(json.dumps(values, ensure_ascii=False, indent=2))
            return
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["indicator", "value"])
        for name, value in _flat(values):
            writer.writerow([name, "" if value is None else value])
        self.stdout.write(buffer.getvalue(), ending="")


def _flat(values: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for name, value in values.items():
        if name == "index_766":
            for group in value:
                rows.append((f"index_766.{group['group']}.points", group["points"]))
                rows.append((f"index_766.{group['group']}.max", group["max_points"]))
        elif isinstance(value, dict):
            rows.extend(_flat(value, f"{prefix}{name}."))
        else:
            rows.append((f"{prefix}{name}", value))
    return rows
