"""Rendering and parsing of the steps of a form in the form engine's format (public through
`applications.forms`): the portal's application forms and the back office's task forms of
process models render and read their fields with it.

A definition is a JSON Schema plus a UI layer (see `applications.form_schema`). For one step
this module turns the schema of each field into a widget description the templates render
(`StepField`), and turns the POSTed strings back into typed values by schema
(`step_values_parse`). Validation stays in the domain (`form_data_validate` via
`draft_save_step`); a value that cannot be coerced is kept as the raw string, so validation
reports it and the field shows it back. Numbers are read as Germans type them (150,
150,50, 1.234,50, 89.5); a posted enum code becomes the enum's own value (a number stays a
number).

Several forms on one page keep their HTML ids apart by an `id_prefix` (the task form's "t":
`tf-fee` next to the page's other inputs).

Widgets: string → text (textarea when maxLength > 200; `format: date` → a text input for
dates as Germans write them, 15.06.1990, stored as ISO; `format: email` → e-mail input),
number/integer → text with `inputmode`, enum → radio group (up to 6 options) or select,
boolean → checkbox, array of enum strings → checkbox group, array of objects (FIM
multiplicities) → one fieldset with the object's properties. A group of the UI layer
("2. Hund") is a fieldset with its legend. Text inputs are as wide as their content
(postcode, chip number, date), from the schema's limits.

Only the fields whose conditions hold for the current answers are rendered
(`form_schema.visible_ui_fields`); a condition on a field of the same step takes effect
when the step is sent: the step is shown again with the questions that now apply
(`fields_revealed`), see docs/adr/0009-server-side-conditional-questions.md.

Limit: an array of objects is edited as exactly one entry (index 0); further entries kept
in the data are left untouched by the form but are not shown.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

# Not through `applications.forms`: that module exports this one.
from rathaus.applications.form_dates import date_from_input, date_text
from rathaus.applications.form_schema import FormError, schema_at, visible_ui_fields
from rathaus.applications.form_schema import field_labels as _full_labels

RADIO_MAX_OPTIONS = 6
TEXTAREA_MIN_LENGTH = 200
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_DIGITS_PATTERN = re.compile(r"^\^(?:\[0-9\]|\\d)\{(\d+)\}\$$")
DATE_WIDTH = 10
# Input widths in characters, the CSS class for each (KERN's own up to 4 characters,
# the portal's beyond; portal.css). Wider content gets the full width.
_WIDTH_CLASSES = (
    (2, "kern-form-input__input--width-2"),
    (4, "kern-form-input__input--width-4"),
    (5, "input-width-5"),
    (10, "input-width-10"),
    (20, "input-width-20"),
    (40, "input-width-40"),
)
# Profile attributes (prefill) → the autocomplete token browsers fill them with (WCAG 1.3.5).
_AUTOCOMPLETE = {
    "first_name": "given-name",
    "last_name": "family-name",
    "email": "email",
    "street": "street-address",
    "postal_code": "postal-code",
    "city": "address-level2",
    "country": "country-name",
    "date_of_birth": "bday",
    "phone": "tel",
}


def localized_text(value: Any, language: str) -> str:
    """The text of a {"de": …, "en": …} mapping in `language`, falling back to German."""
    if isinstance(value, Mapping):
        return str(value.get(language) or value.get("de") or "")
    return str(value or "")


def field_html_id(pointer: str, id_prefix: str = "") -> str:
    """A stable HTML id for the field at JSON `pointer` (`/person/name` → `f-person-name`;
    with `id_prefix` "t": `tf-person-name`)."""
    return id_prefix + "f" + _ID_UNSAFE.sub("-", pointer.replace("/", "-"))


def _split(pointer: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


def value_at(data: Any, pointer: str) -> Any:
    """The value at `pointer` in `data` (None when absent); list indexes are followed."""
    node = data
    for part in _split(pointer):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _required(schema: Mapping[str, Any], pointer: str) -> bool:
    parts = pointer.rsplit("/", 1)
    parent = schema_at(schema, parts[0]) if parts[0] else schema
    return bool(parent) and parts[1] in (parent or {}).get("required", [])


@dataclass
class Option:
    value: str
    label: str
    selected: bool
    html_id: str


@dataclass
class StepField:
    """One input of a step as the template renders it."""

    pointer: str
    html_id: str
    label: str
    # text, textarea, date, email, number, radio, select, checkbox, checkboxes,
    # group (array of objects), section (a group of the UI layer: a fieldset of fields)
    widget: str
    required: bool
    help: str = ""
    value: str = ""
    checked: bool = False
    options: list[Option] = field(default_factory=list)
    inputmode: str = ""
    autocomplete: str = ""
    width_class: str = ""
    max_length: int | None = None
    errors: list[str] = field(default_factory=list)
    children: list["StepField"] = field(default_factory=list)

    @property
    def described_by(self) -> str:
        ids = []
        if self.help:
            ids.append(self.html_id + "-help")
        if self.errors:
            ids.append(self.html_id + "-error")
        return " ".join(ids)

    @property
    def focus_id(self) -> str:
        """The element the error summary links to (the first input of a group)."""
        if self.widget in ("radio", "checkboxes") and self.options:
            return self.options[0].html_id
        if self.widget in ("group", "section") and self.children:
            return self.children[0].focus_id
        return self.html_id


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return str(value)


def _options(
    sub: Mapping[str, Any], ui_field: Mapping[str, Any], language: str
) -> list[tuple[str, str]]:
    labels = ui_field.get("options") or {}
    enum = sub.get("enum") or []
    return [
        (str(code), localized_text(labels.get(str(code)), language) or str(code)) for code in enum
    ]


def _build(
    *,
    pointer: str,
    sub: Mapping[str, Any],
    ui_field: Mapping[str, Any],
    required: bool,
    label: str,
    value: Any,
    language: str,
    id_prefix: str = "",
) -> StepField:
    html_id = field_html_id(pointer, id_prefix)
    kind = sub.get("type")
    result = StepField(
        pointer=pointer,
        html_id=html_id,
        label=label,
        widget="text",
        required=required,
        help=localized_text(ui_field.get("help"), language),
        autocomplete=_AUTOCOMPLETE.get(str(ui_field.get("prefill", "")), ""),
        width_class=_width_class(_width(sub)),
    )
    if "enum" in sub:
        options = _options(sub, ui_field, language)
        current = "" if value is None else str(value)
        result.widget = "radio" if len(options) <= RADIO_MAX_OPTIONS else "select"
        result.options = [
            Option(code, text, code == current, f"{html_id}-{i}")
            for i, (code, text) in enumerate(options)
        ]
        result.value = current
    elif kind == "boolean":
        result.widget = "checkbox"
        result.checked = value is True
    elif kind == "array" and isinstance(sub.get("items"), Mapping) and "enum" in sub["items"]:
        chosen = {str(v) for v in value} if isinstance(value, list) else set()
        result.widget = "checkboxes"
        result.options = [
            Option(code, text, code in chosen, f"{html_id}-{i}")
            for i, (code, text) in enumerate(_options(sub["items"], ui_field, language))
        ]
    elif kind == "array" and isinstance(sub.get("items"), Mapping):
        item = sub["items"]
        entry = value[0] if isinstance(value, list) and value else {}
        result.widget = "group"
        for name, child_schema in (item.get("properties") or {}).items():
            child_pointer = f"{pointer}/0/{name}"
            child_ui = (ui_field.get("item_fields") or {}).get(name, {})
            result.children.append(
                _build(
                    pointer=child_pointer,
                    sub=child_schema,
                    ui_field=child_ui,
                    required=name in item.get("required", []),
                    label=localized_text(child_ui.get("label"), language)
                    or str(child_schema.get("title") or name),
                    value=entry.get(name) if isinstance(entry, Mapping) else None,
                    language=language,
                    id_prefix=id_prefix,
                )
            )
    elif kind in ("integer", "number"):
        result.widget = "number"
        result.inputmode = "numeric" if kind == "integer" else "decimal"
        result.value = _display(value)
    elif kind == "string" and sub.get("format") == "date":
        result.widget = "date"
        result.value = date_text(value)
        example = _("For example 15.06.1990")
        result.help = f"{result.help} {example}" if result.help else example
    elif kind == "string" and sub.get("format") == "email":
        result.widget = "email"
        result.value = _display(value)
    else:
        max_length = sub.get("maxLength")
        result.max_length = max_length if isinstance(max_length, int) else None
        if result.max_length is not None and result.max_length > TEXTAREA_MIN_LENGTH:
            result.widget = "textarea"
        result.value = _display(value)
    return result


def _width(sub: Mapping[str, Any]) -> int | None:
    """How many characters the answer has at most, when the schema says so."""
    if sub.get("format") == "date":
        return DATE_WIDTH
    digits = _DIGITS_PATTERN.match(str(sub.get("pattern", "")))
    if digits:
        return int(digits.group(1))
    if sub.get("type") in ("integer", "number"):
        maximum = sub.get("maximum")
        return len(str(int(maximum))) if isinstance(maximum, int | float) else DATE_WIDTH
    max_length = sub.get("maxLength")
    if sub.get("type") == "string" and sub.get("format") is None and isinstance(max_length, int):
        return max_length
    return None


def _width_class(width: int | None) -> str:
    if width is None:
        return ""
    return next((css for limit, css in _WIDTH_CLASSES if width <= limit), "")


def _all_fields(field_: StepField) -> list[StepField]:
    return [field_, *(c for child in field_.children for c in _all_fields(child))]


def step_of(definition: Any, step_id: str) -> Mapping[str, Any] | None:
    for step in definition.ui.get("steps", []):
        if step.get("id") == step_id:
            return dict(step)
    return None


def step_fields(
    *,
    definition: Any,
    step_id: str,
    data: Any,
    errors: list[FormError],
    language: str,
    id_prefix: str = "",
) -> list[StepField]:
    """The fields of step `step_id` that apply to `data` (their conditions hold), with the
    values of `data` and the `errors` of that step; the fields of a group of the UI layer
    are the children of one `section` (a fieldset). `id_prefix` starts every HTML id."""
    step = step_of(definition, step_id) or {}
    groups = {g["id"]: g for g in step.get("groups", [])}
    sections: dict[str, StepField] = {}
    fields: list[StepField] = []
    for ui_field in visible_ui_fields(definition.ui, data, step_id):
        pointer = ui_field["field"]
        sub = schema_at(definition.schema, pointer) or {}
        built = _build(
            pointer=pointer,
            sub=sub,
            ui_field=ui_field,
            required=_required(definition.schema, pointer),
            label=localized_text(ui_field.get("label"), language),
            value=value_at(data, pointer),
            language=language,
            id_prefix=id_prefix,
        )
        group_id = str(ui_field.get("group", ""))
        if group_id in groups:
            if group_id not in sections:
                sections[group_id] = StepField(
                    pointer="",
                    html_id=id_prefix + "g-" + _ID_UNSAFE.sub("-", group_id),
                    label=localized_text(groups[group_id].get("legend"), language),
                    widget="section",
                    required=True,
                )
                fields.append(sections[group_id])
            sections[group_id].children.append(built)
        else:
            fields.append(built)
    _attach_errors(fields, errors)
    return fields


def fields_revealed(*, definition: Any, step_id: str, before: Any, after: Any) -> set[str]:
    """Fields of the step that apply to the answers `after` a POST but did not `before` it:
    the citizen has not seen them yet, so the step is shown again instead of moving on."""
    shown_before = {f["field"] for f in visible_ui_fields(definition.ui, before, step_id)}
    return {
        f["field"]
        for f in visible_ui_fields(definition.ui, after, step_id)
        if f["field"] not in shown_before
    }


def _attach_errors(fields: list[StepField], errors: list[FormError]) -> None:
    flat = [f for top in fields for f in _all_fields(top) if f.widget != "section"]
    for pointer, message in errors:
        # The deepest field the error belongs to.
        owners = [f for f in flat if pointer == f.pointer or pointer.startswith(f.pointer + "/")]
        if not owners:  # a missing property of a group entry is reported at the entry
            owners = [f for f in flat if f.pointer.startswith(pointer + "/")][:1]
        if owners:
            max(owners, key=lambda f: len(f.pointer)).errors.append(message)


def error_summary(fields: list[StepField]) -> list[tuple[str, str]]:
    """(element id, message) pairs in field order for the linked error summary."""
    return [(f.focus_id, m) for top in fields for f in _all_fields(top) for m in f.errors]


def _enum_value(sub: Mapping[str, Any], text: str) -> Any:
    """The enum's own value for the code posted (a number stays a number); None if none."""
    for code in sub.get("enum") or []:
        if not isinstance(code, bool) and str(code) == text:
            return code
    return None


def _coerce(sub: Mapping[str, Any], raw: str) -> Any:
    text = raw.strip()
    if text == "":
        return None
    kind = sub.get("type")
    code = _enum_value(sub, text)
    if code is not None:
        return code
    if kind == "integer":
        try:
            return int(text.replace(" ", ""))
        except ValueError:
            return text
    if kind == "number":
        # As Germans type it (150, 150,50, 1.234,50) or with a decimal point (89.5).
        cleaned = text.replace(" ", "")
        try:
            number = float(
                cleaned.replace(".", "").replace(",", ".") if "," in cleaned else cleaned
            )
        except ValueError:
            return text
        if not math.isfinite(number):
            return text
        return (
            int(number)
            if number.is_integer() and "," not in cleaned and "." not in cleaned
            else number
        )
    if kind == "boolean":
        return text in ("true", "on", "1")
    return text


def _parse(sub: Mapping[str, Any], pointer: str, post: QueryDict) -> Any:
    kind = sub.get("type")
    if kind == "string" and sub.get("format") == "date":
        return date_from_input(post.get(pointer) or "") or None
    if kind == "boolean" and "enum" not in sub:
        return pointer in post and post.get(pointer) in ("true", "on", "1")
    if kind == "array":
        items = sub.get("items")
        item: Mapping[str, Any] = items if isinstance(items, Mapping) else {}
        if "enum" in item:
            values = [_coerce(item, v) for v in post.getlist(pointer)]
            return [v for v in values if v is not None] or None
        entry = {}
        for name, child in (item.get("properties") or {}).items():
            value = _parse(child, f"{pointer}/0/{name}", post)
            if value is not None and value is not False:
                entry[name] = value
        return [entry] if entry else None
    raw = post.get(pointer)
    if raw is None:
        return None
    return _coerce(sub, raw)


def step_values_parse(*, definition: Any, step_id: str, post: QueryDict) -> dict[str, Any]:
    """The POSTed values of one step, typed by schema: {field pointer: value or None}.

    Only the step's declared fields are read, so anything else in the request (extra or
    nested names crafted by hand) never reaches the data.
    """
    step = step_of(definition, step_id) or {}
    values: dict[str, Any] = {}
    for ui_field in step.get("fields", []):
        pointer = ui_field["field"]
        sub = schema_at(definition.schema, pointer) or {}
        values[pointer] = _parse(sub, pointer, post)
    return values


@dataclass
class AnswerRow:
    label: str
    value: str
    step_id: str
    html_id: str


def answer_rows(
    *, definition: Any, data: Any, language: str
) -> list[tuple[str, str, list[AnswerRow]]]:
    """For the check-your-answers page: (step id, step title, rows) per step, with the
    questions that apply to `data` only (a question hidden by its condition is not listed)."""
    labels = _full_labels(definition.ui, language)
    result = []
    for step in definition.ui.get("steps", []):
        rows = []
        for ui_field in visible_ui_fields(definition.ui, data, step["id"]):
            pointer = ui_field["field"]
            sub = schema_at(definition.schema, pointer) or {}
            rows.append(
                AnswerRow(
                    label=labels[pointer],
                    value=_answer_text(sub, ui_field, value_at(data, pointer), language),
                    step_id=step["id"],
                    html_id=field_html_id(pointer),
                )
            )
        if rows:
            result.append((step["id"], localized_text(step.get("title"), language), rows))
    return result


def _answer_text(
    sub: Mapping[str, Any], ui_field: Mapping[str, Any], value: Any, language: str
) -> str:
    if value is None or value == "" or value == []:
        return ""
    labels = ui_field.get("options") or {}
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        parts = []
        for entry in value:
            if isinstance(entry, Mapping):
                parts.append(", ".join(_display(v) for v in entry.values()))
            else:
                parts.append(localized_text(labels.get(str(entry)), language) or str(entry))
        return "; ".join(parts)
    if "enum" in sub:
        return localized_text(labels.get(str(value)), language) or str(value)
    if sub.get("format") == "date":
        return date_text(value)
    return _display(value)
