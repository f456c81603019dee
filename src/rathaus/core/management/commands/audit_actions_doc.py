"""Write docs/audit-actions.md, the table of every registered audit action.

`--check` writes nothing and fails when the file differs from what the registry generates
(used by the test suite and CI, so the documentation cannot drift from the code).
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.core.audit_actions import actions_markdown


def default_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "audit-actions.md"


class Command(BaseCommand):
    help = "Write docs/audit-actions.md from the registered audit actions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="file to write (docs/audit-actions.md)")
        parser.add_argument(
            "--check", action="store_true", help="only fail if the file is out of date"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["output"] or default_path()
        text = actions_markdown()
        if options["check"]:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                raise CommandError(f"{path} is out of date: run `manage.py audit_actions_doc`")
            self.stdout.write(f"{path} is up to date")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
