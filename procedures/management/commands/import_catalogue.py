"""Import a catalogue JSON file, all or nothing (docs/catalogue-format.md)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from procedures.catalogue_io import CatalogueImportError, import_catalogue


class Command(BaseCommand):
    help = "Import a catalogue JSON file; nothing is written unless all of it is valid."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The catalogue file to import.")

    def handle(self, *args: object, **options: object) -> None:
        try:
            document = json.loads(Path(str(options["path"])).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {options['path']}: {exc}") from exc
        try:
            summary = import_catalogue(document)
        except CatalogueImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(exc.errors)} problem(s) found; nothing was imported."
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                "Imported: {created} created, {updated} updated.".format(**summary)
            )
        )
