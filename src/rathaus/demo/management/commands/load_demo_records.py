"""`manage.py load_demo_records`: the demo data of the E-Akte (rathaus.demo.records), after
`load_demo_data` and `seal_demo_ca`."""

from typing import Any

from django.core.management.base import BaseCommand

from rathaus.demo.records import demo_records_load


class Command(BaseCommand):
    help = (
        "Load the demo data of the records: the demo citizen's dog-tax application filed with "
        "its documents, a message, a scan batch waiting for its check, a file due for disposal "
        "and Düren's archive connection. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_records_load()
        for line in result.done:
            self.stdout.write(self.style.SUCCESS(f"Records demo: {line}"))
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"Records demo: {warning}"))
