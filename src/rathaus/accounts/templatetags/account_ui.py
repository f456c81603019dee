"""Template helpers that render Django and allauth form fields in the KERN design."""

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

WIDGET_CLASSES = {
    "select": "kern-form-input__select",
    "checkbox": "kern-form-check__checkbox",
    "radioselect": "kern-form-check__radio",
}


@register.filter
def kern_widget(field: BoundField) -> SafeString:
    """The field's widget with the KERN input classes (and their error variant)."""
    base = WIDGET_CLASSES.get(field.widget_type, "kern-form-input__input")
    classes = [base, f"{base}--error"] if field.errors else [base]
    existing = str(field.field.widget.attrs.get("class", ""))
    attrs: dict[str, Any] = {"class": " ".join([*classes, existing]).strip()}
    if field.errors:
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    return field.as_widget(attrs=attrs)


@register.filter
def error_summary(form: Any) -> list[tuple[str, str]]:
    """(field id, message) pairs in field order, for the linked error summary."""
    summary: list[tuple[str, str]] = []
    if form is None or not getattr(form, "errors", None):
        return summary
    for name in form.fields:
        bound = form[name]
        summary.extend((bound.id_for_label, str(message)) for message in bound.errors)
    summary.extend(("", str(message)) for message in form.non_field_errors())
    return summary
