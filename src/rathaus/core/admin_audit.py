"""Django admin classes whose every change lands in the audit trail, in the same transaction."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record, audit_via
from rathaus.core.audit_actions import register_admin_model
from rathaus.core.model_changes import instance_snapshot


def _action(obj: models.Model, verb: str) -> str:
    return f"{obj._meta.model_name}.{verb}"


@dataclass(frozen=True)
class AdminServices:
    """The services that write one model, for the admin to call instead of saving itself.

    `create(actor, parent, data)` returns the new object (`parent` is the inline's parent
    object, None for the admin's own model); `update(actor, obj, changes)` applies the
    changed fields; `delete(actor, obj)` removes it. A missing one falls back to the generic
    admin audit (`<model>.create|update|delete`).
    """

    create: Callable[[Actor, Any, dict[str, Any]], models.Model] | None = None
    update: Callable[[Actor, Any, dict[str, Any]], Any] | None = None
    delete: Callable[[Actor, Any], Any] | None = None


def _form_data(form: ModelForm, names: Iterable[str]) -> dict[str, Any]:
    """The cleaned values of the model fields `names` (many-to-many as lists)."""
    model = form._meta.model
    fields = {f.name: f for f in model._meta.get_fields() if f.concrete or f.many_to_many}
    data: dict[str, Any] = {}
    for name in names:
        field = fields.get(name)
        if field is None or name not in form.cleaned_data or field.primary_key:
            continue
        value = form.cleaned_data[name]
        data[name] = list(value) if field.many_to_many else value
    return data


def _record_delete(*, actor: Actor, obj: models.Model) -> None:
    """Audit deleting `obj` under the generic admin action `<model>.delete`, with a snapshot
    of what goes; the caller deletes it in the same transaction."""
    audit_record(
        actor=actor,
        action=_action(obj, "delete"),
        obj=obj,
        details={"via": "admin", **instance_snapshot(obj)},
    )


def _generic_verbs(services: AdminServices | None) -> list[str]:
    if services is None:
        return ["create", "update", "delete"]
    return [
        verb
        for verb, operation in (
            ("create", services.create),
            ("update", services.update),
            ("delete", services.delete),
        )
        if operation is None
    ]


class AuditedModelAdmin(admin.ModelAdmin):
    """ModelAdmin that audits creates, updates (changed fields, old → new) and deletes.

    Its actions are the generic `<model>.create|update|delete` (registered here for the model
    and its inlines' models, see rathaus.core.audit_actions). Where a service writes the model
    too, `model_services` (for the admin's model) and `inline_services` (per inline model)
    route the admin's writes through those services, so that one change is audited under
    one name, with the service's checks.
    """

    model_services: AdminServices | None = None
    inline_services: dict[type[models.Model], AdminServices] = {}

    def __init__(self, model: type[models.Model], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)
        # Only the writes no service takes over are audited under the generic names.
        register_admin_model(model, _generic_verbs(self.model_services))
        for inline in self.inlines:
            register_admin_model(
                inline.model, _generic_verbs(self.inline_services.get(inline.model))
            )

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        services = self.model_services
        operation = (services.update if change else services.create) if services else None
        if operation is not None:
            actor = Actor.person(request.user)
            with transaction.atomic(), audit_via("admin"):
                if change:
                    data = _form_data(form, form.changed_data)
                    if data:
                        services.update(actor, obj, data)  # type: ignore[union-attr,misc]
                else:
                    data = _form_data(form, form.fields)
                    created = services.create(actor, None, data)  # type: ignore[union-attr,misc]
                    obj.pk = created.pk
                    obj._state.adding = False
                    obj._state.db = created._state.db
            return
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
                    actor=Actor.person(request.user),
                    action=_action(obj, "update" if change else "create"),
                    obj=obj,
                    details={"via": "admin", **details},
                )

    @staticmethod
    def generic_delete(*, actor: Actor, obj: models.Model) -> None:
        """Delete `obj` under the generic admin action `<model>.delete`."""
        with transaction.atomic():
            _record_delete(actor=actor, obj=obj)
            obj.delete()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if self.model_services is not None and self.model_services.delete is not None:
            with audit_via("admin"):
                self.model_services.delete(Actor.person(request.user), obj)
            return
        with transaction.atomic():
            _record_delete(actor=Actor.person(request.user), obj=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        if self.model_services is not None and self.model_services.delete is not None:
            with transaction.atomic(), audit_via("admin"):
                for obj in queryset:
                    self.model_services.delete(Actor.person(request.user), obj)
            return
        with transaction.atomic():
            for obj in queryset:
                _record_delete(actor=Actor.person(request.user), obj=obj)
            super().delete_queryset(request, queryset)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseFormSet, change: bool
    ) -> None:
        services = self.inline_services.get(formset.model)  # type: ignore[attr-defined]
        if services is not None:
            self._save_formset_through(request, form, formset, services)
            return
        with transaction.atomic():
            instances = formset.save(commit=False)  # type: ignore[attr-defined]
            for obj in formset.deleted_objects:  # type: ignore[attr-defined]
                _record_delete(actor=Actor.person(request.user), obj=obj)
                obj.delete()
            changed = {id(o): fields for o, fields in formset.changed_objects}  # type: ignore[attr-defined]
            for obj in instances:
                is_new = obj._state.adding
                obj.save()
                audit_record(
                    actor=Actor.person(request.user),
                    action=_action(obj, "create" if is_new else "update"),
                    obj=obj,
                    details={"via": "admin", "changed": changed.get(id(obj), [])}
                    if not is_new
                    else {"via": "admin", **instance_snapshot(obj)},
                )
            formset.save_m2m()  # type: ignore[attr-defined]

    def _save_formset_through(
        self, request: HttpRequest, form: ModelForm, formset: Any, services: AdminServices
    ) -> None:
        """Save an inline formset's rows through `services` (generic audit where one is
        missing)."""
        actor = Actor.person(request.user)
        parent = form.instance
        fk_name = formset.fk.name
        # What the admin's change message reads (set by BaseModelFormSet.save otherwise).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        with transaction.atomic(), audit_via("admin"):
            for row in formset.deleted_forms:
                obj = row.instance
                if obj.pk is None:
                    continue
                formset.deleted_objects.append(obj)
                if services.delete is not None:
                    services.delete(actor, obj)
                else:
                    _record_delete(actor=actor, obj=obj)
                    obj.delete()
            for row in formset.forms:
                if row in formset.deleted_forms or not row.has_changed():
                    continue
                names = [n for n in row.changed_data if n != fk_name]
                is_new = row.instance._state.adding
                if is_new:
                    formset.new_objects.append(row.instance)
                elif names:
                    formset.changed_objects.append((row.instance, names))
                if is_new and services.create is not None:
                    data = _form_data(row, [n for n in row.fields if n != fk_name])
                    row.instance = services.create(actor, parent, data)
                elif not is_new and names and services.update is not None:
                    services.update(actor, row.instance, _form_data(row, names))
                elif is_new or names:
                    obj = row.save()
                    audit_record(
                        actor=actor,
                        action=_action(obj, "create" if is_new else "update"),
                        obj=obj,
                        details={"via": "admin", **instance_snapshot(obj)}
                        if is_new
                        else {"via": "admin", "changed": names},
                    )
