"""The form engine's public face for the pages that render and read forms in its format (the
portal's application forms, the back office's task forms of process models): the JSON
Schema + UI layer helpers, validation with messages to show, dates as typed and shown,
declarations, and the fields of a step as the templates render them and their POSTed values
typed by schema. The code lives in `form_schema.py`, `form_dates.py`, `form_steps.py` and
`declarations.py`."""

from rathaus.applications.declarations import Declaration, declarations_of
from rathaus.applications.form_dates import date_from_input, date_text
from rathaus.applications.form_schema import (
    FormError,
    field_labels,
    form_data_validate,
    schema_at,
    visible_ui_fields,
)
from rathaus.applications.form_steps import (
    AnswerRow,
    Option,
    StepField,
    answer_rows,
    error_summary,
    field_html_id,
    fields_revealed,
    localized_text,
    step_fields,
    step_of,
    step_values_parse,
    value_at,
)

__all__ = [
    "AnswerRow",
    "Declaration",
    "FormError",
    "Option",
    "StepField",
    "answer_rows",
    "date_from_input",
    "date_text",
    "declarations_of",
    "error_summary",
    "field_html_id",
    "field_labels",
    "fields_revealed",
    "form_data_validate",
    "localized_text",
    "schema_at",
    "step_fields",
    "step_of",
    "step_values_parse",
    "value_at",
    "visible_ui_fields",
]
