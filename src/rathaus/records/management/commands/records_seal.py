"""Seal the days that are over: `manage.py records_seal [--until YYYY-MM-DD]` puts the hashes
of the document versions filed each day into that day's Merkle tree, chained to the previous
one and time-stamped (records.sealing). Celery beat runs it every night; running it again
seals nothing twice."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.records.sealing import days_seal


class Command(BaseCommand):
    help = "Seal the document versions of the days that are over into time-stamped trees."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--until", help="the last day to seal (default: yesterday)")

    def handle(self, *args: Any, **options: Any) -> None:
        until = None
        if options["until"]:
            try:
                until = dt.date.fromisoformat(options["until"])
            except ValueError:
                raise CommandError(f"Not a date: {options['until']!r}") from None
        try:
            trees = days_seal(until=until)
        except ValueError as error:
            raise CommandError(str(error)) from None
        for tree in trees:
            self.stdout.write(f"{tree.day}: {tree.size} version(s), root {tree.root}")
        self.stdout.write(f"{len(trees)} day(s) sealed.")
