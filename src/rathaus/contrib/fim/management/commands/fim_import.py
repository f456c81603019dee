"""`manage.py fim_import FILE [--dry-run] [--service SLUG]`: import an XDatenfelder document.

Prints the import report (one line per element that did not map fully). Without --dry-run
the document becomes the next draft version of the service's form (the same service the
admin uses: checked, validated, audited). A refused document ends the command with a non-zero
exit status and the reason, element and line included.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from rathaus.applications.services import FormDefinitionInvalid
from rathaus.catalog.models import Service
from rathaus.contrib.fim.services import fim_document_check, fim_form_definition_import
from rathaus.contrib.fim.xdatenfelder import FimImportError
from rathaus.core.actors import Actor


class Command(BaseCommand):
    help = "Import a FIM XDatenfelder 2.0/3.0.0 document as a draft form definition."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the XDatenfelder document (XML)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the document and print the report; create nothing",
        )
        parser.add_argument(
            "--service", help="slug or LeiKa key of the service (required without --dry-run)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            document = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read ({exc.strerror})") from exc
        service = None
        if not options["dry_run"]:
            service = self._service(options["service"])
        try:
            if service is None:
                definition, report = fim_document_check(document=document)
            else:
                created, report = fim_form_definition_import(
                    service=service, document=document, actor=Actor.system("fim_import")
                )
        except FimImportError as exc:
            lines = [str(p) for p in exc.problems] or [str(exc)]
            raise CommandError(f"{path} refused:\n  " + "\n  ".join(lines)) from exc
        except FormDefinitionInvalid as exc:
            lines = [f"{pointer}: {message}" for pointer, message in exc.errors]
            raise CommandError(
                f"{path} refused, the form would not be usable:\n  " + "\n  ".join(lines)
            ) from exc
        for element_id, message in report:
            self.stdout.write(f"{element_id}: {message}")
        self.stdout.write(f"{len(report)} report line(s).")
        if service is None:
            steps = len(definition["ui"]["steps"])
            self.stdout.write(f"Dry run: the document is importable ({steps} step(s)).")
        else:
            self.stdout.write(f"Created draft version {created.version} of {service.slug}.")

    @staticmethod
    def _service(key: str | None) -> Service:
        if not key:
            raise CommandError("--service is required unless --dry-run is given")
        try:
            return Service.objects.get(Q(slug=key) | Q(leika_key=key))
        except Service.DoesNotExist as exc:
            raise CommandError(f"no service with slug or LeiKa key {key!r}") from exc
