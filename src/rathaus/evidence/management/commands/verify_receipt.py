"""`manage.py verify_receipt RECEIPT.json|BUNDLE.zip`: check one receipt offline (exit 0 when
every check passes, else 1)."""

import zipfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.evidence.verification import receipt_verify


class Command(BaseCommand):
    help = (
        "Verify a receipt: its seal (CMS), its time-stamp (RFC 3161) and optionally the "
        "files it names. Takes the receipt's JSON (signature and time-stamp next to it by "
        "default) or the ZIP bundle."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("receipt", help="receipt.json, or the bundle .zip")
        parser.add_argument("--signature", help="the .p7s (default: next to the JSON)")
        parser.add_argument("--timestamp", help="the .tsr (default: next to the JSON)")
        parser.add_argument(
            "--file",
            action="append",
            default=[],
            metavar="NAME=PATH",
            help='a file the receipt names ("body" for the message body); repeatable',
        )
        parser.add_argument("--ca", help="PEM file of trust anchors (default: this installation's)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["receipt"])
        try:
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as bundle:
                    data = bundle.read("receipt.json")
                    signature = bundle.read("receipt.p7s")
                    timestamp = bundle.read("receipt.tsr")
            else:
                data = path.read_bytes()
                signature = Path(options["signature"] or path.with_suffix(".p7s")).read_bytes()
                timestamp = Path(options["timestamp"] or path.with_suffix(".tsr")).read_bytes()
            files: dict[str, bytes] = {}
            for spec in options["file"]:
                name, sep, file_path = spec.partition("=")
                if not sep or not name:
                    raise CommandError(f"--file wants NAME=PATH, not {spec!r}")
                files[name] = Path(file_path).read_bytes()
            trust_roots = [Path(options["ca"]).read_bytes()] if options["ca"] else None
        except (OSError, KeyError, zipfile.BadZipFile) as error:
            raise CommandError(f"Cannot read the receipt: {error}") from None
        result = receipt_verify(
            receipt_json=data,
            signature=signature,
            timestamp=timestamp,
            files=files,
            trust_roots=trust_roots,
        )
        if result.document is not None:
            self.stdout.write(
                f"Receipt {result.document.get('sequence')} ({result.document.get('kind')}), "
                f"issued {result.document.get('issued_at')}"
            )
        for check in result.checks:
            self.stdout.write(f"{'OK  ' if check.passed else 'FAIL'} {check.name}: {check.message}")
        if result.ok:
            self.stdout.write(self.style.SUCCESS("Receipt verified."))
            return
        self.stdout.write(self.style.ERROR("Receipt NOT verified."))
        raise SystemExit(1)
