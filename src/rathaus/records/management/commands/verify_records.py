"""Check that every stored document content is present and unaltered:
`manage.py verify_records [--document ID]`. Names each document version whose content is
missing or altered (file reference, document, version, SHA-256) and exits non-zero if any."""

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.records.integrity import records_verify
from rathaus.records.models import StoredContent


class Command(BaseCommand):
    help = "Verify the stored contents of the records (present, SHA-256 unchanged)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--document", help="only this document's versions (its id)")

    def handle(self, *args: Any, **options: Any) -> None:
        document_id = None
        if options["document"]:
            try:
                document_id = uuid.UUID(options["document"])
            except ValueError:
                raise CommandError(f"Not a document id: {options['document']!r}") from None
        problems = 0
        for found in records_verify(document_id=document_id):
            problems += 1
            holders = (
                ", ".join(
                    f"{v.document.file.file_reference} „{v.document.title}“ v{v.number}"
                    for v in found.versions
                )
                or "no document"
            )
            self.stderr.write(f"{found.problem}: {found.content.sha256} ({holders})")
        if problems:
            raise CommandError(f"{problems} stored content(s) missing or altered.")
        total = StoredContent.objects.count()
        self.stdout.write(f"All {total} stored contents are present and unaltered.")
