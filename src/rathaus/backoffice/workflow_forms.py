"""Forms of the workflow pages (/intern/aufgaben/, /intern/prozessmodelle/): they parse input;
the workflow's services decide and change.

Completing a work item (`TaskCompleteForm`): the data a clerk gives go into the process
instance, where the model's gateways and expressions read them by name. Besides a free text
"Result / note" (`note`, a string, empty when nothing was written), the task's form key
(`camunda:formKey`, `zeebe:formDefinition formKey`/`formId`) decides the fields:

- a **task form** of the model version (`NAME.form.json`, `workflow.forms.task_form`): a
  JSON Schema with the UI layer of the online forms. Its fields are built, and the POSTed
  strings typed by the schema (numbers, booleans, enum codes, dates as ISO text, choices as
  lists), by the form engine's shared step helpers (`applications.forms.step_fields`,
  `step_values_parse`, `answer_rows`), rendered by the portal's template
  portal/application/_field.html with ids of their own (`tf-…`), and validated by the
  form engine (`applications.forms.form_data_validate`, its German messages naming the
  field); the valid data go into the instance by their property names (`/amount` →
  `amount`);
- the built-in keys of `TASK_FORMS`, kept for models without form files: `pruefung` asks
  for `amount` (a number, e.g. for `=amount > 100`), `entscheidung` for `approved` (true or
  false);
- any other key (the check refuses it at upload; older versions): the note alone.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.utils import ErrorList
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rathaus.applications.forms import (
    StepField,
    answer_rows,
    error_summary,
    form_data_validate,
    localized_text,
    step_fields,
    step_values_parse,
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

# The task form's HTML ids start with "t" (`tf-fee`): apart from the page's other inputs.
TASK_FORM_ID_PREFIX = "t"


@dataclass(frozen=True)
class TaskFormDefinition:
    """A task form as the applications' form engine reads it (`schema`, `ui`)."""

    schema: Mapping[str, Any]
    ui: Mapping[str, Any]


@dataclass
class TaskFormStep:
    title: str
    fields: list[StepField]  # as portal/application/_field.html renders them


def _nested(values: Mapping[str, Any]) -> dict[str, Any]:
    """{"/a/b": 1} → {"a": {"b": 1}}; None values are left out (no answer)."""
    data: dict[str, Any] = {}
    for pointer, value in values.items():
        if value is None:
            continue
        *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return data


def task_form_answers(
    task_form: Mapping[str, Any], data: Mapping[str, Any], language: str
) -> list[tuple[str, str]]:
    """(label, value as read) of the fields of the task form (`{"schema": …, "ui": …}`)
    answered in `data`, in form order: the values a completed task shows."""
    definition = TaskFormDefinition(task_form["schema"], task_form.get("ui") or {})
    return [
        (row.label, row.value)
        for _step_id, _title, rows in answer_rows(
            definition=definition, data=data, language=language
        )
        for row in rows
        if row.value != ""
    ]


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
        assert isinstance(self.data, QueryDict)  # bound to request.POST
        values: dict[str, Any] = {}
        for step in self.definition.ui.get("steps", []):
            values |= step_values_parse(
                definition=self.definition, step_id=step.get("id"), post=self.data
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
        errors = [(pointer, message) for pointer, message in self.form_errors if pointer]
        steps = []
        for step in self.definition.ui.get("steps", []):
            fields = step_fields(
                definition=self.definition,
                step_id=step.get("id"),
                data=self.form_data,
                errors=errors,
                language=self.language,
                id_prefix=TASK_FORM_ID_PREFIX,
            )
            if fields:
                steps.append(TaskFormStep(localized_text(step.get("title"), self.language), fields))
        return steps

    def error_summary(self) -> list[tuple[str, str]]:
        """The task form's errors in field order, linked to their fields, then the note's."""
        fields = [built for step in self.task_form_steps() for built in step.fields]
        summary = error_summary(fields)
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


class InstanceMigrationForm(KernForm):
    """Which of the running cases that can move go to the version now (`plans`: what
    `instance_migration_plan` found for each)."""

    instances = forms.MultipleChoiceField(
        label=_("Cases to move"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one case to move."),
            "invalid_choice": _(
                "A case you chose cannot move to this version (any more); the list shows "
                "where it stands now."
            ),
        },
    )

    def __init__(self, *args: Any, plans: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["instances"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (str(plan.instance_id), plan.case_reference) for plan in plans if plan.movable
        ]


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
