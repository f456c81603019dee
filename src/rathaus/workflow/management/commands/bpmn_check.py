"""`manage.py bpmn_check FILE.bpmn [FILE.bpmn …] [--dmn FILE.dmn …]`: check a process model as
the upload in /intern/ does — XML, the official BPMN 2.0 (and DMN 1.3) schema, what the
engine executes, the diagram. Prints every refused element with its id and line, then the
notes (what is descriptive); exits 0 only when the engine can run the model. The messages are
in the installation's language (LANGUAGE_CODE, German) unless `--language en` asks for
English."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rathaus.workflow.bpmn import ModelFile, model_check


class Command(BaseCommand):
    help = "Check a BPMN model (and the DMN files it uses): can the engine run it?"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="the model's .bpmn files (.dmn too)")
        parser.add_argument(
            "--dmn", action="append", default=[], help="a DMN file the model uses (repeatable)"
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=None,
            help="the language of the messages (default: LANGUAGE_CODE)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            self._check(options)

    def _check(self, options: dict[str, Any]) -> None:
        paths = [Path(p) for p in options["files"]] + [Path(p) for p in options["dmn"]]
        for path in paths:
            if not path.is_file():
                raise CommandError(_("No such file: %(path)s") % {"path": path})
        bpmn = [ModelFile(p.name, p.read_bytes()) for p in paths if p.suffix.lower() != ".dmn"]
        dmn = [ModelFile(p.name, p.read_bytes()) for p in paths if p.suffix.lower() == ".dmn"]
        report = model_check(bpmn=bpmn, dmn=dmn)
        for line in report.lines():
            self.stdout.write(line)
        if not report.runnable:
            count = len(report.refused)
            raise CommandError(
                ngettext(
                    "refused: %(count)d problem; the engine cannot run this model",
                    "refused: %(count)d problems; the engine cannot run this model",
                    count,
                )
                % {"count": count}
            )
        self.stdout.write(
            _("runnable: process %(process)s") % {"process": repr(report.main_process)}
        )
