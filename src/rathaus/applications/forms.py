"""The form engine's public face for the pages that render and read forms in its format (the
portal's application forms, the back office's task forms of process models): the JSON
Schema + UI layer helpers, validation with messages to show, dates as typed and shown,
declarations. The code lives in `form_schema.py`, `form_dates.py` and `declarations.py`."""

from rathaus.applications.declarations import Declaration, declarations_of
from rathaus.applications.form_dates import date_from_input, date_text
from rathaus.applications.form_schema import (
    FormError,
    field_labels,
    form_data_validate,
    schema_at,
    visible_ui_fields,
)

__all__ = [
    "Declaration",
    "FormError",
    "date_from_input",
    "date_text",
    "declarations_of",
    "field_labels",
    "form_data_validate",
    "schema_at",
    "visible_ui_fields",
]
