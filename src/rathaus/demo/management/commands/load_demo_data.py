"""`manage.py load_demo_data`: load or refresh the demo municipalities and services."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rathaus.demo.loader import demo_load


class Command(BaseCommand):
    help = (
        "Load the demo municipalities, offices, services, online forms and demo accounts "
        "(Düren, Gütersloh, Cochem-Zell). "
        "Safe to run again: only what is missing or different is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--accounts",
            action="store_true",
            help="Show the demo log-ins (password, TOTP secret) even when nothing was created.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_load()
        self.stdout.write(self.style.SUCCESS(result.summary()))
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        # The log-ins are shown when the accounts are created (the API token exists only
        # then) and on request; a second plain run stays quiet.
        if result.credentials and (result.accounts_created or options["accounts"]):
            self.stdout.write("Demo accounts (demo only, never in production):")
            for line in result.credentials:
                self.stdout.write(f"  {line}")
