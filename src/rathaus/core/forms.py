"""Form base classes for every server-rendered form: KERN UX classes on the widgets and an
error summary linked to the fields (WCAG 3.3.1). Templates: portal/includes/field.html."""

from typing import Any

from django import forms
from django.forms.boundfield import BoundField

WIDGET_CLASSES = {
    "select": "kern-form-input__select",
    "radioselect": "kern-form-check__radio",
}


class KernBoundField(BoundField):
    """Adds the KERN input classes, and their error variant when the field has errors.

    Django itself sets `aria-invalid` and points `aria-describedby` at the
    `<id>_helptext` and `<id>_error` elements that includes/field.html renders.
    """

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        base = WIDGET_CLASSES.get(self.widget_type, "kern-form-input__input")
        classes = [base, f"{base}--error"] if self.errors else [base]
        # Our attrs replace the widget's own; keep its classes.
        existing = str((widget or self.field.widget).attrs.get("class", ""))
        attrs["class"] = " ".join([*classes, existing]).strip()
        return attrs


class KernForm(forms.Form):
    bound_field_class = KernBoundField
    # Optional fields not to be labelled "optional" (e.g. one of two alternatives is needed).
    unmarked_optional: frozenset[str] = frozenset()
    # Browsers' own validation bubbles are not accessible enough and not translatable;
    # the server validates and shows an error summary instead.
    use_required_attribute = False

    def error_summary(self) -> list[tuple[str, str]]:
        """(field id, message) pairs in field order, for the linked error summary."""
        summary: list[tuple[str, str]] = []
        for name in self.fields:
            bound = self[name]
            # A group of checkboxes or radios has no one label: its fieldset carries the id.
            target = bound.id_for_label or bound.auto_id or ""
            summary.extend((target, str(message)) for message in bound.errors)
        summary.extend(("", str(message)) for message in self.non_field_errors())
        return summary
