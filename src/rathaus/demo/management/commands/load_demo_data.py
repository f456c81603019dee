"""`manage.py load_demo_data`: load or refresh the demo municipalities and services."""

from typing import Any

from django.core.management.base import BaseCommand

from rathaus.demo.loader import demo_load


class Command(BaseCommand):
    help = (
        "Load the demo municipalities, offices and services (Düren, Gütersloh, Cochem-Zell). "
        "Safe to run again: only what is missing or different is written."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_load()
        self.stdout.write(self.style.SUCCESS(result.summary()))
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
