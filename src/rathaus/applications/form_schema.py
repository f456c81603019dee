"""Form definitions: structural validation, which answers count, and validation of form data.

A definition is a JSON Schema (draft 2020-12) for the data plus a UI layer::

    {"steps": [{"id": "person",
                "title": {"de": "Person", "en": "Person"},
                "notes": [{"de": "...", "en": "..."}],          # optional static text
                "groups": [{"id": "dog2",                       # optional: fieldsets
                            "legend": {"de": "2. Hund", "en": "Dog 2"},
                            "visible_if": {...}}],              # optional, for all its fields
                "fields": [{"field": "/person/name",             # JSON pointer into the data
                            "label": {"de": "Name", "en": "Name"},
                            "help": {"de": "...", "en": "..."},  # optional
                            "options": {"A": {"de": "...", "en": "..."}},  # optional, enum labels
                            "group": "dog2",                     # optional, a group of the step
                            "messages": {"required": {...}},     # optional, own error texts
                            "not_in_future": true,               # optional date rules,
                            "not_before": "/dog2/born",          #   see form_dates.py
                            "visible_if": {"field": "/person/kind", "equals": "x"}}]}],
     "computed": [{"field": "/total", "expression": "a * 2"}]}

`visible_if` is declarative (`equals` or `in`) and evaluated on the server: a field whose
condition (or whose group's condition) does not hold is hidden. A hidden field is not shown,
not required, removed from the data when a draft is saved (`data_without_hidden`) and never
listed among the answers (`visible_ui_fields`). A field's full label is its group's legend
and its own label ("2. Hund: Rufname"); error messages, the check page and the receipt use it.
A field may name a profile attribute under `prefill` (applications/prefill.py). The UI layer
may add declarations: ``"declarations": [{"id": "...", "text": {"de": "...", "en": "..."}}]``.
Computed values are evaluated with the safe expression evaluator (core/expressions.py).
Error messages come from `form_messages.py`.
"""

import ast
import copy
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaValidationError

from rathaus.applications.form_dates import DATE_RULES, date_rule_violations
from rathaus.applications.form_messages import error_message, localized
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
        groups = step.get("groups", [])
        errors += _groups_errors(groups, base + "/groups", schema)
        group_ids = {g.get("id") for g in groups if isinstance(g, dict)}
        fields = step.get("fields")
        if not isinstance(fields, list) or not fields:
            errors.append((base + "/fields", _("a step needs at least one field")))
            continue
        for j, field in enumerate(fields):
            errors += _field_errors(field, f"{base}/fields/{j}", schema)
            if isinstance(field, dict) and "group" in field and field["group"] not in group_ids:
                errors.append((f"{base}/fields/{j}/group", _("refers to an undeclared group")))
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
    for kind, message in (field.get("messages") or {}).items():
        errors += _translated_errors(message, f"{path}/messages/{kind}", required=True)
    errors += _date_rule_errors(field, path, schema)
    if "prefill" in field and field["prefill"] not in PROFILE_ATTRIBUTES:
        errors.append(
            (
                path + "/prefill",
                _("unknown profile attribute; use one of: %(names)s")
                % {"names": ", ".join(PROFILE_ATTRIBUTES)},
            )
        )
    return errors


def _groups_errors(groups: Any, path: str, schema: Mapping[str, Any]) -> list[FormError]:
    if not isinstance(groups, list):
        return [(path, _("must be a list"))]
    errors: list[FormError] = []
    seen: set[str] = set()
    for k, group in enumerate(groups):
        base = f"{path}/{k}"
        if not isinstance(group, dict) or not isinstance(group.get("id"), str):
            errors.append((base, _("needs an 'id' and a 'legend'")))
            continue
        if group["id"] in seen:
            errors.append((base + "/id", _("is used by another group")))
        seen.add(group["id"])
        errors += _translated_errors(group.get("legend"), base + "/legend", required=True)
        if "visible_if" in group:
            errors += _condition_errors(group["visible_if"], base + "/visible_if", schema)
    return errors


def _date_rule_errors(
    field: Mapping[str, Any], path: str, schema: Mapping[str, Any]
) -> list[FormError]:
    rules = [rule for rule in DATE_RULES if rule in field]
    if not rules:
        return []
    if (schema_at(schema, field["field"]) or {}).get("format") != "date":
        return [(f"{path}/{rules[0]}", _("only a date field can have this rule"))]
    other = field.get("not_before")
    if other is not None and (
        not isinstance(other, str) or (schema_at(schema, other) or {}).get("format") != "date"
    ):
        return [(path + "/not_before", _("must point to another date field"))]
    return []


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


def _shown(ui_field: Mapping[str, Any], group: Mapping[str, Any] | None, data: Any) -> bool:
    for owner in (ui_field, group or {}):
        if "visible_if" in owner and not condition_holds(owner["visible_if"], data):
            return False
    return True


def _fields_with_groups(
    ui: Mapping[str, Any], step: str | None = None
) -> Iterator[tuple[Mapping[str, Any], Mapping[str, Any], Mapping[str, Any] | None]]:
    """(step, field, the field's group or None) for the fields of `step` (None: all)."""
    for s in ui.get("steps", []):
        if step is not None and s.get("id") != step:
            continue
        groups = {g["id"]: g for g in s.get("groups", [])}
        for f in s.get("fields", []):
            yield s, f, groups.get(f.get("group", ""))


def visible_ui_fields(
    ui: Mapping[str, Any], data: Any, step: str | None = None
) -> list[Mapping[str, Any]]:
    """The UI fields (of `step`, or of all steps) whose conditions hold for `data`: the
    questions a citizen is asked and whose answers count, here, on the check page, in the
    receipt and in the submitted data."""
    return [f for _s, f, group in _fields_with_groups(ui, step) if _shown(f, group, data)]


def field_visible(ui: Mapping[str, Any], ui_field: Mapping[str, Any], data: Any) -> bool:
    """Whether the field `ui_field` of the UI layer `ui` is asked for `data`."""
    return any(
        _shown(f, group, data)
        for _s, f, group in _fields_with_groups(ui)
        if f.get("field") == ui_field.get("field")
    )


def _hidden_pointers(ui: Mapping[str, Any], data: Any) -> set[str]:
    return {
        f["field"] for _s, f, group in _fields_with_groups(ui, None) if not _shown(f, group, data)
    }


def _remove(data: dict[str, Any], pointer: str) -> None:
    *parents, last = _split_pointer(pointer)
    node: Any = data
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(last, None)


def _without_empty_objects(data: dict[str, Any]) -> dict[str, Any]:
    result = {}
    for key, value in data.items():
        if isinstance(value, dict):
            value = _without_empty_objects(value)
            if not value:
                continue
        result[key] = value
    return result


def data_without_hidden(definition: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` without the answers to hidden fields (and without objects left empty).

    Repeated until nothing changes: removing an answer may hide the fields that depend on it.
    """
    result = copy.deepcopy(dict(data))
    for _round in range(len(list(_fields_with_groups(definition.ui))) + 1):
        hidden = [p for p in _hidden_pointers(definition.ui, result) if _value_at(result, p)[0]]
        if not hidden:
            break
        for pointer in hidden:
            _remove(result, pointer)
    return _without_empty_objects(result)


def field_labels(ui: Mapping[str, Any], language: str) -> dict[str, str]:
    """The full label of every field by pointer: "legend: label" inside a group, so that it
    is understood on its own (error messages, check page, receipt)."""
    labels = {}
    for _s, f, group in _fields_with_groups(ui):
        label = localized(f.get("label"), language)
        if group is not None:
            label = f"{localized(group.get('legend'), language)}: {label}"
        labels[f["field"]] = label
    return labels


# The order in which errors of one field are worth reporting: one message per field, and
# the most basic problem first (missing before malformed before out of range).
_ERROR_ORDER = (
    "required",
    "type",
    "minLength",
    "format",
    "pattern",
    "enum",
    "const",
    "maxLength",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
)


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


def _schema_errors(schema: Mapping[str, Any], data: Any) -> list[SchemaValidationError]:
    """Every schema error of `data`, a missing required object counted as an empty one:
    six empty required fields of a person are six errors, not one for the person."""
    validator = Draft202012Validator(schema, format_checker=_FORMAT_CHECKER)
    data = copy.deepcopy(data)
    for _round in range(8):  # deeper nesting than this is reported at the object
        errors = list(validator.iter_errors(data))
        filled = False
        for error in errors:
            pointer = _error_pointer(error)
            if error.validator != "required" or pointer == _pointer(error.absolute_path):
                continue
            if (schema_at(schema, pointer) or {}).get("type") == "object" and isinstance(
                data, dict
            ):
                _fill_object(data, pointer)
                filled = True
        if not filled:
            return errors
    return errors


def _fill_object(data: dict[str, Any], pointer: str) -> None:
    node: Any = data
    for part in _split_pointer(pointer):
        if not isinstance(node, dict):
            return
        node = node.setdefault(part, {})


def _owner(pointer: str, pointers: Iterable[str]) -> str | None:
    """The field (pointer) an error at `pointer` belongs to: the deepest field at or above it."""
    owners = [p for p in pointers if pointer == p or pointer.startswith(p + "/")]
    return max(owners, key=len) if owners else None


def form_data_validate(definition: Any, data: Any, step: str | None = None) -> list[FormError]:
    """Validate submitted `data` against a definition (anything with `schema` and `ui`).

    Returns (JSON pointer, translated message) pairs, empty when valid: every problem at
    once, one message per field, naming the field. With `step`, only errors under the
    fields of that step count, so a citizen can save page by page. Hidden fields (their
    `visible_if` condition does not hold) are not validated.
    """
    schema: Mapping[str, Any] = definition.schema
    ui: Mapping[str, Any] = definition.ui
    language = (translation.get_language() or "de")[:2]
    labels = field_labels(ui, language)
    ui_by_pointer = {f["field"]: f for _s, f, _g in _fields_with_groups(ui)}
    hidden = _hidden_pointers(ui, data)
    visible = visible_ui_fields(ui, data, step)
    step_pointers = {f["field"] for f in visible}
    found: dict[str, tuple[int, str]] = {}

    def report(pointer: str, rank: int, message: str) -> None:
        if pointer not in found or rank < found[pointer][0]:
            found[pointer] = (rank, message)

    for error in _schema_errors(schema, data):
        pointer = _error_pointer(error)
        if any(pointer == h or pointer.startswith(h + "/") for h in hidden):
            continue
        if step is not None and not any(
            pointer == f or pointer.startswith(f + "/") or f.startswith(pointer + "/")
            for f in step_pointers
        ):
            continue
        owner = _owner(pointer, ui_by_pointer)
        kind = str(error.validator)
        report(
            pointer,
            _ERROR_ORDER.index(kind) if kind in _ERROR_ORDER else len(_ERROR_ORDER),
            error_message(
                kind=kind,
                param=error.validator_value,
                label=labels.get(owner or "", "") or _label_of_unlisted(schema, pointer, language),
                sub=schema_at(schema, pointer) or error.schema,
                ui_field=ui_by_pointer.get(pointer, {}),
                language=language,
            ),
        )
    today = timezone.localdate()
    for ui_field in visible:
        pointer = ui_field["field"]
        if pointer in found:
            continue
        for kind, params in date_rule_violations(
            ui_field,
            _value_at(data, pointer)[1],
            today=today,
            value_of=lambda p: None if p in hidden else _value_at(data, p)[1],
        ):
            report(
                pointer,
                len(_ERROR_ORDER),
                error_message(
                    kind=kind,
                    param=None,
                    label=labels.get(pointer, ""),
                    sub=schema_at(schema, pointer) or {},
                    ui_field=ui_field,
                    language=language,
                    other_label=labels.get(params.get("other", ""), ""),
                ),
            )
    return sorted((pointer, message) for pointer, (_rank, message) in found.items())


def _label_of_unlisted(schema: Mapping[str, Any], pointer: str, language: str) -> str:
    """A name for a property the UI layer does not list (the schema's title, if any)."""
    title = (schema_at(schema, pointer) or {}).get("title")
    return localized(title, language) if title else _("this answer")
