"""`manage.py xdomea_import PATH [--municipality SLUG --office SLUG --plan-item NUMBER]
[--answer DIR]`: validate and import an xdomea message of the Aussonderung or Abgabe families
(an XML file, with the primary documents it names beside it, or a ZIP container).

- An archive's answer to one of our offers (0502, 0504, 0506, 0507) or a receiver's answer to
  one of our hand-overs (0402, 0403) is matched by its process id and processed.
- An offer (0501) is read as an archive reads it: its files are listed.
- A hand-over (0503 as an archive, 0401 as a receiving authority takes it in): with
  `--municipality`, `--office` and `--plan-item` its files and documents become files of that
  office; without, they are listed.
- With `--answer DIR` the answer for the sender (0504 to an offer, 0506 / 0402 to a hand-over
  taken in) is written to DIR as its ZIP container.

Prints what it did; exits non-zero with the element and line when it refuses the message."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError
from rathaus.municipalities.models import Municipality
from rathaus.records.message_import import message_import
from rathaus.records.take_in import TakeIn
from rathaus.records.xdomea import XdomeaInvalid
from rathaus.records.xdomea_mapping import referenced_files


def primary_documents_beside(path: Path, data: bytes) -> dict[str, bytes] | None:
    """For an XML message, the primary documents it names, read from its folder."""
    names = referenced_files(data)
    if not names:
        return None
    found = {}
    for name in names:
        candidate = path.parent / Path(name).name
        if candidate.is_file():
            found[name] = candidate.read_bytes()
    return found


def refused(command: BaseCommand, error: DomainError) -> CommandError:
    """Each problem (line, element: reason) on stderr; the error to exit with."""
    for problem in getattr(error, "problems", ()):
        command.stderr.write(str(problem))
    return CommandError(str(error))


class Command(BaseCommand):
    help = "Validate and import an xdomea message (XML or ZIP container)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="an xdomea message: .xml, or the .zip container")
        parser.add_argument("--municipality", help="slug: where a 0503/0401 is taken in")
        parser.add_argument("--office", help="slug of the office that keeps the files")
        parser.add_argument("--plan-item", help="the file plan item (number) of the files")
        parser.add_argument("--answer", help="directory for the answer to the sender")

    def _target(self, options: dict[str, Any]) -> TakeIn | None:
        if not options["municipality"]:
            return None
        municipality = Municipality.objects.filter(slug=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"No municipality {options['municipality']!r}.")
        if not options["office"] or not options["plan_item"]:
            raise CommandError("--office and --plan-item are needed with --municipality.")
        return TakeIn(municipality, options["office"], options["plan_item"])

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        target = self._target(options)
        data = path.read_bytes()
        try:
            result = message_import(
                actor=Actor.system("xdomea_import"),
                data=data,
                primary_documents=primary_documents_beside(path, data),
                take_in=target,
            )
        except (XdomeaInvalid, DomainError) as error:
            raise refused(self, error) from None
        self.stdout.write(f"{result.code} (xdomea {result.version}), process {result.process_id}")
        for line in result.lines:
            self.stdout.write(f"  {line}")
        if result.answer is not None and options["answer"]:
            folder = Path(options["answer"])
            folder.mkdir(parents=True, exist_ok=True)
            (folder / result.answer.file_name).write_bytes(result.answer.data)
            self.stdout.write(f"answer written: {folder / result.answer.file_name}")
