"""Submissions for the tests of the hand-over side (status, inbox, API, FIT-Connect), made
through the real submission service."""

import hashlib
from typing import Any

from django.core.files.base import ContentFile

from rathaus.applications.models import Attachment, Submission
from rathaus.applications.submissions import submission_create
from rathaus.cases.models import DocumentRequest
from rathaus.core.actors import Actor
from rathaus.municipalities.models import Office
from tests.factories import (
    DraftFactory,
    FormDefinitionFactory,
    LocalServiceFactory,
    OfficeFactory,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_submission(*, office: Office | None = None, **draft: Any) -> Submission:
    """A submitted application to `office` (a new office of a new municipality by default)."""
    office = office or OfficeFactory()
    form = draft.pop("form", None) or FormDefinitionFactory(service__fee_rule={"kind": "free"})
    offer = LocalServiceFactory(
        municipality=office.municipality, responsible_office=office, service=form.service
    )
    made = DraftFactory(form=form, offer=offer, **draft)
    return submission_create(draft=made, actor=Actor.person(made.applicant))


def add_attachment(
    submission: Submission,
    *,
    content: bytes = PDF,
    name: str = "nachweis.pdf",
    scan_status: str = Attachment.ScanStatus.CLEAN,
    document_request: DocumentRequest | None = None,
) -> Attachment:
    attachment = Attachment(
        submission=submission,
        document_request=document_request,
        uploaded_by=submission.applicant,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        scan_status=scan_status,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment
