"""Prefill of form fields from the account profile.

A field of the UI layer may name a profile attribute under ``"prefill"``: first_name,
last_name, email, street, postal_code, city, country, date_of_birth, phone. Only empty
fields are filled; the applicant can change the value.
"""

from collections.abc import Iterator
from datetime import date
from typing import Any

from rathaus.applications.form_schema import PROFILE_ATTRIBUTES, schema_at


def _fields(ui: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for step in ui.get("steps", []):
        yield from step.get("fields", [])


def _set(data: dict[str, Any], pointer: str, value: Any) -> None:
    parts = pointer.strip("/").split("/")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            return
    node.setdefault(parts[-1], value)


def prefill_data(*, definition: Any, person: Any) -> dict[str, Any]:
    """Initial form data with the profile values of `person` for fields that ask for them."""
    data: dict[str, Any] = {}
    for field in _fields(definition.ui):
        attribute = field.get("prefill")
        if attribute not in PROFILE_ATTRIBUTES:
            continue
        value = getattr(person, attribute, None)
        if isinstance(value, date):
            value = value.isoformat()
        if value in (None, ""):
            continue
        sub = schema_at(definition.schema, field["field"]) or {}
        if sub.get("type") == "string" and isinstance(value, str):
            max_length = sub.get("maxLength")
            if isinstance(max_length, int):
                value = value[:max_length]
            _set(data, field["field"], value)
    return data
