"""`manage.py xdomea_validate PATH`: check an xdomea message (an XML file, or a ZIP
container with its primary documents) against the official XSD of its version (2.3.0, 2.4.0,
3.0.0, 3.1.0; the schemas from RATHAUS_XDOMEA_SCHEMA_DIR). Prints the message type and
version; exits non-zero with each problem's line and element when it is invalid."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.core.errors import DomainError
from rathaus.records import xdomea
from rathaus.records.management.commands.xdomea_import import refused


class Command(BaseCommand):
    help = "Validate an xdomea message (XML or ZIP container) against the official XSD."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="an xdomea message: .xml, or the .zip container")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        data = path.read_bytes()
        try:
            contents = xdomea.read_container(data) if data[:4] == b"PK\x03\x04" else None
            checked = xdomea.validate(contents.message if contents else data)
        except DomainError as error:
            raise refused(self, error) from None
        documents = f", {len(contents.primary_documents)} primary documents" if contents else ""
        self.stdout.write(
            f"valid: xdomea {checked.version} {checked.message_code} {checked.root_name}{documents}"
        )
