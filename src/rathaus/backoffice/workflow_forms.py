"""Forms of the workflow pages (/intern/aufgaben/, /intern/prozessmodelle/): they parse input;
the workflow's services decide and change.

Completing a work item (`TaskCompleteForm`): the data a clerk gives go into the process
instance, where the model's gateways and expressions read them by name. Besides a free text
"Result / note" (`note`, a string, empty when nothing was written), the task's form key
(`camunda:formKey`, `zeebe:formDefinition formKey`/`formId`) decides the fields:

- a **task form** of the model version (`NAME.form.json`, `workflow.forms.task_form`): a
  JSON Schema with the UI layer of the online forms. Its fields are rendered as the portal
  renders an application's (`TaskFormField` for the template portal/application/_field.html),
  the POSTed strings are typed by the schema (numbers, booleans, enum codes, dates as ISO
  text, choices as lists) and validated by the applications' form engine
  (`applications.forms.form_data_validate`, its German messages naming the field); the
  valid data go into the instance by their property names (`/amount` → `amount`);
- the built-in keys of `TASK_FORMS`, kept for models without form files: `pruefung` asks
  for `amount` (a number, e.g. for `=amount > 100`), `entscheidung` for `approved` (true or
  false);
- any other key (the check refuses it at upload; older versions): the note alone.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.utils import ErrorList
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.applications.forms import (
    date_from_input,
    date_text,
    field_labels,
    form_data_validate,
    schema_at,
    visible_ui_fields,
)
from rathaus.core.forms import KernForm
from rathaus.mailbox.forms import FilesField
from rathaus.workflow.services import ModelFile

NOTE_MAX_LENGTH = 2000
VERSION_NOTE_MAX_LENGTH = 500
MODEL_FILE_MAX_BYTES = 2 * 1024 * 1024  # as the workflow's upload allows
# "Installation-wide" in the municipality select (only for who sees every office).
ALL_MUNICIPALITIES = "alle"


@dataclass(frozen=True)
class TaskField:
    """One field of a known task form: `name` is the variable the process reads."""

    name: str
    kind: str  # "number" or "yes_no"
    label: Any
    help_text: Any = ""
    required_message: Any = ""


# The known form keys and their fields (see the module docstring).
TASK_FORMS: dict[str, tuple[TaskField, ...]] = {
    "pruefung": (
        TaskField(
            "amount",
            "number",
            _("Amount in euros"),
            _("For example 150 or 89.50."),
            _("Enter the amount in euros, for example 150."),
        ),
    ),
    "entscheidung": (
        TaskField(
            "approved",
            "yes_no",
            _("Decision on the application"),
            "",
            _("Choose whether the application is granted or refused."),
        ),
    ),
}


def _number(value: Decimal) -> int | float:
    """The process data are JSON: whole numbers as int, others as float."""
    return int(value) if value == value.to_integral_value() else float(value)


# --- Task forms (JSON Schema + UI layer) -------------------------------------------------

RADIO_MAX_OPTIONS = 6  # as in the portal: more options are a select
TEXTAREA_MIN_LENGTH = 200
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class TaskFormDefinition:
    """A task form as the applications' form engine reads it (`schema`, `ui`)."""

    schema: Mapping[str, Any]
    ui: Mapping[str, Any]


@dataclass
class TaskFormOption:
    value: str
    label: str
    selected: bool
    html_id: str


@dataclass
class TaskFormField:
    """One input of a task form, with the attributes portal/application/_field.html reads."""

    pointer: str
    html_id: str
    label: str
    widget: str  # text, textarea, date, email, number, radio, select, checkbox, checkboxes
    required: bool
    help: str = ""
    value: str = ""
    checked: bool = False
    options: list[TaskFormOption] = field(default_factory=list)
    inputmode: str = ""
    autocomplete: str = ""
    width_class: str = ""
    max_length: int | None = None
    errors: list[str] = field(default_factory=list)
    children: list["TaskFormField"] = field(default_factory=list)

    @property
    def described_by(self) -> str:
        ids = [self.html_id + "-help"] if self.help else []
        return " ".join([*ids, self.html_id + "-error"] if self.errors else ids)

    @property
    def focus_id(self) -> str:
        """The element the error summary links to (the first option of a group)."""
        if self.widget in ("radio", "checkboxes") and self.options:
            return self.options[0].html_id
        return self.html_id


@dataclass
class TaskFormStep:
    title: str
    fields: list[TaskFormField]


def _localized(value: Any, language: str) -> str:
    if isinstance(value, Mapping):
        return str(value.get(language) or value.get("de") or "")
    return str(value or "")


def _split(pointer: str) -> list[str]:
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]


def _value_at(data: Any, pointer: str) -> Any:
    node = data
    for part in _split(pointer):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _nested(values: Mapping[str, Any]) -> dict[str, Any]:
    """{"/a/b": 1} → {"a": {"b": 1}}; None values are left out (no answer)."""
    data: dict[str, Any] = {}
    for pointer, value in values.items():
        if value is None:
            continue
        *parents, last = _split(pointer)
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return data


def _number_typed(text: str, *, integer: bool) -> Any:
    """A number as clerks type it (150, 150,50, 1.234,50 or 89.5); the text itself when it is
    none, so that validation names the field."""
    cleaned = text.replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return text
    if not number.is_finite():
        return text
    if number == number.to_integral_value():
        return int(number)
    return text if integer else float(number)


def _enum_value(sub: Mapping[str, Any], text: str) -> Any:
    """The enum's own value (a number stays a number) for the code posted."""
    for code in sub.get("enum") or []:
        if str(code) == text:
            return code
    return text


def _items(sub: Mapping[str, Any]) -> Mapping[str, Any]:
    """The schema of an array's items ({} when it declares none)."""
    items = sub.get("items")
    return items if isinstance(items, Mapping) else {}


def _parse(sub: Mapping[str, Any], pointer: str, post: Any) -> Any:
    kind = sub.get("type")
    if kind == "array":
        items = _items(sub)
        chosen = [_enum_value(items, v) for v in post.getlist(pointer) if v.strip()]
        return chosen or None
    if kind == "boolean" and "enum" not in sub:
        return post.get(pointer) in ("true", "on", "1")
    text = str(post.get(pointer) or "").strip()
    if text == "":
        return None
    if "enum" in sub:
        return _enum_value(sub, text)
    if kind in ("integer", "number"):
        return _number_typed(text, integer=kind == "integer")
    if sub.get("format") == "date":
        return date_from_input(text)
    return text


def _display(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return str(value)


def _required(schema: Mapping[str, Any], pointer: str) -> bool:
    parent_pointer, _sep, name = pointer.rpartition("/")
    parent = schema_at(schema, parent_pointer) if parent_pointer else schema
    return name in (parent or {}).get("required", [])


def _field(
    definition: TaskFormDefinition, ui_field: Mapping[str, Any], data: Any, language: str
) -> TaskFormField:
    pointer = str(ui_field["field"])
    sub = schema_at(definition.schema, pointer) or {}
    html_id = "tf" + _ID_UNSAFE.sub("-", pointer.replace("/", "-"))
    value = _value_at(data, pointer)
    result = TaskFormField(
        pointer=pointer,
        html_id=html_id,
        label=_localized(ui_field.get("label"), language),
        widget="text",
        required=_required(definition.schema, pointer),
        help=_localized(ui_field.get("help"), language),
    )
    labels = ui_field.get("options") or {}
    kind = sub.get("type")
    items = _items(sub)
    if "enum" in sub or (kind == "array" and "enum" in items):
        codes = [str(code) for code in (sub.get("enum") or items.get("enum") or [])]
        chosen = {str(v) for v in value} if isinstance(value, list) else {_display(value)}
        if kind == "array":
            result.widget = "checkboxes"
        else:
            result.widget = "radio" if len(codes) <= RADIO_MAX_OPTIONS else "select"
        result.options = [
            TaskFormOption(
                code,
                _localized(labels.get(code), language) or code,
                code in chosen,
                f"{html_id}-{i}",
            )
            for i, code in enumerate(codes)
        ]
    elif kind == "boolean":
        result.widget = "checkbox"
        result.checked = value is True
    elif kind in ("integer", "number"):
        result.widget = "number"
        result.inputmode = "numeric" if kind == "integer" else "decimal"
        result.value = _display(value)
        result.width_class = "input-width-10"
    elif sub.get("format") == "date":
        result.widget = "date"
        result.value = date_text(value)
        result.width_class = "input-width-10"
        example = gettext("For example 15.06.1990")
        result.help = f"{result.help} {example}" if result.help else example
    elif sub.get("format") == "email":
        result.widget = "email"
        result.value = _display(value)
    else:
        max_length = sub.get("maxLength")
        result.max_length = max_length if isinstance(max_length, int) else None
        if result.max_length is None or result.max_length > TEXTAREA_MIN_LENGTH:
            result.widget = "textarea"
        result.value = _display(value)
    return result


def task_form_answers(
    task_form: Mapping[str, Any], data: Mapping[str, Any], language: str
) -> list[tuple[str, str]]:
    """(label, value as read) of the fields of the task form (`{"schema": …, "ui": …}`)
    answered in `data`, in form order: the values a completed task shows."""
    definition = TaskFormDefinition(task_form["schema"], task_form.get("ui") or {})
    labels = field_labels(definition.ui, language)
    rows = []
    for ui_field in visible_ui_fields(definition.ui, data):
        pointer = str(ui_field["field"])
        value = _value_at(data, pointer)
        if value is None or value == [] or value == "":
            continue
        sub = schema_at(definition.schema, pointer) or {}
        options = ui_field.get("options") or {}
        if isinstance(value, bool):
            text = gettext("yes") if value else gettext("no")
        elif isinstance(value, list):
            text = ", ".join(_localized(options.get(str(v)), language) or str(v) for v in value)
        elif "enum" in sub:
            text = _localized(options.get(str(value)), language) or str(value)
        elif sub.get("format") == "date":
            text = date_text(value)
        else:
            text = _display(value)
        rows.append((labels.get(pointer) or pointer, text))
    return rows


# --- Completing a task -----------------------------------------------------------------


class TaskCompleteForm(KernForm):
    """Complete a work item: the note and the fields of its task form, or of its built-in
    form (module docstring)."""

    note = forms.CharField(
        label=_("Result / note"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you found or decided; it is kept with the task."),
    )

    def __init__(
        self,
        *args: Any,
        form_key: str,
        definition: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """`definition`: the task form (`{"schema": …, "ui": …}`) the form key names among the
        version's files; None for a built-in form or none."""
        kwargs.setdefault("prefix", "complete")
        super().__init__(*args, **kwargs)
        self.definition = (
            TaskFormDefinition(definition["schema"], definition.get("ui") or {})
            if definition is not None
            else None
        )
        self.language = (translation.get_language() or "de")[:2]
        self.form_data: dict[str, Any] = {}  # the task form's data, typed (when bound)
        self.form_errors: list[tuple[str, str]] = []  # (pointer, message)
        if self.definition is not None:
            self.task_fields: tuple[TaskField, ...] = ()
            if "note" in (self.definition.schema.get("properties") or {}):
                del self.fields["note"]  # the form's own "note" is the note
            return
        self.task_fields = TASK_FORMS.get(form_key.strip().casefold(), ())
        for spec in self.task_fields:
            messages = {"required": spec.required_message}
            if spec.kind == "number":
                self.fields[spec.name] = forms.DecimalField(
                    label=spec.label,
                    help_text=spec.help_text,
                    max_digits=14,
                    decimal_places=2,
                    localize=True,
                    error_messages={
                        **messages,
                        "invalid": _("Enter the amount as a number, for example 150 or 89.50."),
                        "max_decimal_places": _("Enter the amount with at most two decimals."),
                        "max_digits": _("Enter an amount below one trillion euros."),
                        "max_whole_digits": _("Enter an amount below one trillion euros."),
                    },
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                )
            else:
                self.fields[spec.name] = forms.ChoiceField(
                    label=spec.label,
                    help_text=spec.help_text,
                    choices=[
                        ("", _("Please choose")),
                        ("ja", _("granted")),
                        ("nein", _("refused")),
                    ],
                    error_messages={**messages, "invalid_choice": spec.required_message},
                )
        # The note last: the form's own fields are what the process needs.
        self.order_fields([spec.name for spec in self.task_fields] + ["note"])

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or self.definition is None:
            return
        self.form_data = self._form_data_parse()
        self.form_errors = form_data_validate(self.definition, self.form_data)
        for pointer, message in self.form_errors:
            # Kept under the field's pointer: `errors` (and so `is_valid`) count them;
            # `error_summary` and `task_form_steps` show them at their fields.
            self.errors.setdefault(pointer, ErrorList()).append(message)

    def _form_data_parse(self) -> dict[str, Any]:
        """The POSTed values of the task form's fields, typed by schema, without the answers
        to fields whose `visible_if` does not hold (repeated: a hidden answer may hide more)."""
        assert self.definition is not None
        values = {}
        for step in self.definition.ui.get("steps", []):
            for ui_field in step.get("fields", []):
                pointer = str(ui_field["field"])
                values[pointer] = _parse(
                    schema_at(self.definition.schema, pointer) or {}, pointer, self.data
                )
        data = _nested(values)
        for _round in range(len(values) + 1):
            shown = {str(f["field"]) for f in visible_ui_fields(self.definition.ui, data)}
            narrowed = _nested({p: v for p, v in values.items() if p in shown})
            if narrowed == data:
                break
            data = narrowed
        return data

    def task_form_steps(self) -> list[TaskFormStep]:
        """The task form's fields that apply to the data given (none yet: the empty form),
        per step of the UI layer, with their values and errors."""
        if self.definition is None:
            return []
        errors: dict[str, list[str]] = {}
        for pointer, message in self.form_errors:
            errors.setdefault(pointer, []).append(message)
        steps = []
        for step in self.definition.ui.get("steps", []):
            fields = []
            for ui_field in visible_ui_fields(self.definition.ui, self.form_data, step.get("id")):
                built = _field(self.definition, ui_field, self.form_data, self.language)
                built.errors = [
                    message
                    for pointer, messages in errors.items()
                    if pointer == built.pointer or pointer.startswith(built.pointer + "/")
                    for message in messages
                ]
                fields.append(built)
            if fields:
                steps.append(TaskFormStep(_localized(step.get("title"), self.language), fields))
        return steps

    def error_summary(self) -> list[tuple[str, str]]:
        """The task form's errors in field order, linked to their fields, then the note's."""
        fields = [built for step in self.task_form_steps() for built in step.fields]
        summary = [(built.focus_id, message) for built in fields for message in built.errors]
        shown = {message for _id, message in summary}
        # An error of a property the UI layer does not ask for: said, without a link.
        summary += [("", message) for _p, message in self.form_errors if message not in shown]
        return summary + super().error_summary()

    def task_data(self) -> dict[str, Any]:
        """The data for the process: the note and each field by its variable name."""
        if self.definition is not None:
            note = self.cleaned_data.get("note")
            return {**self.form_data, **({"note": note.strip()} if note is not None else {})}
        data: dict[str, Any] = {"note": self.cleaned_data["note"].strip()}
        for spec in self.task_fields:
            value = self.cleaned_data[spec.name]
            data[spec.name] = _number(value) if spec.kind == "number" else value == "ja"
        return data


class _ClerkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class TaskAssignForm(KernForm):
    """Give the task to a clerk of its office who holds its role."""

    assignee = _ClerkChoiceField(
        label=_("Clerk"),
        queryset=None,  # the office's clerks with the task's role, set per task
        empty_label=_("Please choose"),
        error_messages={
            "required": _("Choose the clerk who is to do the task."),
            "invalid_choice": _("Choose a clerk of the office who holds the task's role."),
        },
    )

    def __init__(self, *args: Any, clerks: QuerySet[Any], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = clerks


class _NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class VersionUploadForm(KernForm):
    """A new version of the process of a service: its BPMN, DMN and task form files."""

    service = _NamedChoiceField(
        label=_("Service"),
        queryset=None,  # the services offered in the staff member's municipalities
        empty_label=_("Please choose"),
        error_messages={
            "required": _("Choose the service the process is for."),
            "invalid_choice": _("Choose one of the services in the list."),
        },
    )
    municipality = forms.ChoiceField(
        label=_("Municipality"),
        choices=(),
        error_messages={
            "required": _("Choose the municipality whose process this is."),
            "invalid_choice": _("Choose one of the municipalities in the list."),
        },
    )
    model_files = FilesField(
        label=_("BPMN, DMN and form files"),
        help_text=_(
            "One or more .bpmn files made in bpmn.io or Camunda Modeler, with the .dmn files "
            "of their decisions and the forms of their user tasks (NAME.form.json, named by "
            "the task's form key); each at most 2 MB."
        ),
        error_messages={"required": _("Choose the model's BPMN file.")},
    )
    note = forms.CharField(
        label=_("What changed"),
        max_length=VERSION_NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        services: QuerySet[Any],
        municipalities: Iterable[Any],
        installation_wide: bool,
        offers: Callable[[Any, Any], bool],
        **kwargs: Any,
    ) -> None:
        """`offers(municipality, service)`: whether the municipality offers the service (a
        municipality's process is for a service it offers)."""
        super().__init__(*args, **kwargs)
        service_field = self.fields["service"]
        assert isinstance(service_field, forms.ModelChoiceField)
        service_field.queryset = services
        self.municipalities = {str(m.pk): m for m in municipalities}
        choices: list[tuple[str, Any]] = [("", _("Please choose"))]
        if installation_wide:
            choices.append((ALL_MUNICIPALITIES, _("All municipalities (installation-wide)")))
        choices += [(key, m.name) for key, m in self.municipalities.items()]
        municipality_field = self.fields["municipality"]
        assert isinstance(municipality_field, forms.ChoiceField)
        municipality_field.choices = choices
        if len(choices) == 2:  # one municipality: nothing to choose
            municipality_field.initial = choices[1][0]
        self.offers = offers
        self.fields["model_files"].widget.attrs["accept"] = ".bpmn,.dmn,.json"

    def clean_municipality(self) -> Any:
        """The municipality chosen, None for an installation-wide process."""
        value = self.cleaned_data["municipality"]
        return None if value == ALL_MUNICIPALITIES else self.municipalities[value]

    def clean_model_files(self) -> list[Any]:
        files = self.cleaned_data["model_files"]
        if not files:
            raise forms.ValidationError(_("Choose the model's BPMN file."))
        for upload in files:  # refused before it is read into memory
            if upload.size > MODEL_FILE_MAX_BYTES:
                raise forms.ValidationError(
                    _("“%(name)s” is larger than 2 MB.") % {"name": upload.name}
                )
        return list(files)

    def uploaded_files(self) -> list[ModelFile]:
        """The chosen files as the workflow takes them (each at most 2 MB, checked above)."""
        return [
            ModelFile(upload.name, upload.read()) for upload in self.cleaned_data["model_files"]
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        municipality, service = data.get("municipality"), data.get("service")
        if (
            municipality is not None
            and service is not None
            and not self.offers(municipality, service)
        ):
            self.add_error(
                "service",
                _("%(municipality)s does not offer this service; choose one it offers.")
                % {"municipality": municipality.name},
            )
        return data
