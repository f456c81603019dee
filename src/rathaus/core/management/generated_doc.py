"""The base of commands that write a document generated from the code (docs/events.md,
docs/audit-actions.md …).

`--output` names another file to write; `--check` writes nothing and fails when the file
differs from what the code generates (used by the test suite and CI, so the documentation
cannot drift from the code).
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class GeneratedDocCommand(BaseCommand):
    """Subclasses name the document (`document`, relative to the project) and generate its
    text (`generate`)."""

    document = ""  # e.g. "docs/events.md"

    def generate(self) -> str:
        raise NotImplementedError

    def default_path(self) -> Path:
        return Path(settings.BASE_DIR) / self.document

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help=f"file to write ({self.document})")
        parser.add_argument(
            "--check", action="store_true", help="only fail if the file is out of date"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["output"] or self.default_path()
        text = self.generate()
        if options["check"]:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                command = self.__module__.rsplit(".", 1)[-1]
                raise CommandError(f"{path} is out of date: run `manage.py {command}`")
            self.stdout.write(f"{path} is up to date")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
