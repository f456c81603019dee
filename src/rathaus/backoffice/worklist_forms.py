"""The worklist's filter (/intern/aufgaben/): a GET form, so a filtered view is a link."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import KernForm
from rathaus.workflow.selectors import WorklistFilter


class WorklistFilterForm(KernForm):
    unmarked_optional = frozenset({"dienststelle", "leistung", "aktenzeichen"})

    dienststelle = forms.TypedChoiceField(
        label=_("Office"), required=False, coerce=uuid.UUID, empty_value=None
    )
    leistung = forms.TypedChoiceField(
        label=_("Service"), required=False, coerce=uuid.UUID, empty_value=None
    )
    aktenzeichen = forms.CharField(
        label=_("Reference number"), required=False, max_length=40, strip=True
    )

    def __init__(
        self,
        *args: Any,
        offices: list[tuple[Any, str]],
        services: list[tuple[Any, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("all"))]
        for name, rows in (("dienststelle", offices), ("leistung", services)):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = everything + [(str(key), label) for key, label in rows]

    def filters(self) -> WorklistFilter:
        """The filter the valid form gives (none for what is invalid or empty)."""
        if not self.is_valid():
            return WorklistFilter()
        data = self.cleaned_data
        return WorklistFilter(
            office_id=data["dienststelle"] or None,
            service_id=data["leistung"] or None,
            reference=data["aktenzeichen"] or "",
        )
