"""`manage.py verify_receipts [--signatures]`: walk the receipt chain and report the first
break (exit 1), else the number of receipts checked."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rathaus.evidence.verification import receipt_chain_verify


class Command(BaseCommand):
    help = (
        "Check the chain of receipts: each receipt's hash, sequence number and link to the "
        "previous one; with --signatures also each seal and time-stamp."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--signatures", action="store_true", help="also verify every seal and time-stamp"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = receipt_chain_verify(signatures=options["signatures"])
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"Chain intact: {result.count} receipts."))
            return
        self.stdout.write(
            self.style.ERROR(f"Chain broken at receipt {result.broken_at}: {result.message}")
        )
        raise SystemExit(1)
