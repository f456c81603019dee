"""Task forms of process models: the form a user task asks the clerk to fill in.

A model version may carry its task forms as files next to its BPMN and DMN files:
`NAME.form.json`, a JSON document in the format of an online form definition (a JSON
Schema under "schema" and the UI layer under "ui", see `applications.form_schema`). A user
task names its form by its form key (`camunda:formKey`, `zeebe:formDefinition formKey` or
`formId`): `NAME`, or the usual longer spellings of the tools (`camunda-forms:bpmn:NAME`,
`embedded:app:forms/NAME.form.json`), read by their last segment without the extension.

The workflow only keeps the files and checks that each is well-formed JSON with a valid
JSON Schema and a UI layer whose fields name properties of the schema; the pages that
render and validate a form (the back office) use the applications app's form engine, which
the workflow never imports.

`BUILTIN_FORM_KEYS` are the two small forms of the back office from before task forms
("pruefung": an amount, "entscheidung": granted or refused); a model may still name them
without a file.
"""

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

FORM_FILE_SUFFIX = ".form.json"
BUILTIN_FORM_KEYS = ("pruefung", "entscheidung")

_SEPARATORS = re.compile(r"[:/\\]")
_EXTENSIONS = (FORM_FILE_SUFFIX, ".json", ".form", ".html", ".htm")


def is_form_file(name: str) -> bool:
    """Whether the file `name` is a task form (`NAME.form.json`)."""
    return name.lower().endswith(FORM_FILE_SUFFIX) and len(name) > len(FORM_FILE_SUFFIX)


def form_name_of_key(key: str) -> str:
    """The form a form key names: its last segment without the extension, compared without
    regard to case (`camunda-forms:bpmn:Pruefung` → `pruefung`)."""
    name = _SEPARATORS.split(key.strip())[-1]
    for extension in _EXTENSIONS:
        if name.lower().endswith(extension):
            name = name[: -len(extension)]
            break
    return name.strip().casefold()


def form_name_of_file(file_name: str) -> str:
    """The name a form key uses for the form file `file_name` (`Pruefung.form.json` →
    `pruefung`)."""
    base = _SEPARATORS.split(file_name)[-1]
    return base[: -len(FORM_FILE_SUFFIX)].strip().casefold()


def is_builtin_form(key: str) -> bool:
    """Whether `key` names one of the back office's built-in forms (`BUILTIN_FORM_KEYS`)."""
    return form_name_of_key(key) in BUILTIN_FORM_KEYS


def form_file_problems(data: bytes) -> list[str]:
    """What is wrong with a task form file (empty when the back office can render it)."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        return [f"not well-formed JSON: {error}"]
    if not isinstance(document, dict):
        return ["a form is a JSON object with 'schema' and 'ui'"]
    missing = [key for key in ("schema", "ui") if key not in document]
    if missing:
        return [f"a form needs {' and '.join(repr(key) for key in missing)}"]
    schema, ui = document["schema"], document["ui"]
    if not isinstance(schema, dict):
        return ["'schema' must be a JSON object (a JSON Schema)"]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        where = "/".join(str(part) for part in error.absolute_path)
        return [
            f"'schema' is no valid JSON Schema{f' at {where}' if where else ''}: {error.message}"
        ]
    if schema.get("type") != "object":
        return ["the 'schema' of a form must have type 'object'"]
    return _ui_problems(schema, ui)


def _ui_problems(schema: Mapping[str, Any], ui: Any) -> list[str]:
    """The UI layer must list at least one field, each naming a property of the schema."""
    steps = ui.get("steps") if isinstance(ui, dict) else None
    if not isinstance(steps, list) or not steps:
        return ["'ui' needs 'steps', each with its 'fields'"]
    problems: list[str] = []
    for i, step in enumerate(steps):
        fields = step.get("fields") if isinstance(step, dict) else None
        if not isinstance(fields, list) or not fields:
            problems.append(f"ui/steps/{i} needs at least one field")
            continue
        for j, field in enumerate(fields):
            where = f"ui/steps/{i}/fields/{j}"
            pointer = field.get("field") if isinstance(field, dict) else None
            sub = _property(schema, pointer) if isinstance(pointer, str) else None
            if sub is None:
                problems.append(f"{where} names no property of the schema")
            elif not isinstance(field.get("label"), dict | str) or not field.get("label"):
                problems.append(f"{where} needs a 'label'")
            elif sub.get("type") in ("object", "array") and not _choices(sub):
                problems.append(
                    f"{where}: a task form asks for single values, not lists or objects"
                )
    return problems


def _choices(sub: Mapping[str, Any]) -> bool:
    """An array of choices (checkboxes) is one value; other arrays and objects are not."""
    items = sub.get("items")
    return sub.get("type") == "array" and isinstance(items, dict) and "enum" in items


def _property(schema: Mapping[str, Any], pointer: str) -> Mapping[str, Any] | None:
    """The schema of the property at the JSON pointer (through `properties`), or None."""
    if not pointer.startswith("/"):
        return None
    node: Any = schema
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        properties = node.get("properties") if isinstance(node, dict) else None
        if not isinstance(properties, dict) or not isinstance(properties.get(part), dict):
            return None
        node = properties[part]
    return node if isinstance(node, dict) else None


def task_form(*, files: Iterable[Mapping[str, Any]], form_key: str) -> dict[str, Any] | None:
    """The task form (`{"schema": …, "ui": …}`) that `form_key` names among the `files` of a
    model version (`ModelVersion.files`), None when it names none (no key, a built-in form,
    an older version without form files) or the file cannot be read."""
    if not form_key.strip():
        return None
    name = form_name_of_key(form_key)
    for file in files:
        if file.get("kind") == "form" and form_name_of_file(str(file.get("name", ""))) == name:
            try:
                document = json.loads(str(file.get("text", "")))
            except ValueError:
                return None
            if isinstance(document, dict) and isinstance(document.get("schema"), dict):
                return {"schema": document["schema"], "ui": document.get("ui") or {}}
            return None
    return None
