"""Replacement scanning (§7 EGovG, BSI TR-RESISCAN; issue 11 §4).

1. **Intake** (`scan_batch_create`): staff upload scanned PDF, TIFF, JPEG or PNG files for an
   open file (and case) — one document per file, or a batch split at blank pages and
   separator sheets ("TRENNBLATT") — with the scanner, resolution, colour mode and protection
   need. The files passed the checks of every upload and the virus scan before; they are
   stored as they came (their SHA-256 goes into the scan record) and the batch waits for the
   background job (event `records.scan_received`).
2. **Processing** (`scan_batch_process`, subscriber of that event): OCR with ocrmypdf and
   tesseract (German) into PDF/A-2b with a text layer (`records.ocr`), split where asked; each
   document sealed with the municipality's (else the installation's) electronic seal (PAdES)
   and time-stamped (RFC 3161 over the sealed PDF); progress counted by pages. A retried job
   skips what is done.
3. **Check** (`scan_check`): a configurable sample — every document of protection need
   "high", `RATHAUS_SCAN_CHECK_PERCENT` (10) of the others — waits until a second person (not
   who took the scans in) compares it with the paper: it matches (the document becomes final)
   or it does not (scan again, with a note).
4. A final scan is a document of the file (kind incoming) whose metadata holds the scan record
   (who, when, scanner, resolution, colour mode, pages, check, the original's SHA-256, the
   time-stamp's hash); its paper original may be destroyed from
   `RATHAUS_SCAN_ORIGINAL_KEEP_DAYS` (90) days later (`originals_due`, `original_destroyed`).
"""

import datetime as dt
import hashlib
import logging
import secrets
from typing import Any
from uuid import UUID

from botocore.exceptions import ConnectionError as StorageUnreachable
from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.cases.models import Case
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, DomainError
from rathaus.core.events import event_publish
from rathaus.evidence.timestamps import TimestampUnavailable, timestamp_obtain
from rathaus.seals.services import pdf_seal

from .content import content_read, content_store
from .documents import CheckedUpload, document_add
from .events import ScanReceived
from .models import CaseFiling, RecordFile, ScanBatch, ScannedDocument
from .permissions import ensure_file_keeper

log = logging.getLogger(__name__)

SCAN_TYPES = frozenset({"application/pdf", "image/tiff", "image/jpeg", "image/png"})
SCAN_ACTOR = Actor.system("records_scanning")
COLOUR_MODES = ("bw", "gray", "color")


@transaction.atomic
def scan_batch_create(
    *,
    actor: Actor,
    record: RecordFile,
    uploads: list[CheckedUpload],
    device: str,
    resolution: int | None = None,
    colour_mode: str = "",
    protection: str = ScanBatch.Protection.NORMAL,
    split: bool = False,
    case: Case | None = None,
) -> ScanBatch:
    """Take in scanned files (already checked and virus-scanned: `upload_checked`) for the
    open file `record`; processed in the background (module docstring)."""
    ensure_file_keeper(actor=actor, office=record.office)
    locked = RecordFile.objects.select_for_update().get(pk=record.pk)
    if locked.status != RecordFile.Status.OPEN:
        raise Conflict(_("The file is closed (zdA); reopen it to change it."))
    if not uploads:
        raise DomainError(_("Please choose the scanned files."), field="files")
    for upload in uploads:
        if upload.content_type not in SCAN_TYPES:
            raise DomainError(
                _("“%(name)s” is not a scan: PDF, TIFF, JPEG or PNG files only.")
                % {"name": upload.name},
                field="files",
            )
    device = " ".join(device.split())[:200]
    if not device:
        raise DomainError(_("Please name the scanner."), field="device")
    if colour_mode and colour_mode not in COLOUR_MODES:
        raise DomainError(_("Unknown colour mode."), field="colour_mode")
    if protection not in ScanBatch.Protection.values:
        raise DomainError(_("Unknown protection need."), field="protection")
    if resolution is not None and not 50 <= resolution <= 2400:
        raise DomainError(_("The resolution lies between 50 and 2400 dpi."), field="resolution")
    if case is not None and not CaseFiling.objects.filter(case=case, file=locked).exists():
        raise DomainError(_("The case is not filed in this file."), field="case")
    inputs = []
    for upload in uploads:
        stored = content_store(upload.data)
        inputs.append(
            {"name": upload.name, "content_type": upload.content_type, "sha256": stored.sha256}
        )
    batch = ScanBatch.objects.create(
        file=locked,
        case=case,
        split=split,
        device=device,
        resolution=resolution,
        colour_mode=colour_mode,
        protection=protection,
        inputs=inputs,
        created_by=actor.user if actor.is_person else None,
    )
    audit_record(
        actor=actor,
        action="records.scan_intake",
        obj=locked,
        details={"batch": str(batch.pk), "files": inputs, "device": device, "split": split},
    )
    event_publish(ScanReceived(batch_id=batch.pk, municipality_id=locked.municipality_id))
    return batch


def _documents_of(
    data: bytes, content_type: str, *, split: bool
) -> list[tuple[int, int, bytes, str]]:
    """(first page, last page, PDF/A, text) of each document in one scanned file."""
    from . import ocr

    result = ocr.ocr_to_pdfa(data, content_type)
    if not split or result.pages == 1:
        return [(1, result.pages, result.pdf, result.text)]
    documents = []
    for pages in ocr.split_batch(result.pdf):
        part = ocr.ocr_to_pdfa(ocr.extract_pages(result.pdf, pages), "application/pdf")
        documents.append((pages.first, pages.last, part.pdf, part.text))
    return documents


def _in_sample(batch: ScanBatch) -> bool:
    if batch.protection == ScanBatch.Protection.HIGH:
        return True
    return secrets.randbelow(100) < settings.RATHAUS_SCAN_CHECK_PERCENT


def scan_batch_process(*, batch_id: UUID | str) -> ScanBatch:
    """OCR, split, seal and time-stamp the documents of a batch (module docstring)."""
    with transaction.atomic():
        batch = ScanBatch.objects.select_for_update().select_related("file").get(pk=batch_id)
        if batch.status in (ScanBatch.Status.DONE, ScanBatch.Status.FAILED):
            return batch
        batch.status = ScanBatch.Status.PROCESSING
        batch.save(update_fields=["status", "updated_at"])
    # Progress is kept per part (input and first page): a rerun after a crash, or a second
    # run beside a slow first one, creates only the parts that are missing.
    try:
        for index, source in enumerate(batch.inputs):
            key = f"{index + 1}: {source['name']}"
            done = set(batch.documents.filter(source_name=key).values_list("first_page", flat=True))
            if done and source.get("parts") == len(done):
                continue
            data = content_read_by_hash(source["sha256"])
            documents = _documents_of(data, source["content_type"], split=batch.split)
            for first, last, pdf, _text in documents:
                if first not in done:
                    _scanned_create(batch, key, first, last, pdf)
            _parts_record(batch, index, len(documents))
    except TRANSIENT as error:  # the TSA or the storage away for a while: the job retries
        log.warning("scan batch %s waits for a retry: %s", batch.pk, error)
        ScanBatch.objects.filter(pk=batch.pk).update(problem=str(error)[:2000])
        raise
    except Exception as error:
        log.exception("scan batch %s failed", batch.pk)
        ScanBatch.objects.filter(pk=batch.pk).update(
            status=ScanBatch.Status.FAILED, problem=str(error)[:2000]
        )
        batch.refresh_from_db()
        return batch
    # A problem noted by an earlier, interrupted run is over.
    ScanBatch.objects.filter(pk=batch.pk).update(status=ScanBatch.Status.DONE, problem="")
    batch.refresh_from_db()
    return batch


# Failures that pass: the outbox runs the job again later (a permanent one fails the batch).
# OSError covers the local disk and the network (ConnectionError, TimeoutError); botocore's
# connection errors, the object storage out of reach, are no OSError.
TRANSIENT = (TimestampUnavailable, OSError, StorageUnreachable)


def content_read_by_hash(sha256: str) -> bytes:
    from .models import StoredContent

    return content_read(StoredContent.objects.get(sha256=sha256))


def _parts_record(batch: ScanBatch, index: int, parts: int) -> None:
    """Note how many documents input `index` gave, so a rerun skips it without OCR."""
    with transaction.atomic():
        locked = ScanBatch.objects.select_for_update().get(pk=batch.pk)
        locked.inputs[index]["parts"] = parts
        locked.save(update_fields=["inputs", "updated_at"])
        batch.inputs = locked.inputs


def _scanned_create(
    batch: ScanBatch, key: str, first: int, last: int, pdf: bytes
) -> ScannedDocument | None:
    sealed = pdf_seal(
        pdf=pdf,
        reason=_("Replacement scan (section 7 EGovG)"),
        location=batch.file.municipality.name,
        municipality=batch.file.municipality,
    )
    timestamp = timestamp_obtain(data=sealed)
    with transaction.atomic():
        locked = ScanBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.documents.filter(source_name=key, first_page=first).exists():
            return None  # another run made this part meanwhile
        position = locked.documents.count() + 1
        ScanBatch.objects.filter(pk=batch.pk).update(
            pages_done=F("pages_done") + (last - first + 1),
            pages_total=F("pages_total") + (last - first + 1),
        )
        scanned = ScannedDocument.objects.create(
            batch=batch,
            position=position,
            source_name=key,
            first_page=first,
            last_page=last,
            title=_("Scan %(position)s of %(day)s")
            % {
                "position": position,
                "day": timezone.localdate(batch.created_at).strftime("%d.%m.%Y"),
            },
            content=content_store(sealed),
            timestamp=timestamp,
            check_result=ScannedDocument.Check.PENDING if _in_sample(batch) else "",
        )
        if not scanned.check_result:
            _finalise(scanned, actor=SCAN_ACTOR)
    return scanned


def _who(user: Any) -> str:
    return str(user.display_name) if user is not None else ""


def _finalise(scanned: ScannedDocument, *, actor: Actor) -> None:
    """The scan becomes a document of the file, with its scan record."""
    batch = scanned.batch
    data = content_read(scanned.content)
    record = {
        "scanned_by": _who(batch.created_by),
        "scanned_at": batch.created_at.isoformat(),
        "device": batch.device,
        "resolution": batch.resolution,
        "colour_mode": batch.colour_mode,
        "protection": batch.protection,
        "pages": [scanned.first_page, scanned.last_page],
        "source": scanned.source_name,
        "original_sha256": next(
            (
                i["sha256"]
                for n, i in enumerate(batch.inputs)
                if scanned.source_name.startswith(f"{n + 1}: ")
            ),
            "",
        ),
        "check": scanned.check_result or "not in the sample",
        "checked_by": _who(scanned.checked_by),
        "checked_at": scanned.checked_at.isoformat() if scanned.checked_at else None,
        "seal": "PAdES",
        "timestamp_sha256": hashlib.sha256(bytes(scanned.timestamp)).hexdigest(),
    }
    document = document_add(
        actor=actor,
        record=batch.file,
        case=batch.case,
        title=scanned.title,
        kind="incoming",
        upload=CheckedUpload(f"scan-{scanned.position}.pdf", "application/pdf", data),
        document_date=timezone.localdate(batch.created_at),
        metadata={"scan": record},
        source=f"records.scan:{scanned.pk}",
    )
    scanned.document = document
    scanned.original_destroy_from = timezone.localdate() + dt.timedelta(
        days=settings.RATHAUS_SCAN_ORIGINAL_KEEP_DAYS
    )
    scanned.save(update_fields=["document", "original_destroy_from", "updated_at"])


@transaction.atomic
def scan_check(
    *, actor: Actor, scanned: ScannedDocument, passed: bool, note: str = ""
) -> ScannedDocument:
    """A second person's check of a scan in the sample: it matches the paper (final) or not
    (a note is required; scan the original again)."""
    locked = (
        ScannedDocument.objects.select_for_update(of=("self",))
        .select_related("batch__file__office", "batch__created_by")
        .get(pk=scanned.pk)
    )
    ensure_file_keeper(actor=actor, office=locked.batch.file.office)
    if locked.check_result != ScannedDocument.Check.PENDING:
        raise Conflict(_("This scan does not wait for a check."))
    user = actor.user if actor.is_person else None
    if user is None or user.pk == locked.batch.created_by_id:
        raise DomainError(_("The check must be made by a second person, not who scanned."))
    note = " ".join(note.split())[:500]
    if not passed and not note:
        raise DomainError(_("Please note what does not match."), field="note")
    locked.check_result = ScannedDocument.Check.PASSED if passed else ScannedDocument.Check.REJECTED
    locked.checked_by, locked.checked_at, locked.check_note = user, timezone.now(), note
    locked.save(
        update_fields=["check_result", "checked_by", "checked_at", "check_note", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="records.scan_check",
        obj=locked.batch.file,
        details={"scan": str(locked.pk), "passed": passed, "note": note},
    )
    if passed:
        _finalise(locked, actor=actor)
    return locked


def scan_read(*, actor: Actor, scanned: ScannedDocument) -> bytes:
    """The scan's sealed PDF/A for comparing it with the paper (need to know; audited)."""
    from .permissions import ensure_file_reader

    ensure_file_reader(actor=actor, office=scanned.batch.file.office)
    data = content_read(scanned.content)
    audit_record(
        actor=actor,
        action="records.document_read",
        obj=scanned.batch.file,
        details={"scan": str(scanned.pk)},
    )
    return data


def checks_waiting(*, office_ids: set[UUID] | None) -> QuerySet[ScannedDocument]:
    """Scans waiting for their second check, oldest first."""
    waiting = ScannedDocument.objects.filter(check_result=ScannedDocument.Check.PENDING)
    if office_ids is not None:
        waiting = waiting.filter(batch__file__office_id__in=office_ids)
    return waiting.select_related("batch__file", "batch__created_by").order_by("created_at")


def originals_due(
    *, office_ids: set[UUID] | None, today: dt.date | None = None
) -> QuerySet[ScannedDocument]:
    """Final scans whose paper original may be destroyed now and is not recorded as such."""
    due = ScannedDocument.objects.filter(
        original_destroy_from__lte=today or timezone.localdate(),
        original_destroyed_at__isnull=True,
    )
    if office_ids is not None:
        due = due.filter(batch__file__office_id__in=office_ids)
    return due.select_related("batch__file", "document").order_by("original_destroy_from")


@transaction.atomic
def original_destroyed(*, actor: Actor, scanned: ScannedDocument) -> ScannedDocument:
    """Record that the paper original of a final scan was destroyed (audited)."""
    locked = (
        ScannedDocument.objects.select_for_update()
        .select_related("batch__file__office")
        .get(pk=scanned.pk)
    )
    ensure_file_keeper(actor=actor, office=locked.batch.file.office)
    if locked.original_destroy_from is None or locked.original_destroy_from > timezone.localdate():
        raise Conflict(_("The original may not be destroyed yet."))
    if locked.original_destroyed_at is not None:
        raise Conflict(_("The original has been recorded as destroyed already."))
    locked.original_destroyed_at = timezone.now()
    locked.save(update_fields=["original_destroyed_at", "updated_at"])
    audit_record(
        actor=actor,
        action="records.scan_original_destroyed",
        obj=locked.batch.file,
        details={"scan": str(locked.pk), "document": str(locked.document_id)},
    )
    return locked
