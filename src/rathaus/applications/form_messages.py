"""Error messages of application forms in plain German and English.

Every message names the field by its label and says what to do (GOV.UK's error message
patterns): "Geben Sie „Postleitzahl“ an.", "„Postleitzahl“ muss aus 5 Ziffern bestehen.".
No JSON Schema wording ("wrong type", "not a valid format") reaches a citizen.

A form may replace any message of a field in its UI layer, per kind of error::

    "messages": {"required": {"de": "Geben Sie Ihr Geburtsdatum ein.", "en": "..."},
                 "not_in_future": {"de": "Das Geburtsdatum muss in der Vergangenheit liegen."}}

Kinds: the JSON Schema keywords (`required`, `type`, `format`, `pattern`, `minimum`,
`maximum`, `minLength`, `maxLength`, `enum`, `minItems`, `maxItems`, …) and the date rules
of `applications.form_dates` (`not_in_future`, `not_in_past`, `not_before`).
"""

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

# `^[0-9]{5}$` or `^\d{5}$`: a number of digits we can put into words.
_DIGITS_PATTERN = re.compile(r"^\^(?:\[0-9\]|\\d)\{(\d+)\}\$$")


def localized(value: Any, language: str) -> str:
    """The text of a {"de": …, "en": …} mapping in `language`, falling back to German."""
    if isinstance(value, Mapping):
        return str(value.get(language) or value.get("de") or "")
    return str(value or "")


def _is_choice(sub: Mapping[str, Any]) -> bool:
    items = sub.get("items")
    return (
        "enum" in sub
        or sub.get("type") == "boolean"
        or (isinstance(items, Mapping) and "enum" in items)
    )


def _kind(kind: str, param: Any) -> str:
    # At least one character is what "required" means to someone who left a field empty.
    if kind == "minLength" and param == 1:
        return "required"
    return kind


def error_message(
    *,
    kind: str,
    param: Any,
    label: str,
    sub: Mapping[str, Any],
    ui_field: Mapping[str, Any],
    language: str,
    other_label: str = "",
) -> str:
    """The message for an error of `kind` (with the keyword's `param`) in the field `label`.

    `sub` is the field's schema, `ui_field` its UI entry (custom messages), `other_label`
    the label of the field a cross-field rule compares with.
    """
    kind = _kind(kind, param)
    custom = (ui_field.get("messages") or {}).get(kind)
    if custom:
        return localized(custom, language)
    values = {"label": label, "n": param, "other": other_label}
    question = label.rstrip().endswith("?")
    if kind == "required":
        if _is_choice(sub):
            if question:
                return _("Select an answer to the question “%(label)s”.") % values
            return _("Select an answer for “%(label)s”.") % values
        if question:
            return _("Answer the question “%(label)s”.") % values
        return _("Enter “%(label)s”.") % values
    if kind == "type":
        if sub.get("type") == "integer":
            return _("“%(label)s” must be a whole number, for example 2.") % values
        if sub.get("type") == "number":
            return _("“%(label)s” must be a number, for example 12,5.") % values
        return _("Check your answer to “%(label)s”.") % values
    if kind == "format":
        if param == "date":
            return _("“%(label)s” must be a real date, for example 15.06.1990.") % values
        if param == "email":
            return (
                _("Enter “%(label)s” in the correct format, for example name@example.com.") % values
            )
        return _("Enter “%(label)s” in the correct format.") % values
    if kind == "pattern":
        digits = _DIGITS_PATTERN.match(str(param))
        if digits:
            return _("“%(label)s” must be %(n)s digits.") % {**values, "n": digits.group(1)}
        return _("Enter “%(label)s” in the correct format.") % values
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        return _number_limit(kind, values, sub)
    if kind == "minLength":
        return _("“%(label)s” must be %(n)s characters or more.") % values
    if kind == "maxLength":
        return _("“%(label)s” must be %(n)s characters or fewer.") % values
    if kind in ("enum", "const"):
        return _("Select one of the answers offered for “%(label)s”.") % values
    if kind == "minItems":
        return _("Select at least %(n)s for “%(label)s”.") % values
    if kind == "maxItems":
        return _("Select at most %(n)s for “%(label)s”.") % values
    if kind == "not_in_future":
        return _("“%(label)s” must be today or in the past.") % values
    if kind == "not_in_past":
        return _("“%(label)s” must be today or in the future.") % values
    if kind == "not_before":
        return _("“%(label)s” must be the same as or after “%(other)s”.") % values
    return _("Check your answer to “%(label)s”.") % values


def _number_limit(kind: str, values: dict[str, Any], sub: Mapping[str, Any]) -> str:
    low, high = sub.get("minimum"), sub.get("maximum")
    if isinstance(low, int | float) and isinstance(high, int | float):
        # Both limits known: say the whole range, whichever side was crossed.
        return _("“%(label)s” must be between %(low)s and %(high)s.") % {
            **values,
            "low": _number(low),
            "high": _number(high),
        }
    number = _number(values["n"])
    if kind == "minimum":
        return _("“%(label)s” must be %(n)s or more.") % {**values, "n": number}
    if kind == "exclusiveMinimum":
        return _("“%(label)s” must be more than %(n)s.") % {**values, "n": number}
    if kind == "maximum":
        return _("“%(label)s” must be %(n)s or less.") % {**values, "n": number}
    return _("“%(label)s” must be less than %(n)s.") % {**values, "n": number}


def _number(value: Any) -> str:
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)
