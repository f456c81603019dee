"""Form definitions: structural validation and validation of submitted form data.

A definition is a JSON Schema (draft 2020-12) for the data plus a UI layer::

    {"steps": [{"id": "person",
                "title": {"de": "Person", "en": "Person"},
                "notes": [{"de": "...", "en": "..."}],          # optional static text
                "fields": [{"field": "/person/name",             # JSON pointer into the data
                            "label": {"de": "Name", "en": "Name"},
                            "help": {"de": "...", "en": "..."},  # optional
                            "options": {"A": {"de": "...", "en": "..."}},  # optional, enum labels
                            "visible_if": {"field": "/person/kind", "equals": "x"}}]}],
     "computed": [{"field": "/total", "expression": "a * 2"}]}

`visible_if` is declarative (`equals` or `in`); a hidden field is not required. A field may
name a profile attribute under `prefill` (applications/prefill.py). The UI layer may add
declarations: ``"declarations": [{"id": "...", "text": {"de": "...", "en": "..."}}]``.
Computed values are evaluated with the safe expression evaluator (core/expressions.py).
"""

import ast
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaValidationError

from rathaus.core.expressions import (
    FUNCTIONS,
    ExpressionError,
    expression_evaluate,
    expression_parse,
)

FormError = tuple[str, str]

# Declarations every form has (applications/declarations.py); a form cannot redefine them.
STANDARD_DECLARATIONS = ("truthful", "privacy")
# Profile attributes a field may be prefilled from (applications/prefill.py).
PROFILE_ATTRIBUTES = (
    "first_name",
    "last_name",
    "email",
    "street",
    "postal_code",
    "city",
    "country",
    "date_of_birth",
    "phone",
)

_FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER


def _pointer(parts: Sequence[Any]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _split_pointer(pointer: str) -> list[str]:
    if pointer == "":
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


def schema_at(schema: Mapping[str, Any], pointer: str) -> Mapping[str, Any] | None:
    """The sub-schema of the data at `pointer` (through `properties`), or None if undeclared."""
    if not pointer.startswith("/") and pointer != "":
        return None
    node: Mapping[str, Any] = schema
    for part in _split_pointer(pointer):
        properties = node.get("properties")
        if not isinstance(properties, Mapping) or part not in properties:
            return None
        node = properties[part]
        if not isinstance(node, Mapping):
            return None
    return node


def _translated_errors(value: Any, path: str, *, required: bool) -> list[FormError]:
    if value is None and not required:
        return []
    if not isinstance(value, Mapping) or not isinstance(value.get("de"), str) or not value["de"]:
        return [(path, _("needs a German text under 'de'"))]
    if "en" in value and not isinstance(value["en"], str):
        return [(path + "/en", _("must be a text"))]
    return []


def _condition_errors(cond: Any, path: str, schema: Mapping[str, Any]) -> list[FormError]:
    if not isinstance(cond, Mapping) or not isinstance(cond.get("field"), str):
        return [(path, _("must be an object with 'field' and 'equals' or 'in'"))]
    errors: list[FormError] = []
    if schema_at(schema, cond["field"]) is None:
        errors.append((path + "/field", _("refers to an undeclared property")))
    if ("equals" in cond) == ("in" in cond):
        errors.append((path, _("needs exactly one of 'equals' or 'in'")))
    elif "in" in cond and not isinstance(cond["in"], list):
        errors.append((path + "/in", _("must be a list")))
    return errors


def definition_errors(*, schema: Any, ui: Any) -> list[FormError]:
    """Every problem of a definition as (path, message); empty when the definition is usable.

    Paths start with `/schema` or `/ui`.
    """
    if not isinstance(schema, dict):
        return [("/schema", _("must be a JSON object"))]
    errors: list[FormError] = [
        ("/schema" + _pointer(e.absolute_path), e.message)
        for e in Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(schema)
    ]
    if errors:
        return errors
    if schema.get("type") != "object":
        errors.append(("/schema/type", _("the data of a form must be an object")))
    if not isinstance(ui, dict):
        return [*errors, ("/ui", _("must be a JSON object"))]
    steps = ui.get("steps")
    if not isinstance(steps, list) or not steps:
        return [*errors, ("/ui/steps", _("needs at least one step"))]
    seen_steps: set[str] = set()
    for i, step in enumerate(steps):
        base = f"/ui/steps/{i}"
        if not isinstance(step, dict):
            errors.append((base, _("must be a JSON object")))
            continue
        step_id = step.get("id")
        if not isinstance(step_id, str) or not step_id:
            errors.append((base + "/id", _("needs an identifier")))
        elif step_id in seen_steps:
            errors.append((base + "/id", _("is used by an earlier step")))
        else:
            seen_steps.add(step_id)
        errors += _translated_errors(step.get("title"), base + "/title", required=True)
        for j, note in enumerate(step.get("notes", [])):
            errors += _translated_errors(note, f"{base}/notes/{j}", required=True)
        fields = step.get("fields")
        if not isinstance(fields, list) or not fields:
            errors.append((base + "/fields", _("a step needs at least one field")))
            continue
        for j, field in enumerate(fields):
            errors += _field_errors(field, f"{base}/fields/{j}", schema)
    seen_declarations: set[str] = set()
    for k, declaration in enumerate(ui.get("declarations", [])):
        path = f"/ui/declarations/{k}"
        if not isinstance(declaration, dict) or not isinstance(declaration.get("id"), str):
            errors.append((path, _("needs an 'id' and a 'text'")))
            continue
        if declaration["id"] in seen_declarations or declaration["id"] in STANDARD_DECLARATIONS:
            errors.append((path + "/id", _("is used by another declaration")))
        seen_declarations.add(declaration["id"])
        errors += _translated_errors(declaration.get("text"), path + "/text", required=True)
    for k, computed in enumerate(ui.get("computed", [])):
        path = f"/ui/computed/{k}"
        if not isinstance(computed, dict) or not isinstance(computed.get("expression"), str):
            errors.append((path, _("needs 'field' and an 'expression' text")))
        elif schema_at(schema, str(computed.get("field", ""))) is None:
            errors.append((path + "/field", _("refers to an undeclared property")))
        else:
            try:
                expression_parse(computed["expression"], _expression_names(schema))
            except ExpressionError as exc:
                errors.append((path + "/expression", str(exc)))
    return errors


def _expression_names(schema: Mapping[str, Any]) -> set[str]:
    """Top-level properties a computed value may use (their names must be identifiers)."""
    return {name for name in schema.get("properties", {}) if name.isidentifier()}


def form_computed_values(definition: Any, data: Mapping[str, Any]) -> dict[str, Decimal | None]:
    """The computed values of the UI layer for `data`: {field pointer: value}, None when a
    number it needs has not been entered yet."""
    schema, ui = definition.schema, definition.ui
    numbers = {
        name: Decimal(str(value))
        for name, value in data.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }
    result: dict[str, Decimal | None] = {}
    for computed in ui.get("computed", []):
        tree = expression_parse(computed["expression"], _expression_names(schema))
        needed = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} - set(FUNCTIONS)
        if needed - set(numbers):
            result[computed["field"]] = None
            continue
        try:
            result[computed["field"]] = expression_evaluate(tree, numbers)
        except ExpressionError:
            result[computed["field"]] = None
    return result


def _field_errors(field: Any, path: str, schema: Mapping[str, Any]) -> list[FormError]:
    if not isinstance(field, dict) or not isinstance(field.get("field"), str):
        return [(path, _("needs a 'field' JSON pointer"))]
    errors: list[FormError] = []
    if not field["field"] or schema_at(schema, field["field"]) is None:
        errors.append((path + "/field", _("refers to an undeclared property")))
    errors += _translated_errors(field.get("label"), path + "/label", required=True)
    errors += _translated_errors(field.get("help"), path + "/help", required=False)
    for code, label in (field.get("options") or {}).items():
        errors += _translated_errors(label, f"{path}/options/{code}", required=True)
    if "visible_if" in field:
        errors += _condition_errors(field["visible_if"], path + "/visible_if", schema)
    if "prefill" in field and field["prefill"] not in PROFILE_ATTRIBUTES:
        errors.append(
            (
                path + "/prefill",
                _("unknown profile attribute; use one of: %(names)s")
                % {"names": ", ".join(PROFILE_ATTRIBUTES)},
            )
        )
    return errors


def _value_at(data: Any, pointer: str) -> tuple[bool, Any]:
    node = data
    for part in _split_pointer(pointer):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def condition_holds(cond: Mapping[str, Any], data: Any) -> bool:
    """Whether a `visible_if` condition holds for `data`."""
    found, value = _value_at(data, cond["field"])
    if "equals" in cond:
        return found and value == cond["equals"]
    return found and value in cond["in"]


def _ui_fields(ui: Mapping[str, Any], step: str | None) -> Iterator[Mapping[str, Any]]:
    for s in ui.get("steps", []):
        if step is None or s.get("id") == step:
            yield from s.get("fields", [])


def _message(error: SchemaValidationError) -> str:
    v = error.validator_value
    messages = {
        "required": _("This field is required."),
        "type": _("The value has the wrong type."),
        "minLength": _("Enter at least %(n)s characters.") % {"n": v},
        "maxLength": _("Enter at most %(n)s characters.") % {"n": v},
        "pattern": _("The value does not have the expected format."),
        "enum": _("Choose one of the offered values."),
        "minimum": _("The value must be at least %(n)s.") % {"n": v},
        "maximum": _("The value must be at most %(n)s.") % {"n": v},
        "format": _("The value is not a valid %(format)s.") % {"format": v},
        "minItems": _("Enter at least %(n)s entries.") % {"n": v},
        "maxItems": _("Enter at most %(n)s entries.") % {"n": v},
    }
    return str(messages.get(str(error.validator), error.message))


def _error_pointer(error: SchemaValidationError) -> str:
    parts = list(error.absolute_path)
    if error.validator == "required":
        # jsonschema reports a missing property at its parent; point at the property itself.
        missing = [
            name
            for name in error.validator_value
            if error.message == f"{name!r} is a required property"
        ]
        if missing:
            parts.append(missing[0])
    return _pointer(parts)


def form_data_validate(definition: Any, data: Any, step: str | None = None) -> list[FormError]:
    """Validate submitted `data` against a definition (anything with `schema` and `ui`).

    Returns (JSON pointer, translated message) pairs, empty when valid. With `step`, only
    errors under the fields of that step count, so a citizen can save page by page. Fields
    hidden by their `visible_if` condition are not required.
    """
    schema: Mapping[str, Any] = definition.schema
    ui: Mapping[str, Any] = definition.ui
    hidden = {
        f["field"]
        for f in _ui_fields(ui, None)
        if "visible_if" in f and not condition_holds(f["visible_if"], data)
    }
    step_fields = {f["field"] for f in _ui_fields(ui, step)} if step is not None else None
    validator = Draft202012Validator(schema, format_checker=_FORMAT_CHECKER)
    errors: list[FormError] = []
    for error in validator.iter_errors(data):
        pointer = _error_pointer(error)
        if any(pointer == h or pointer.startswith(h + "/") for h in hidden):
            continue
        if step_fields is not None and not any(
            pointer == f or pointer.startswith(f + "/") or f.startswith(pointer + "/")
            for f in step_fields
        ):
            continue
        errors.append((pointer, _message(error)))
    return sorted(set(errors))
