"""Import a municipality's file plan from CSV: `manage.py file_plan_import SLUG FILE`.

The format is the export's (`manage.py file_plan_export`, rathaus.records.file_plan_csv).
Items are created or changed by number; items not in the file stay. Nothing changes when
any row is wrong: the command lists every problem with its line and exits non-zero."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.core.actors import Actor
from rathaus.municipalities.models import Municipality
from rathaus.records.file_plan_csv import FilePlanCsvError
from rathaus.records.services import file_plan_import


class Command(BaseCommand):
    help = "Import the file plan (Aktenplan) of a municipality from a CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("municipality", help="the municipality's slug")
        parser.add_argument("file", type=Path, help="CSV file (semicolons or commas, UTF-8)")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(slug=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"No municipality with the slug {options['municipality']!r}.")
        try:
            data = options["file"].read_bytes()
        except OSError as error:
            raise CommandError(f"{options['file']}: {error.strerror}") from None
        try:
            result = file_plan_import(
                actor=Actor.system("file_plan_import"), municipality=municipality, data=data
            )
        except FilePlanCsvError as error:
            raise CommandError("\n".join(["Nothing was imported:", *error.errors])) from None
        self.stdout.write(
            f"{municipality.name}: {len(result.created)} created, {len(result.changed)} "
            f"changed, {len(result.unchanged)} unchanged, {len(result.not_in_file)} not in the "
            "file (kept)."
        )
