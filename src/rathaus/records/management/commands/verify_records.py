"""Check the records: `manage.py verify_records [--document ID]`.

1. Every stored content is present and has the SHA-256 it was stored under (a missing or
   altered object is named with the document versions that hold it).
2. Every daily integrity tree recomputes from the hashes in the database, its time-stamp is
   valid and it links to the tree before (a changed hash, a version taken out, a broken chain
   are named).
3. With `--document`: for each version of that document, the proof that exactly these bytes
   existed when its tree was time-stamped (its leaf, the inclusion proof, the time).

Exits non-zero when anything fails."""

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.records.integrity import records_verify
from rathaus.records.models import DocumentVersion, StoredContent
from rathaus.records.sealing import trees_verify, version_proof


class Command(BaseCommand):
    help = "Verify the records: stored contents, integrity trees, proofs of one document."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--document", help="only this document's versions (its id)")

    def handle(self, *args: Any, **options: Any) -> None:
        document_id = None
        if options["document"]:
            try:
                document_id = uuid.UUID(options["document"])
            except ValueError:
                raise CommandError(f"Not a document id: {options['document']!r}") from None
        problems = self._contents(document_id) + self._trees()
        if document_id is not None:
            problems += self._proofs(document_id)
        if problems:
            raise CommandError(f"{problems} problem(s) found.")

    def _contents(self, document_id: uuid.UUID | None) -> int:
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
            self.stderr.write(f"{problems} stored content(s) missing or altered.")
        else:
            total = StoredContent.objects.count()
            self.stdout.write(f"All {total} stored contents are present and unaltered.")
        return problems

    def _trees(self) -> int:
        checks = trees_verify()
        broken = [c for c in checks if c.problems]
        for check in broken:
            for problem in check.problems:
                self.stderr.write(f"integrity tree of {check.tree.day}: {problem}")
        if not broken:
            self.stdout.write(
                f"All {len(checks)} integrity trees recompute, are time-stamped and chained."
            )
        return len(broken)

    def _proofs(self, document_id: uuid.UUID) -> int:
        versions = DocumentVersion.objects.filter(document_id=document_id).select_related(
            "content", "tree"
        )
        if not versions:
            raise CommandError(f"No document {document_id}.")
        problems = 0
        for version in versions.order_by("number"):
            proof = version_proof(version)
            if proof.tree is None:  # filed on a day not over (or not sealed) yet: no failure
                self.stdout.write(
                    f"v{version.number} ({version.content.sha256}): not sealed yet (its day's "
                    "tree is made once the day is over: manage.py records_seal)"
                )
            elif proof.proven and proof.tree is not None and proof.timestamped_at is not None:
                self.stdout.write(
                    f"v{version.number} ({version.content.sha256}) existed at "
                    f"{proof.timestamped_at.isoformat()}: leaf {proof.leaf}, "
                    f"{len(proof.path)} hash(es) up to the root {proof.tree.root} of "
                    f"{proof.tree.day} ({proof.tree.size} leaves)"
                )
            else:
                problems += 1
                self.stderr.write(f"v{version.number} ({version.content.sha256}): {proof.problem}")
        return problems
