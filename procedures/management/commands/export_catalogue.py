"""Write the whole procedure catalogue as a JSON file (docs/catalogue-format.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from procedures.catalogue_io import export_catalogue


class Command(BaseCommand):
    help = "Export the procedure catalogue as JSON to a file, or to stdout with '-'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Output file, or - for standard output.")

    def handle(self, *args: object, **options: object) -> None:
        document = export_catalogue()
        if options["path"] == "-":
            self.stdout.write(document)
            return
        Path(str(options["path"])).write_text(document, encoding="utf-8")
        self.stderr.write(self.style.SUCCESS(f"Catalogue written to {options['path']}"))
