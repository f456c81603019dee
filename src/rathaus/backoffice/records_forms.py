"""Forms of the records pages (/intern/akten/): they parse input; the records' services
decide and change."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rathaus.core.forms import KernForm
from rathaus.municipalities.models import Office
from rathaus.records.models import CaseFiling, Document, FilePlanItem, RecordFile, XdomeaVersion
from rathaus.records.services import YEAR_MAX, YEAR_MIN

PLAN_CSV_MAX_BYTES = 2 * 1024 * 1024  # a plan of thousands of items is a few hundred kB
KEYWORDS_MAX_LENGTH = 1000


class _OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class _PlanItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} {obj.title}"


def file_label(record: RecordFile) -> str:
    return f"{record.file_reference} – {record.title}"


class FileCreateForm(KernForm):
    """A new file of one of the clerk's offices under an item of the municipality's plan."""

    office = _OfficeChoiceField(
        label=_("Office"),
        queryset=Office.objects.none(),
        empty_label=_("Please choose"),
        error_messages={"required": _("Choose the office that keeps the file.")},
    )
    plan_item = _PlanItemChoiceField(
        label=_("File plan item"),
        queryset=FilePlanItem.objects.none(),
        empty_label=_("Please choose"),
        error_messages={"required": _("Choose the file plan item the file belongs to.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        error_messages={"required": _("Enter the title of the file.")},
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={
            "required": _("Enter the year of the file, e.g. 2026."),
            "invalid": _("Enter the year of the file as a number, e.g. 2026."),
        },
    )

    def __init__(
        self,
        *args: Any,
        offices: QuerySet[Office],
        items: QuerySet[FilePlanItem],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        office_field = self.fields["office"]
        item_field = self.fields["plan_item"]
        assert isinstance(office_field, forms.ModelChoiceField)
        assert isinstance(item_field, forms.ModelChoiceField)
        office_field.queryset = offices
        item_field.queryset = items


class PlanImportForm(KernForm):
    csv_file = forms.FileField(
        label=_("File plan (CSV)"),
        help_text=_(
            "Semicolon or comma separated, with the columns Nummer and Titel and, if you "
            "like, Übergeordnet, Aufbewahrungsfrist (Jahre), Archivierung and Aktiv — as the "
            "export writes them."
        ),
        error_messages={"required": _("Choose the CSV file of the file plan.")},
    )

    def clean_csv_file(self) -> bytes:
        upload = self.cleaned_data["csv_file"]
        if upload.size > PLAN_CSV_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 2 MB; a file plan in CSV is much smaller.")
            )
        return bytes(upload.read())


class CaseFileForm(KernForm):
    """File one case in an open file of its office (the ids of the fields name the case, as
    the overview shows one form per case)."""

    file = forms.ChoiceField(
        label=pgettext_lazy("records", "File"),
        choices=(),
        error_messages={
            "required": _("Choose the file to file the case in."),
            "invalid_choice": _("Choose one of the open files of the case's office."),
        },
    )

    def __init__(self, *args: Any, case: Any, files: Iterable[RecordFile], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_case_{case.pk.hex}_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        assert isinstance(field, forms.ChoiceField)
        field.label = _("File for case %(reference)s") % {"reference": case.reference}
        field.choices = [("", _("Please choose")), *((str(f.pk), file_label(f)) for f in files)]
        self.has_choices = len(field.choices) > 1


class _ReasonForm(KernForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Please give a reason.")},
    )


class FileCloseForm(_ReasonForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Reason for closing")
        self.fields["reason"].error_messages["required"] = _(
            "Please give a reason for closing the file."
        )


class FileReopenForm(_ReasonForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Reason for reopening")
        self.fields["reason"].error_messages["required"] = _(
            "Please give a reason for reopening the file."
        )


class DocumentAddForm(KernForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        error_messages={"required": _("Enter the title of the document.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Please choose")), *Document.Kind.choices],
        error_messages={
            "required": _("Choose whether the document came in, went out or is a note.")
        },
    )
    document_date = forms.DateField(
        label=_("Date of the document"),
        required=False,
        help_text=_("For example 2026-03-14."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date as 2026-03-14.")},
    )
    sender = forms.CharField(label=_("Sender"), max_length=300, required=False)
    recipient = forms.CharField(label=_("Recipient"), max_length=300, required=False)
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=KEYWORDS_MAX_LENGTH,
        required=False,
        help_text=_("Separated by commas."),
    )
    case = forms.ChoiceField(label=_("Case"), choices=(), required=False)
    upload = forms.FileField(
        label=_("File"),
        error_messages={"required": _("Choose the file of the document.")},
    )

    def __init__(self, *args: Any, filings: Iterable[CaseFiling], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["case"]
        assert isinstance(field, forms.ChoiceField)
        self.cases = {str(f.case_id): f.case for f in filings}
        field.choices = [
            ("", _("none")),
            *((case_id, case.reference) for case_id, case in self.cases.items()),
        ]

    def clean_keywords(self) -> list[str]:
        return [word.strip() for word in self.cleaned_data["keywords"].split(",") if word.strip()]

    def clean_case(self) -> Any:
        return self.cases.get(self.cleaned_data["case"])


class VersionAddForm(KernForm):
    upload = forms.FileField(
        label=_("File of the new version"),
        error_messages={"required": _("Choose the file of the new version.")},
    )


class HandOverForm(KernForm):
    """Hand a file over to another authority (xdomea Abgabe 0401)."""

    recipient = forms.CharField(
        label=_("Authority that takes the file over"),
        max_length=200,
        error_messages={"required": _("Name the authority that takes the file over.")},
    )
    recipient_code = forms.CharField(
        label=_("Its authority key (optional)"),
        max_length=60,
        required=False,
        help_text=_("As the receiving authority gave it, e.g. for its xdomea system."),
    )
    version = forms.ChoiceField(
        label=_("xdomea version of the receiving system"),
        choices=XdomeaVersion.choices,
        initial=XdomeaVersion.V3_1_0,
    )


class XdomeaImportForm(KernForm):
    """An xdomea message that did not come through the transfer directory."""

    message = forms.FileField(
        label=_("xdomea message (ZIP container or XML)"),
        error_messages={"required": _("Choose the message to import.")},
    )
