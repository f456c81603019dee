"""What a submission contributes to the E-Akte (`rathaus.records` files it into the case's
file): the data entered (JSON, as received), each proof whose virus scan came back clean, and
the sealed receipt once it exists. Read by the records; nothing here writes."""

import json
from functools import partial
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.filing_sources import FilingSource

from .attachments import attachment_open
from .models import Attachment, Submission


def submission_case_id(*, submission_id: UUID | str) -> UUID | None:
    """The case a submission opened (None for an unknown submission)."""
    found: UUID | None = (
        Submission.objects.filter(pk=submission_id).values_list("case_id", flat=True).first()
    )
    return found


def _form_data(submission: Submission) -> bytes:
    data = {
        "reference": submission.reference,
        "service": submission.service.slug,
        "form_version": submission.form.version if submission.form_id else None,
        "submitted_at": submission.created_at.isoformat(),
        "data": submission.data,
        "computed": submission.computed,
        "declarations": submission.declarations,
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode()


def _attachment_bytes(attachment: Attachment) -> bytes:
    with attachment_open(attachment=attachment) as handle:
        content: bytes = handle.read()
    return content


def _receipt_bytes(submission: Submission) -> bytes:
    with submission.receipt.open("rb") as handle:
        content: bytes = handle.read()
    return content


def case_filing_sources(*, case_id: UUID | str) -> list[FilingSource]:
    """The documents of the submission that opened case `case_id` (none without one)."""
    submission = (
        Submission.objects.select_related("service", "form", "applicant", "office")
        .filter(case_id=case_id)
        .first()
    )
    if submission is None:
        return []
    applicant = submission.applicant.display_name if submission.applicant_id else ""
    office = submission.office.name if submission.office_id else ""
    date = timezone.localdate(submission.created_at)
    reference = submission.reference
    sources = [
        FilingSource(
            key=f"applications.submission:{submission.pk}",
            title=_("Application data %(reference)s") % {"reference": reference},
            kind="incoming",
            file_name=f"antrag-{reference}.json",
            content_type="application/json",
            read=lambda: _form_data(submission),
            document_date=date,
            sender=applicant,
            recipient=office,
            keywords=(reference, submission.service.slug),
        )
    ]
    attachments = Attachment.objects.filter(
        submission=submission, scan_status=Attachment.ScanStatus.CLEAN
    ).select_related("required_document")
    for attachment in attachments.order_by("created_at"):
        required = attachment.required_document
        label = required.name_de if required is not None else ""
        sources.append(
            FilingSource(
                key=f"applications.attachment:{attachment.pk}",
                title=label or attachment.original_name,
                kind="incoming",
                file_name=attachment.original_name,
                content_type=attachment.content_type,
                read=partial(_attachment_bytes, attachment),
                document_date=timezone.localdate(attachment.created_at),
                sender=applicant,
                recipient=office,
                keywords=(reference,),
            )
        )
    if submission.receipt:
        sources.append(
            FilingSource(
                key=f"applications.receipt:{submission.pk}",
                title=_("Receipt of application %(reference)s") % {"reference": reference},
                kind="outgoing",
                file_name=f"eingangsbestaetigung-{reference}.pdf",
                content_type="application/pdf",
                read=lambda: _receipt_bytes(submission),
                document_date=date,
                sender=office,
                recipient=applicant,
                keywords=(reference,),
            )
        )
    return sources
