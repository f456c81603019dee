"""Write docs/events.md, the catalogue of every domain event and its subscribers.

`--check` writes nothing and fails when the file differs from what the code generates (used
by the test suite and CI, so the catalogue cannot drift from the code).
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.core.events import events_markdown


def default_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "events.md"


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # needs no URLs or models checked
    help = "Write docs/events.md from the registered domain events and their subscribers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="file to write (docs/events.md)")
        parser.add_argument(
            "--check", action="store_true", help="only fail if the file is out of date"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["output"] or default_path()
        text = events_markdown()
        if options["check"]:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                raise CommandError(f"{path} is out of date: run `manage.py events_doc`")
            self.stdout.write(f"{path} is up to date")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
