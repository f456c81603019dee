"""Invalid characters in an application form step: taken out, and reported at the field.

The step view reads the form itself (no Django form, whose fields refuse NUL), so the
backstop middleware lets it through (`checks_invalid_characters`) and the view takes the
characters out of the POST (`core.invalid_characters`) before parsing: nothing typed is
lost, the database never sees them, and the citizen is asked to check the field.
"""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from rathaus.applications.forms import FormError, field_labels, step_of


def invalid_character_errors(
    *,
    definition: Any,
    step_id: str,
    names: Iterable[str],
    errors: list[FormError],
    language: str,
) -> list[FormError]:
    """`errors` plus one for each field of the step among the POSTed `names` that held an
    invalid character (unless the field has an error already: one message per field)."""
    labels = field_labels(definition.ui, language)
    fields = {f["field"] for f in (step_of(definition, step_id) or {}).get("fields", [])}
    reported = {pointer for pointer, _message in errors}
    added: list[FormError] = []
    for name in names:
        # The field the name belongs to: itself, or the list field of an entry's property.
        owner = max(
            (p for p in fields if name == p or name.startswith(p + "/")), key=len, default=None
        )
        if owner is None or owner in reported:
            continue
        reported.add(owner)
        added.append(
            (
                owner,
                _(
                    "“%(label)s” contained a character that is not allowed (such as a control "
                    "character). It has been removed: please check your answer."
                )
                % {"label": labels.get(owner, owner)},
            )
        )
    return sorted([*errors, *added])
