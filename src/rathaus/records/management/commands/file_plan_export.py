"""Export a municipality's file plan as CSV: `manage.py file_plan_export SLUG [FILE]` (to
standard output without FILE). The import reads it back unchanged."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.municipalities.models import Municipality
from rathaus.records.selectors import file_plan_csv


class Command(BaseCommand):
    help = "Export the file plan (Aktenplan) of a municipality as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("municipality", help="the municipality's slug")
        parser.add_argument("file", type=Path, nargs="?", help="output file (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(slug=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"No municipality with the slug {options['municipality']!r}.")
        data = file_plan_csv(municipality=municipality)
        if options["file"] is None:
            sys.stdout.buffer.write(data)
        else:
            options["file"].write_bytes(data)
