"""`manage.py bpmn_check FILE.bpmn [FILE.bpmn …] [--dmn FILE.dmn …]`: check a process model as
the upload in /intern/ does — XML, the official BPMN 2.0 (and DMN 1.3) schema, what the
engine executes, the diagram. Prints every refused element with its id and line, then the
notes (what is descriptive); exits 0 only when the engine can run the model."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.workflow.bpmn import ModelFile, model_check


class Command(BaseCommand):
    help = "Check a BPMN model (and the DMN files it uses): can the engine run it?"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="the model's .bpmn files (.dmn too)")
        parser.add_argument(
            "--dmn", action="append", default=[], help="a DMN file the model uses (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(p) for p in options["files"]] + [Path(p) for p in options["dmn"]]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
        bpmn = [ModelFile(p.name, p.read_bytes()) for p in paths if p.suffix.lower() != ".dmn"]
        dmn = [ModelFile(p.name, p.read_bytes()) for p in paths if p.suffix.lower() == ".dmn"]
        report = model_check(bpmn=bpmn, dmn=dmn)
        for line in report.lines():
            self.stdout.write(line)
        if not report.runnable:
            raise CommandError(
                f"refused: {len(report.refused)} problem(s); the engine cannot run this model"
            )
        self.stdout.write(f"runnable: process {report.main_process!r}")
