"""`manage.py dmn_evaluate FILE.dmn --decision NAME_OR_ID --input JSON`: evaluate a decision of
a DMN file (Camunda Modeler and other tools; DMN 1.1–1.5) with input data by their names
(`--input '{"dogs": 2}'` or `--input @input.json`). The result is printed as JSON on the last
line: one output as its value, several outputs as an object by output name, a multiple-hit
result as a list. Exits non-zero with the reason when the file, the decision or its FEEL
cannot be used, in the installation's language (LANGUAGE_CODE, German) unless `--language en`
asks for English."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from rathaus.workflow.dmn import DmnError, decision_evaluate, dmn_load, result_to_json


class Command(BaseCommand):
    help = "Evaluate a DMN decision with input data given as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .dmn file")
        parser.add_argument("--decision", required=True, help="the decision's id or name")
        parser.add_argument(
            "--input", default="{}", help="the input data as JSON, or @FILE for a JSON file"
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=None,
            help="the language of the messages (default: LANGUAGE_CODE)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            self._evaluate(options)

    def _evaluate(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        text = options["input"]
        try:
            if text.startswith("@"):
                text = Path(text[1:]).read_text(encoding="utf-8")
            inputs = json.loads(text)
        except (OSError, json.JSONDecodeError) as error:
            raise CommandError(_("The input is not JSON: %(error)s") % {"error": error}) from None
        if not isinstance(inputs, dict):
            raise CommandError(_("The input must be a JSON object of input data by their names."))
        try:
            model = dmn_load(path.read_bytes())
            result = decision_evaluate(model=model, decision=options["decision"], inputs=inputs)
        except DmnError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(result_to_json(result), ensure_ascii=False))
