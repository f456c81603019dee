"""Django admin classes whose every change lands in the audit trail, in the same transaction."""

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest

from rathaus.core.audit import audit_record
from rathaus.core.model_changes import instance_snapshot


def _action(obj: models.Model, verb: str) -> str:
    return f"{obj._meta.model_name}.{verb}"


class AuditedModelAdmin(admin.ModelAdmin):
    """ModelAdmin that audits creates, updates (changed fields, old → new) and deletes."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        with transaction.atomic():
            details: dict[str, Any]
            if change:
                initial = {name: form.initial.get(name) for name in form.changed_data}
                details = {
                    name: [str(initial[name]), str(form.cleaned_data.get(name))]
                    for name in form.changed_data
                }
            super().save_model(request, obj, form, change)
            if not change:
                details = instance_snapshot(obj)
            if details or not change:
                audit_record(
                    actor=request.user,
                    action=_action(obj, "update" if change else "create"),
                    obj=obj,
                    details={"via": "admin", **details},
                )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=_action(obj, "delete"),
                obj=obj,
                details={"via": "admin", **instance_snapshot(obj)},
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    actor=request.user,
                    action=_action(obj, "delete"),
                    obj=obj,
                    details={"via": "admin", **instance_snapshot(obj)},
                )
            super().delete_queryset(request, queryset)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseFormSet, change: bool
    ) -> None:
        with transaction.atomic():
            instances = formset.save(commit=False)  # type: ignore[attr-defined]
            for obj in formset.deleted_objects:  # type: ignore[attr-defined]
                audit_record(
                    actor=request.user,
                    action=_action(obj, "delete"),
                    obj=obj,
                    details={"via": "admin", **instance_snapshot(obj)},
                )
                obj.delete()
            changed = {id(o): fields for o, fields in formset.changed_objects}  # type: ignore[attr-defined]
            for obj in instances:
                is_new = obj._state.adding
                obj.save()
                audit_record(
                    actor=request.user,
                    action=_action(obj, "create" if is_new else "update"),
                    obj=obj,
                    details={"via": "admin", "changed": changed.get(id(obj), [])}
                    if not is_new
                    else {"via": "admin", **instance_snapshot(obj)},
                )
            formset.save_m2m()  # type: ignore[attr-defined]
