"""Forms of the workflow pages (/intern/aufgaben/, /intern/prozessmodelle/): they parse input;
the workflow's services decide and change.

Completing a work item (`TaskCompleteForm`): the data a clerk gives go into the process
instance, where the model's gateways and expressions read them by name. There is no form
designer yet, so the form is small and fixed:

- always a free text "Result / note" (`note`, a string, empty when nothing was written);
- when the task's form key (`camunda:formKey`, `zeebe:formDefinition formKey`) is one of
  `TASK_FORMS`, the fields of that form besides: `pruefung` asks for `amount` (a number,
  e.g. for `=amount > 100`), `entscheidung` for `approved` (true or false).

Any other form key gets the note alone; a model that needs other data waits for the form
designer (issue 12 §3).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

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


class TaskCompleteForm(KernForm):
    """Complete a work item: the note and the fields of its known form (module docstring)."""

    note = forms.CharField(
        label=_("Result / note"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you found or decided; it is kept with the task."),
    )

    def __init__(self, *args: Any, form_key: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "complete")
        super().__init__(*args, **kwargs)
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

    def task_data(self) -> dict[str, Any]:
        """The data for the process: the note and each field by its variable name."""
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
    """A new version of the process of a service: its BPMN and DMN files."""

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
        label=_("BPMN and DMN files"),
        help_text=_(
            "One or more .bpmn files made in bpmn.io or Camunda Modeler, with the .dmn files "
            "of their decisions; each at most 2 MB."
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
        self.fields["model_files"].widget.attrs["accept"] = ".bpmn,.dmn"

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
