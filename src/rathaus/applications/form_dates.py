"""Dates in application forms: how citizens type them, how they read, which are plausible.

Germans write dates as 15.06.1990 (also 15.6.1990); the data holds ISO 8601 (1990-06-15), as
the JSON Schema `format: date` demands. The UI layer may declare plausibility rules on a date
field (see `applications.form_schema`):

    "not_in_future": true        # e.g. a birth date: today at the latest
    "not_in_past": true          # e.g. a planned event: today at the earliest
    "not_before": "/dog1/born"   # on or after the date in another field
"""

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

DATE_RULES = ("not_in_future", "not_in_past", "not_before")

_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def date_from_input(text: str) -> str:
    """ISO form of a date typed as `15.06.1990`, `15.6.1990` or `1990-06-15`; anything else
    (also an impossible day like 31.02.2026) is returned unchanged, so validation reports it
    and the citizen sees what they typed."""
    text = text.strip()
    match = _GERMAN_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return text
    return text


def iso_date(value: Any) -> dt.date | None:
    """The date of an ISO text, None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def date_text(value: Any) -> str:
    """An ISO date as Germans write it (15.06.1990), in both languages: the same form the
    citizen typed; anything that is not an ISO date is shown as it is."""
    date = iso_date(value)
    if date is None:
        return "" if value is None else str(value)
    return f"{date.day:02d}.{date.month:02d}.{date.year:04d}"


def date_rule_violations(
    ui_field: Mapping[str, Any],
    value: Any,
    *,
    today: dt.date,
    value_of: Callable[[str], Any],
) -> list[tuple[str, dict[str, Any]]]:
    """The plausibility rules of `ui_field` its `value` breaks, as (rule, parameters).

    `value_of(pointer)` gives another field's value (None when absent or hidden). A value
    that is not a date breaks no rule here: the schema's `format` reports it.
    """
    date = iso_date(value)
    if date is None:
        return []
    broken: list[tuple[str, dict[str, Any]]] = []
    if ui_field.get("not_in_future") and date > today:
        broken.append(("not_in_future", {}))
    if ui_field.get("not_in_past") and date < today:
        broken.append(("not_in_past", {}))
    other_pointer = ui_field.get("not_before")
    if isinstance(other_pointer, str):
        other = iso_date(value_of(other_pointer))
        if other is not None and date < other:
            broken.append(("not_before", {"other": other_pointer}))
    return broken
