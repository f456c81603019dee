import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from rathaus.applications.form_schema import definition_errors
from rathaus.applications.models import (
    Attachment,
    Draft,
    FormDefinition,
    Handover,
    ReferenceCounter,
    Submission,
)
from rathaus.applications.services import (
    ensure_can_edit_forms,
    form_definition_create,
    form_definition_publish,
    form_definition_update,
)
from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError
from rathaus.core.json_input import json_parse
from rathaus.staff.permissions import StaffPermissionDenied


class FormDefinitionForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("Upload definition (JSON)"),
        required=False,
        help_text=_('A JSON file {"schema": …, "ui": …}; replaces the two fields below.'),
    )

    actor: Any = None  # set per request by FormDefinitionAdmin.get_form

    class Meta:
        model = FormDefinition
        fields = ["service", "schema", "ui"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("schema", "ui"):
            if name in self.fields:
                self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk and self.instance.status != FormDefinition.Status.DRAFT:
            raise forms.ValidationError(
                _("A published or retired version cannot change; create a new version.")
            )
        service = cleaned.get("service") or getattr(self.instance, "service", None)
        if service is not None:
            try:
                ensure_can_edit_forms(actor=self.actor, service=service)
            except StaffPermissionDenied as exc:
                raise forms.ValidationError(exc.message) from exc
        upload = cleaned.get("upload")
        if upload:
            try:
                document = json_parse(upload.read())  # bounded nesting: no RecursionError
            except ValueError as exc:
                raise forms.ValidationError(_("The upload is not JSON: %s") % exc) from exc
            if not isinstance(document, dict):
                raise forms.ValidationError(_("The upload must be a JSON object."))
            cleaned["schema"] = document.get("schema")
            cleaned["ui"] = document.get("ui")
        errors = definition_errors(schema=cleaned.get("schema"), ui=cleaned.get("ui"))
        if errors:
            raise forms.ValidationError(
                [forms.ValidationError(f"{path or '/'}: {message}") for path, message in errors]
            )
        return cleaned


def _text(value: Any) -> str:
    if isinstance(value, dict):
        de, en = value.get("de", ""), value.get("en", "")
        return f"{de} / {en}" if en else str(de)
    return ""


@admin.register(FormDefinition)
class FormDefinitionAdmin(admin.ModelAdmin):
    """Upload/edit drafts (validated by the services), preview, publish.

    Changes go through `applications.services`, which audit them; this admin does not use
    AuditedModelAdmin to avoid recording them twice.
    """

    form = FormDefinitionForm
    list_display = ["service", "version", "status", "published_at", "created_by"]
    list_filter = ["status"]
    search_fields = ["service__name_de", "service__leika_key"]
    list_select_related = ["service", "created_by"]
    autocomplete_fields = ["service"]
    actions = ["publish"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        # A subclass per request: the permission check in clean() needs the acting user.
        return type(form.__name__, (form,), {"actor": Actor.person(request.user)})

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        if obj is not None and obj.status != FormDefinition.Status.DRAFT:
            return ["service", "version", "status", "published_at", "created_by", "preview"]
        fields = ["service", "upload", "schema", "ui"]
        return fields if obj is None else [*fields, "version", "status", "preview"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        if obj.status != FormDefinition.Status.DRAFT:
            return ["service", "version", "status", "published_at", "created_by", "preview"]
        return ["service", "version", "status", "preview"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status != FormDefinition.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("Preview"))
    def preview(self, obj: FormDefinition) -> SafeString:
        steps = obj.ui.get("steps", []) if isinstance(obj.ui, dict) else []
        parts = []
        for step in steps:
            rows = format_html_join(
                "",
                "<li><strong>{}</strong> <code>{}</code>{}</li>",
                (
                    (
                        _text(field.get("label")),
                        field.get("field", ""),
                        format_html(" — {}", _text(field["help"])) if field.get("help") else "",
                    )
                    for field in step.get("fields", [])
                ),
            )
            parts.append(format_html("<h3>{}</h3><ol>{}</ol>", _text(step.get("title")), rows))
        return format_html_join("", "<section>{}</section>", ((p,) for p in parts))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            form_definition_update(
                definition=obj,
                schema=data["schema"],
                ui=data["ui"],
                actor=Actor.person(request.user),
            )
            return
        created = form_definition_create(
            service=data["service"],
            schema=data["schema"],
            ui=data["ui"],
            actor=Actor.person(request.user),
        )
        # The admin continues with `obj` (messages, redirect): make it the created row.
        obj.pk = created.pk
        obj.version = created.version
        obj.status = created.status
        obj.created_by = created.created_by
        obj._state.adding = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing related to save; the services wrote everything."""

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request: HttpRequest, queryset: QuerySet[FormDefinition]) -> None:
        for definition in queryset:
            try:
                form_definition_publish(definition=definition, actor=Actor.person(request.user))
            except DomainError as exc:
                self.message_user(request, f"{definition}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("Published %s.") % definition, messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Applications are changed through their services (portal, inbox, API), never here:
    the admin shows them to superusers for support only (clerks use the inbox, which keeps
    need to know per office)."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = readonly_fields = (
        "original_name",
        "content_type",
        "size",
        "sha256",
        "scan_status",
        "scanned_at",
    )


class HandoverInline(ReadOnlyInline):
    model = Handover
    fields = readonly_fields = (
        "channel",
        "status",
        "destination",
        "remote_reference",
        "delivered_at",
    )


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["reference", "service", "office", "status", "submitted_at", "acknowledged_at"]
    list_filter = ["case__status", "municipality"]
    search_fields = ["reference"]
    list_select_related = ["service", "office", "case"]
    date_hierarchy = "submitted_at"
    # Status history and document requests are the case's (admin of rathaus.cases).
    inlines = [AttachmentInline, HandoverInline]
    exclude = ["data", "computed", "declarations"]
    readonly_fields = ["data_json"]

    @admin.display(description=_("status"), ordering="case__status")
    def status(self, obj: Submission) -> str:
        return obj.case.get_status_display()

    @admin.display(description=_("acknowledged at"), ordering="case__acknowledged_at")
    def acknowledged_at(self, obj: Submission) -> Any:
        return obj.case.acknowledged_at

    @admin.display(description=_("data"))
    def data_json(self, obj: Submission) -> SafeString:
        return format_html("<pre>{}</pre>", json.dumps(obj.data, indent=2, ensure_ascii=False))


@admin.register(Draft)
class DraftAdmin(ReadOnlyAdmin):
    list_display = ["form", "offer", "applicant", "updated_at", "expires_at"]
    list_select_related = ["form__service", "offer__municipality", "offer__service", "applicant"]
    exclude = ["data"]


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "year", "value"]
