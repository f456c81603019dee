"""Proof uploads (§5 EGovG): add, remove, open; re-queue pending virus scans.

An upload is checked before anything is stored: the owner (the draft's applicant, or the
submission's applicant for an open document request), the size per file and per application
(RATHAUS_UPLOAD_MAX_FILE_BYTES / _TOTAL_BYTES), and the type by content
(`rathaus.uploads.checks`, allowed keys in RATHAUS_UPLOAD_ALLOWED_TYPES). It is then
stored through the storage API under a name made of the attachment's id (never the citizen's
file name), its SHA-256 computed while it is written, and scanned at once so that the citizen
sees "virus found" immediately. When the scanner does not answer, the attachment stays pending
and `scanning` retries through the outbox; `attachment_open` refuses everything not scanned
clean.
"""

import hashlib
from typing import IO, cast

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from rathaus.applications.drafts import DraftClosed, ensure_own_draft
from rathaus.applications.models import Attachment, Draft, Submission
from rathaus.applications.scanning import SCAN_TOPIC, attachment_scan, scan_queued
from rathaus.cases.models import DocumentRequest
from rathaus.catalog.models import RequiredDocument
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, NotPermitted
from rathaus.core.outbox import outbox_enqueue
from rathaus.uploads.checks import (
    UploadRefused,
    file_name_clean,
    file_size_check,
    size_text,
    upload_type_check,
)

__all__ = [
    "AttachmentNotReady",
    "UploadRefused",
    "attachment_add",
    "attachment_open",
    "attachment_remove",
    "attachment_rescan_pending",
    "attachment_status_text",
]


class AttachmentNotReady(Conflict):
    """The attachment cannot be opened: not scanned yet, or a virus was found."""


class _HashingReader:
    """Wraps an upload so that SHA-256 and length are computed from the bytes the storage
    reads while writing the file: the content is streamed once, never held twice."""

    def __init__(self, upload: "UploadedFile[bytes]") -> None:
        self._upload = upload
        self.name = upload.name
        self.size = upload.size
        self._restart()

    def _restart(self) -> None:
        self.sha256 = hashlib.sha256()
        self.length = 0

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._upload.read(size)
        self.sha256.update(data)
        self.length += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        position: int = self._upload.seek(offset, whence)
        if offset == 0 and whence == 0:
            self._restart()
        return position

    def tell(self) -> int:
        position: int = self._upload.tell()
        return position

    def seekable(self) -> bool:
        return True

    def close(self) -> None:  # the upload belongs to the request
        pass


def _sha256_of(stream: IO[bytes]) -> str:
    stream.seek(0)
    digest = hashlib.sha256()
    while chunk := stream.read(64 * 1024):
        digest.update(chunk)
    return digest.hexdigest()


def attachment_add(
    *,
    upload: "UploadedFile[bytes]",
    actor: Actor,
    draft: Draft | None = None,
    document_request: DocumentRequest | None = None,
    required_document: RequiredDocument | None = None,
) -> Attachment:
    """Add an uploaded proof to an open draft, or to the submission of an open document
    request; raises UploadRefused (size, type, closed) or NotPermitted (someone else's).

    The attachment is stored and audited in one transaction, then scanned at once (its own
    transaction, see `scanning.attachment_scan`): the returned attachment is clean, infected
    (content removed) or, when the scanner is unavailable, pending with a retry queued."""
    if (draft is None) == (document_request is None):
        raise ValueError("attachment_add needs either a draft or a document request")
    stored: list[str] = []
    try:
        attachment = _attachment_store(
            upload=upload,
            actor=actor,
            draft=draft,
            document_request=document_request,
            required_document=required_document,
            stored=stored,
        )
    except BaseException:
        for name in stored:  # written before the transaction failed: not kept as an orphan
            Attachment._meta.get_field("file").storage.delete(name)
        raise
    return attachment_scan(attachment_id=attachment.pk) or attachment


@transaction.atomic
def _attachment_store(
    *,
    upload: "UploadedFile[bytes]",
    actor: Actor,
    draft: Draft | None,
    document_request: DocumentRequest | None,
    required_document: RequiredDocument | None,
    stored: list[str],
) -> Attachment:
    submission: Submission | None = None
    if draft is not None:
        # The draft row lock serialises concurrent uploads (the total below stays true).
        draft = (
            Draft.objects.select_for_update(of=("self",)).select_related("offer").get(pk=draft.pk)
        )
        ensure_own_draft(draft=draft, actor=actor)
        if Submission.objects.filter(draft=draft).exists():
            raise DraftClosed(_("This application has been submitted already."))
        existing = Attachment.objects.filter(draft=draft)
        service_id = draft.offer.service_id
        municipality_id = draft.offer.municipality_id
    else:
        assert document_request is not None
        document_request = DocumentRequest.objects.get(pk=document_request.pk)
        submission = Submission.objects.select_for_update().get(case_id=document_request.case_id)
        if not actor.is_person or actor.user_id not in (
            submission.applicant_id,
            submission.principal_user_id,
        ):
            raise NotPermitted(_("This application belongs to someone else."))
        if document_request.status != DocumentRequest.Status.OPEN:
            raise UploadRefused(_("This request for documents is closed."))
        existing = Attachment.objects.filter(submission=submission)
        service_id = submission.service_id
        municipality_id = submission.municipality_id
    if required_document is not None and required_document.service_id != service_id:
        raise UploadRefused(_("This document is not asked for in this application."))

    size = upload.size or 0
    name = file_name_clean(upload.name)
    file_size_check(size=size, name=name)
    max_total = settings.RATHAUS_UPLOAD_MAX_TOTAL_BYTES
    used = (
        existing.exclude(scan_status=Attachment.ScanStatus.INFECTED).aggregate(total=Sum("size"))[
            "total"
        ]
        or 0
    )
    if used + size > max_total:
        raise UploadRefused(
            _(
                "The file “{name}” is {size}; together with the files uploaded already "
                "({used}) that makes {total}. All files of one application together may be at "
                "most {limit}. Please upload a smaller file or remove another one."
            ).format(
                name=name,
                size=size_text(size, rounding="up"),
                used=size_text(used),
                total=size_text(used + size, rounding="up"),
                limit=size_text(max_total, rounding="down"),
            ),
            field="file",
        )
    content_type = upload_type_check(upload, name)

    attachment = Attachment(
        draft=draft,
        submission=submission,
        document_request=document_request,
        required_document=required_document,
        uploaded_by=actor.user,
        original_name=name,
        content_type=content_type,
        size=size,
        sha256="",
    )
    reader = _HashingReader(upload)
    # upload_to names the file after attachment.pk; the name given here is ignored.
    attachment.file.save("upload", File(cast(IO[bytes], reader), name="upload"), save=False)
    stored_name = attachment.file.name or ""
    stored.append(stored_name)
    sha256 = reader.sha256.hexdigest()
    if reader.length != size:  # the storage did not read through us (e.g. moved a temp file)
        with attachment.file.storage.open(stored_name, "rb") as written:
            sha256 = _sha256_of(written)
    attachment.sha256 = sha256
    attachment.full_clean()
    attachment.save()
    audit_record(
        actor=actor,
        action="attachment.add",
        obj=attachment,
        municipality=municipality_id,
        details={
            "draft": str(draft.pk) if draft else "",
            "submission": str(submission.pk) if submission else "",
            "document_request": str(document_request.pk) if document_request else "",
            "required_document": str(required_document.pk) if required_document else "",
            "content_type": content_type,
            "size": size,
            "sha256": sha256,
        },
    )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, actor: Actor) -> None:
    """Remove an attachment while its draft (or its document request) is still open; the
    content is deleted from storage after commit."""
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.draft_id is not None and attachment.document_request_id is None:
        draft = Draft.objects.select_related("offer").get(pk=attachment.draft_id)
        municipality_id = draft.offer.municipality_id
        ensure_own_draft(draft=draft, actor=actor)
        if Submission.objects.filter(draft=draft).exists():
            raise DraftClosed(_("This application has been submitted already."))
    elif attachment.document_request_id is not None:
        request = DocumentRequest.objects.select_related("case").get(
            pk=attachment.document_request_id
        )
        municipality_id = request.case.municipality_id
        if not actor.is_person or request.case.applicant_id != actor.user_id:
            raise NotPermitted(_("This application belongs to someone else."))
        if request.status != DocumentRequest.Status.OPEN:
            raise UploadRefused(_("This request for documents is closed."))
    else:
        raise UploadRefused(_("Documents of a submitted application cannot be removed."))
    stored_name = attachment.file.name
    audit_record(
        actor=actor,
        action="attachment.remove",
        obj=attachment,
        municipality=municipality_id,
        details={
            "draft": str(attachment.draft_id or ""),
            "document_request": str(attachment.document_request_id or ""),
            "size": attachment.size,
            "sha256": attachment.sha256,
            "scan_status": attachment.scan_status,
        },
    )
    storage = attachment.file.storage
    attachment.delete()
    if stored_name:
        transaction.on_commit(lambda: storage.delete(stored_name))


def attachment_open(*, attachment: Attachment) -> "File[bytes]":
    """The attachment's content for reading (binary); AttachmentNotReady unless the current
    scan verdict is clean. The caller checks who may see it; the caller closes the file."""
    current = Attachment.objects.filter(pk=attachment.pk).first()
    if current is None or current.scan_status == Attachment.ScanStatus.PENDING:
        raise AttachmentNotReady(_("This file has not been checked for viruses yet."))
    if current.scan_status != Attachment.ScanStatus.CLEAN or not current.file:
        raise AttachmentNotReady(_("A virus was found in this file; it has been removed."))
    return current.file.storage.open(current.file.name or "", "rb")


# clamd's names for content it could not read (AlertEncrypted…, AlertExceedsMax): not a virus,
# but not known to be clean either, so treated like one.
_UNREADABLE_ENCRYPTED = "Heuristics.Encrypted."
_UNREADABLE_LIMITS = "Heuristics.Limits.Exceeded."


def attachment_status_text(attachment: Attachment) -> str:
    """The scan status in words for the citizen."""
    if attachment.scan_status == Attachment.ScanStatus.CLEAN:
        return _("checked")
    if attachment.scan_status == Attachment.ScanStatus.INFECTED:
        if attachment.scan_detail.startswith(_UNREADABLE_ENCRYPTED):
            return _("encrypted, so it could not be checked – removed")
        if attachment.scan_detail.startswith(_UNREADABLE_LIMITS):
            return _("too large or too complex to check – removed")
        return _("virus found – removed")
    return _("waiting for virus scan")


def attachment_rescan_pending() -> int:
    """Queue a scan for every pending attachment that has none waiting (periodic job: covers
    a crash between upload and scan and retries the outbox gave up on); returns how many."""
    pending = Attachment.objects.filter(scan_status=Attachment.ScanStatus.PENDING).exclude(file="")
    queued = 0
    for attachment_id in pending.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            if scan_queued(attachment_id=attachment_id):
                continue
            outbox_enqueue(topic=SCAN_TOPIC, payload={"attachment": str(attachment_id)})
            queued += 1
    return queued
