"""Attachments of Postfach messages: checked like every upload (`rathaus.uploads`: type by
content, size), scanned for viruses *before* the message is sent, stored only encrypted under
the message's data key, served only when scanned clean.

A file with a virus stops the message (nothing is sent, the sender is told which file and
why). When the scanner does not answer, the message goes out with the file pending: nobody
can open it, and the outbox scans it again (`SCAN_TOPIC`, retried with backoff) — decrypting
it in memory for the scanner; found infected later, its content is deleted (the row, its
SHA-256 and the receipts stay)."""

import io
import logging
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any
from uuid import UUID

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.envelope import DataKey
from rathaus.core.outbox import outbox_enqueue, outbox_handlers
from rathaus.uploads.checks import (
    UploadRefused,
    file_name_clean,
    file_size_check,
    size_text,
    upload_type_check,
)
from rathaus.uploads.download_names import download_name
from rathaus.uploads.scanners import (
    ScannerUnavailable,
    ScanResult,
    scan_retry_delay,
    virus_scanner,
)

from .content import (
    KekCache,
    attachment_content_open,
    attachment_name_open,
    attachment_seal,
    message_key,
    sha256_hex,
)
from .models import Message, MessageAttachment

logger = logging.getLogger(__name__)

SCAN_TOPIC = "mailbox.attachment.scan"
MAX_FILES = 10
SCAN_ACTOR = Actor.system("virus_scan")


@dataclass(frozen=True)
class PreparedFile:
    """An upload that passed the checks, read into memory, with the scan's verdict (None: the
    scanner did not answer)."""

    name: str
    content_type: str
    data: bytes
    verdict: ScanResult | None
    scan_error: str = ""


def attachments_prepare(uploads: Sequence[IO[bytes]]) -> list[PreparedFile]:
    """Check, read and scan `uploads` (files with `name`, `size`, `read`, `seek`); raise
    UploadRefused (field "attachments") for too many or too large files, a type not accepted,
    or a virus. Runs before the message's transaction: no row is locked while scanning."""
    uploads = [upload for upload in uploads if upload is not None]
    if len(uploads) > MAX_FILES:
        raise UploadRefused(
            _("A message can carry at most %(max)d files.") % {"max": MAX_FILES},
            field="attachments",
        )
    prepared: list[PreparedFile] = []
    total = 0
    for upload in uploads:
        name = file_name_clean(getattr(upload, "name", ""))
        try:
            size = int(getattr(upload, "size", 0) or 0)
            file_size_check(size=size, name=name)
            content_type = upload_type_check(upload, name)
        except UploadRefused as refused:
            raise UploadRefused(str(refused), field="attachments") from refused
        upload.seek(0)
        data = upload.read()
        total += len(data)
        limit = settings.RATHAUS_UPLOAD_MAX_TOTAL_BYTES
        if total > limit:
            raise UploadRefused(
                _(
                    "All files of one message together may be at most {limit}; these make "
                    "{total}. Please send fewer or smaller files, or send them in a second "
                    "message."
                ).format(
                    limit=size_text(limit, rounding="down"), total=size_text(total, rounding="up")
                ),
                field="attachments",
            )
        verdict, error = _scan(data)
        if verdict is not None and not verdict.clean:
            raise UploadRefused(
                _(
                    "The file “{name}” contains a virus ({signature}), so the message was not "
                    "sent. Please check your device, then attach a clean copy of the file."
                ).format(name=name, signature=verdict.signature),
                field="attachments",
            )
        prepared.append(PreparedFile(name, content_type, data, verdict, error))
    return prepared


def _scan(data: bytes) -> tuple[ScanResult | None, str]:
    try:
        return virus_scanner().scan(io.BytesIO(data)), ""
    except ScannerUnavailable as exc:
        logger.warning("virus scan of a message attachment not possible: %s", exc)
        return None, str(exc)[:200]


def attachments_store_many(
    *,
    items: Sequence[tuple[Message, DataKey, Sequence[PreparedFile]]],
    stored: list[str],
) -> list[list[MessageAttachment]]:
    """Store the files of each (message, its data key, files) encrypted under the message's
    key, inside the messages' transaction (one INSERT for all; names of written files go to
    `stored`, so the caller can delete them should the transaction fail); a pending scan is
    queued. The attachments per message, in the order of `items`."""
    now = timezone.now()
    made: list[list[MessageAttachment]] = []
    for message, key, files in items:
        of_message = []
        for position, prepared in enumerate(files, start=1):
            attachment = MessageAttachment(
                id=uuid.uuid4(),
                message=message,
                position=position,
                content_type=prepared.content_type,
                size=len(prepared.data),
                sha256=sha256_hex(prepared.data),
                scan_attempts=1,
            )
            encrypted = attachment_seal(attachment, key, name=prepared.name, data=prepared.data)
            attachment.file.save("content", ContentFile(encrypted), save=False)
            stored.append(attachment.file.name or "")
            if prepared.verdict is not None:
                attachment.scan_status = MessageAttachment.ScanStatus.CLEAN
                attachment.scanned_at = now
            of_message.append(attachment)
        made.append(of_message)
    created = MessageAttachment.objects.bulk_create([a for files in made for a in files])
    for attachment, prepared in zip(
        created, [p for _m, _k, files in items for p in files], strict=True
    ):
        if prepared.verdict is None:
            outbox_enqueue(
                topic=SCAN_TOPIC,
                payload={"attachment": str(attachment.pk)},
                delay_seconds=scan_retry_delay(1),
            )
    return made


def storage_delete(names: Sequence[str]) -> None:
    """Delete stored files (of a transaction that failed)."""
    storage = MessageAttachment._meta.get_field("file").storage
    for name in names:
        if name:
            storage.delete(name)


def _content_read(attachment: MessageAttachment, key: DataKey) -> bytes:
    with attachment.file.storage.open(attachment.file.name or "", "rb") as handle:
        encrypted = handle.read()
    return attachment_content_open(attachment, key, encrypted)


@outbox_handlers.register(SCAN_TOPIC)
def attachment_scan_handler(payload: dict[str, Any]) -> None:
    """Scan a pending attachment again; raise while the scanner does not answer (the outbox
    retries with backoff)."""
    attachment_rescan(attachment_id=payload["attachment"])


def attachment_rescan(*, attachment_id: UUID | str) -> MessageAttachment | None:
    """The verdict on a pending attachment: clean, or infected (content deleted after commit);
    ScannerUnavailable when there is still none. Idempotent."""
    attachment = (
        MessageAttachment.objects.select_related("message__thread__municipality")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None or attachment.scan_status != MessageAttachment.ScanStatus.PENDING:
        return attachment
    data = _content_read(attachment, message_key(attachment.message))
    verdict, error = _scan(data)
    with transaction.atomic():
        locked = MessageAttachment.objects.select_for_update().get(pk=attachment.pk)
        if locked.scan_status != MessageAttachment.ScanStatus.PENDING:
            return locked
        locked.scan_attempts += 1
        if verdict is None:
            locked.save(update_fields=["scan_attempts", "updated_at"])
        else:
            locked.scan_status = (
                MessageAttachment.ScanStatus.CLEAN
                if verdict.clean
                else MessageAttachment.ScanStatus.INFECTED
            )
            locked.scan_detail = verdict.signature[:200]
            locked.scanned_at = timezone.now()
            stored_name = locked.file.name or ""
            if not verdict.clean:
                locked.file.name = ""
                transaction.on_commit(lambda: storage_delete([stored_name]))
            locked.save()
        audit_record(
            actor=SCAN_ACTOR,
            action="mailbox.attachment_scan",
            obj=locked,
            municipality=attachment.message.thread.municipality_id,
            details={
                "result": locked.scan_status if verdict is not None else "unavailable",
                "signature": locked.scan_detail,
                "attempts": locked.scan_attempts,
                "error": error,
                "sha256": locked.sha256,
            },
        )
    if verdict is None:
        raise ScannerUnavailable(error or "no verdict")
    return locked


@dataclass(frozen=True)
class AttachmentFile:
    """An attachment as its reader sees it: the decrypted name, served under `download`."""

    attachment: MessageAttachment
    name: str

    @property
    def download(self) -> str:
        return download_name(original_name=self.name, content_type=self.attachment.content_type)

    @property
    def openable(self) -> bool:
        return self.attachment.scan_status == MessageAttachment.ScanStatus.CLEAN


def attachment_files(message: Message, *, keks: KekCache | None = None) -> list[AttachmentFile]:
    """The attachments of `message` with their names decrypted (prefetched `attachments`
    are used)."""
    attachments = list(message.attachments.all())
    if not attachments:
        return []
    key = message_key(message, keks=keks)
    return [AttachmentFile(a, attachment_name_open(a, key)) for a in attachments]


def attachment_content(file: AttachmentFile, *, keks: KekCache | None = None) -> bytes:
    """The decrypted content of a clean attachment (callers check `openable`)."""
    assert file.openable
    return _content_read(file.attachment, message_key(file.attachment.message, keks=keks))


def attachments_zip(files: Sequence[AttachmentFile], *, keks: KekCache | None = None) -> bytes:
    """The clean attachments of a message as one ZIP (names made unique: "a.pdf", "a-2.pdf")."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            if not file.openable:
                continue
            name = file.download
            stem, dot, extension = name.rpartition(".")
            number = 1
            while name.lower() in used:
                number += 1
                name = f"{stem}-{number}{dot}{extension}"
            used.add(name.lower())
            archive.writestr(name, attachment_content(file, keks=keks))
    return buffer.getvalue()
