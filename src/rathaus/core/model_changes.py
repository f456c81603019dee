"""Create and update model instances with validation, returning what changed for the audit."""

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        return value
    return str(value)


def instance_create(model: type[M], data: dict[str, Any]) -> M:
    """Validate (`full_clean`) and insert a new row built from `data`."""
    instance = model(**data)
    # The primary key is a fresh UUID: checking it for uniqueness would cost a query per row.
    instance.full_clean(exclude=[instance._meta.pk.name] if instance._meta.pk else None)
    instance.save(force_insert=True)
    return instance


def instance_update(instance: M, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply `data`, validate, save only changed fields; return {field: [old, new]}."""
    changes: dict[str, list[Any]] = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [_plain(old), _plain(new)]
            setattr(instance, field, new)
    if changes:
        instance.full_clean()
        update_fields = list(changes)
        if any(f.name == "updated_at" for f in instance._meta.get_fields()):
            update_fields.append("updated_at")
        instance.save(update_fields=update_fields)
    return changes


def instance_snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of `instance`, JSON-ready (for create/delete audit details)."""
    return {
        f.attname: _plain(getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if f.attname not in {"created_at", "updated_at"}
    }
