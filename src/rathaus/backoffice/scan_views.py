"""Replacement scanning under /intern/akten/ (§7 EGovG): taking scans in for a file, a batch's
progress (the page reloads itself with htmx while the background job runs; without
JavaScript a link reloads it), the queue of scans waiting for a second person's check with
the scan to compare, and the paper originals that may now be destroyed. Thin: the records'
services decide; another office's scans are 404."""

import uuid
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from rathaus.core.downloads import bytes_download
from rathaus.core.error_responses import form_error_add
from rathaus.core.errors import DomainError, NotFound
from rathaus.core.forms import KernForm
from rathaus.federation.actors import request_actor
from rathaus.mailbox.forms import FilesField
from rathaus.records import selectors as records_selectors
from rathaus.records import services as records_services
from rathaus.records.models import CaseFiling, RecordFile, ScanBatch, ScannedDocument
from rathaus.uploads.checks import UploadRefused

COLOUR_CHOICES = [
    ("", gettext_lazy("as the scans say")),
    ("bw", gettext_lazy("black and white")),
    ("gray", gettext_lazy("grayscale")),
    ("color", gettext_lazy("colour")),
]


class ScanIntakeForm(KernForm):
    scans = FilesField(
        label=gettext_lazy("Scanned files"),
        help_text=gettext_lazy("PDF, TIFF, JPEG or PNG; one file per document unless split."),
    )
    split = forms.BooleanField(
        label=gettext_lazy("Split at blank pages and separator sheets (TRENNBLATT)"),
        required=False,
    )
    device = forms.CharField(label=gettext_lazy("Scanner"), max_length=200)
    resolution = forms.IntegerField(
        label=gettext_lazy("Resolution (dpi)"), min_value=50, max_value=2400, required=False
    )
    colour_mode = forms.ChoiceField(
        label=gettext_lazy("Colour mode"), choices=COLOUR_CHOICES, required=False
    )
    protection = forms.ChoiceField(
        label=gettext_lazy("Protection need"),
        choices=ScanBatch.Protection.choices,
        initial=ScanBatch.Protection.NORMAL,
        help_text=gettext_lazy(
            "Every scan of protection need high is checked by a second person, a sample of "
            "the others."
        ),
    )
    case = forms.ChoiceField(label=gettext_lazy("Case"), required=False)
    unmarked_optional = frozenset({"split", "resolution", "colour_mode", "case"})

    def __init__(self, *args: Any, record: RecordFile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        filings = CaseFiling.objects.filter(file=record).select_related("case")
        case_field = cast(forms.ChoiceField, self.fields["case"])
        case_field.choices = [("", _("none"))] + [
            (str(f.case_id), f.case.reference) for f in filings.order_by("case__reference")
        ]
        self.fields["scans"].widget.attrs["accept"] = ".pdf,.tif,.tiff,.jpg,.jpeg,.png"


class ScanCheckForm(KernForm):
    result = forms.ChoiceField(
        label=gettext_lazy("Result of the check"),
        choices=[
            ("passed", gettext_lazy("The scan matches the paper original")),
            ("rejected", gettext_lazy("The scan does not match: scan again")),
        ],
    )
    note = forms.CharField(
        label=gettext_lazy("Note (required when it does not match)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    unmarked_optional = frozenset({"note"})


def _readable_file(request: HttpRequest, file_id: uuid.UUID) -> RecordFile:
    record = RecordFile.objects.select_related("office", "municipality").filter(pk=file_id).first()
    offices = records_selectors.readable_office_ids(actor=request_actor(request))
    if record is None or (offices is not None and record.office_id not in offices):
        raise NotFound(_("No such file."))
    return record


def _readable_scan(request: HttpRequest, scan_id: uuid.UUID) -> ScannedDocument:
    offices = records_selectors.readable_office_ids(actor=request_actor(request))
    scans = ScannedDocument.objects.select_related("batch__file", "content", "batch__created_by")
    if offices is not None:
        scans = scans.filter(batch__file__office_id__in=offices)
    scan = scans.filter(pk=scan_id).first()
    if scan is None:
        raise NotFound(_("No such scan."))
    return scan


@require_http_methods(["GET", "HEAD", "POST"])
def scan_intake(request: HttpRequest, file_id: uuid.UUID) -> HttpResponse:
    record = _readable_file(request, file_id)
    form = ScanIntakeForm(request.POST or None, request.FILES or None, record=record)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            uploads = [records_services.upload_checked(f) for f in data["scans"]]
            case = None
            if data["case"]:
                case = CaseFiling.objects.get(file=record, case_id=data["case"]).case
            batch = records_services.scan_batch_create(
                actor=request_actor(request),
                record=record,
                uploads=uploads,
                device=data["device"],
                resolution=data["resolution"],
                colour_mode=data["colour_mode"],
                protection=data["protection"],
                split=data["split"],
                case=case,
            )
        except (DomainError, UploadRefused) as error:
            form_error_add(form, error, fields={"files": "scans"}, default="scans")
        else:
            return redirect("backoffice:records-scan-batch", batch.pk)
    return render(
        request,
        "backoffice/records/scan_intake.html",
        {"record": record, "form": form},
        status=400 if form.errors else 200,
    )


@require_safe
def scan_batch(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = ScanBatch.objects.select_related("file").filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("No such scan batch."))
    _readable_file(request, batch.file_id)
    running = batch.status in (ScanBatch.Status.QUEUED, ScanBatch.Status.PROCESSING)
    context = {
        "batch": batch,
        "running": running,
        "scans": batch.documents.select_related("document").order_by("position"),
    }
    template = (
        "backoffice/records/scan_progress.html"
        if request.headers.get("HX-Request")
        else "backoffice/records/scan_batch.html"
    )
    return render(request, template, context)


@require_safe
def scan_checks(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    offices = records_selectors.readable_office_ids(actor=actor)
    return render(
        request,
        "backoffice/records/scan_checks.html",
        {
            "waiting": records_selectors.checks_waiting(office_ids=offices)[:200],
            "originals": records_selectors.originals_due(office_ids=offices)[:200],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def scan_check(request: HttpRequest, scan_id: uuid.UUID) -> HttpResponse:
    scan = _readable_scan(request, scan_id)
    form = ScanCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            records_services.scan_check(
                actor=request_actor(request),
                scanned=scan,
                passed=form.cleaned_data["result"] == "passed",
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            form_error_add(form, error, default="note")
        else:
            messages.success(request, _("The check has been recorded."))
            return redirect("backoffice:records-scan-checks")
    return render(
        request,
        "backoffice/records/scan_check.html",
        {"scan": scan, "form": form},
        status=400 if form.errors else 200,
    )


@require_safe
def scan_pdf(request: HttpRequest, scan_id: uuid.UUID) -> HttpResponse:
    """The scan as OCRed, sealed PDF/A, to compare with the paper (the read is audited)."""
    scan = _readable_scan(request, scan_id)
    data = records_services.scan_read(actor=request_actor(request), scanned=scan)
    return bytes_download(
        data, filename=f"scan-{scan.position}.pdf", content_type="application/pdf"
    )


@require_POST
def scan_original_destroyed(request: HttpRequest, scan_id: uuid.UUID) -> HttpResponse:
    scan = _readable_scan(request, scan_id)
    try:
        records_services.original_destroyed(actor=request_actor(request), scanned=scan)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The destruction of the original has been recorded."))
    return redirect("backoffice:records-scan-checks")
