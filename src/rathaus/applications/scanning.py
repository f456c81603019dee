"""Virus scanning of proofs (the scanner plug-in point is `rathaus.uploads.scanners`).

The scan fails closed: when no scanner answers, the attachment stays pending
(nobody can open it), `scan_attempts` grows and an `attachment.scan` outbox message retries
later with backoff; `attachments.attachment_rescan_pending` (a periodic job) picks up anything
that fell through (a crash between upload and scan, retries given up by the outbox).
"""

import logging
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from rathaus.applications.events import AttachmentScanned
from rathaus.applications.models import Attachment, Draft, Submission
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.events import event_publish
from rathaus.core.models import OutboxMessage
from rathaus.core.outbox import outbox_enqueue, outbox_handlers
from rathaus.uploads.scanners import (
    ScannerUnavailable,
    ScanResult,
    scan_retry_delay,
    virus_scanner,
)

logger = logging.getLogger(__name__)

SCAN_TOPIC = "attachment.scan"
# Retries after "scanner unavailable" (`scan_retry_delay`); after AUTOMATIC_RETRIES the
# periodic rescan (attachment_rescan_pending) takes over.
AUTOMATIC_RETRIES = 12


# Who the audit trail names for a scan's verdict.
SCAN_ACTOR = Actor.system("virus_scan")


def attachment_municipality_id(attachment: Attachment) -> UUID | None:
    """The municipality (tenant) of `attachment`: its submission's, else the one its draft
    was started in; for the audit events about it."""
    if attachment.submission_id is not None:
        submissions = Submission.objects.filter(pk=attachment.submission_id)
        return submissions.values_list("municipality_id", flat=True).first()
    if attachment.draft_id is not None:
        drafts = Draft.objects.filter(pk=attachment.draft_id)
        return drafts.values_list("offer__municipality_id", flat=True).first()
    return None


def scan_queued(*, attachment_id: UUID | str, future_only: bool = False) -> bool:
    """Whether an `attachment.scan` message for the attachment is waiting in the outbox."""
    messages = OutboxMessage.objects.filter(
        topic=SCAN_TOPIC,
        status=OutboxMessage.Status.PENDING,
        payload__attachment=str(attachment_id),
    )
    if future_only:
        messages = messages.filter(available_at__gt=timezone.now())
    return messages.exists()


def attachment_scan(*, attachment_id: UUID | str) -> Attachment | None:
    """Scan a pending attachment's stored content and record the verdict.

    Clean → `clean`; infected → `infected`, the signature in `scan_detail` and the content
    deleted from storage (the row and its SHA-256 stay as evidence); no verdict → still
    `pending`, `scan_attempts` + 1 and a retry queued with backoff. Idempotent: an attachment
    that is no longer pending (or no longer exists) is left alone. The scan itself runs
    outside the transaction, so that no row stays locked while the scanner works.
    """
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None or attachment.scan_status != Attachment.ScanStatus.PENDING:
        return attachment
    result: ScanResult | None = None
    error = ""
    try:
        scanner = virus_scanner()
        with attachment.file.storage.open(attachment.file.name or "", "rb") as stream:
            result = scanner.scan(stream)
    except ScannerUnavailable as exc:
        error = str(exc)[:200]
        logger.warning("virus scan of attachment %s not possible: %s", attachment.pk, error)
    attachment, infected_name = _scan_record(
        attachment_id=attachment.pk, result=result, error=error
    )
    if infected_name:
        # After the verdict is committed: should recording fail, the file is still there and
        # pending, and the next scan finds it again.
        attachment.file.storage.delete(infected_name)
    return attachment


@transaction.atomic
def _scan_record(
    *, attachment_id: UUID, result: ScanResult | None, error: str
) -> tuple[Attachment, str]:
    """Record the verdict; returns the attachment and the stored name of infected content."""
    attachment = Attachment.objects.select_for_update().get(pk=attachment_id)
    if attachment.scan_status != Attachment.ScanStatus.PENDING:  # a concurrent scan was first
        return attachment, ""
    attachment.scan_attempts += 1
    if result is None:
        attachment.save(update_fields=["scan_attempts", "updated_at"])
        retry = attachment.scan_attempts <= AUTOMATIC_RETRIES and not scan_queued(
            attachment_id=attachment.pk, future_only=True
        )
        delay = scan_retry_delay(attachment.scan_attempts)
        if retry:
            outbox_enqueue(
                topic=SCAN_TOPIC, payload={"attachment": str(attachment.pk)}, delay_seconds=delay
            )
        audit_record(
            actor=SCAN_ACTOR,
            action="attachment.scan",
            obj=attachment,
            municipality=attachment_municipality_id(attachment),
            details={
                "result": "unavailable",
                "error": error,
                "attempts": attachment.scan_attempts,
                "retry_in_seconds": delay if retry else None,
            },
        )
        return attachment, ""
    attachment.scanned_at = timezone.now()
    attachment.scan_detail = result.signature[:200]
    stored_name = attachment.file.name or ""
    if result.clean:
        attachment.scan_status = Attachment.ScanStatus.CLEAN
    else:
        attachment.scan_status = Attachment.ScanStatus.INFECTED
        attachment.file.name = ""
    attachment.save(
        update_fields=[
            "scan_status",
            "scan_detail",
            "scanned_at",
            "scan_attempts",
            "file",
            "updated_at",
        ]
    )
    audit_record(
        actor=SCAN_ACTOR,
        action="attachment.scan",
        obj=attachment,
        municipality=attachment_municipality_id(attachment),
        details={
            "result": attachment.scan_status,
            "signature": attachment.scan_detail,
            "attempts": attachment.scan_attempts,
            "sha256": attachment.sha256,
        },
    )
    event_publish(
        AttachmentScanned(
            attachment_id=attachment.pk,
            draft_id=attachment.draft_id,
            submission_id=attachment.submission_id,
            result="clean" if result.clean else "infected",
        )
    )
    return attachment, "" if result.clean else stored_name


@outbox_handlers.register(SCAN_TOPIC)
def attachment_scan_handler(payload: dict[str, Any]) -> None:
    """Outbox handler of `attachment.scan` (payload: {"attachment": "<uuid>"})."""
    attachment_scan(attachment_id=payload["attachment"])
