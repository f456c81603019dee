"""Cases filed in files, documents and their versions (writes; `services` re-exports them).

An upload passes the checks every upload passes (`rathaus.uploads`: type by content, size)
and a virus scan before anything is stored; a document is only added to an open file, by the
office's case-handling roles; every read of a document's content is audited."""

import datetime as dt
import io
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.cases.models import Case
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, DomainError, NotFound
from rathaus.core.events import event_publish
from rathaus.uploads.checks import (
    UploadRefused,
    file_name_clean,
    file_size_check,
    upload_type_check,
)
from rathaus.uploads.download_names import download_name
from rathaus.uploads.scanners import ScannerUnavailable, virus_scanner

from .content import content_read, content_store
from .events import DocumentsChanged
from .models import CaseFiling, Document, DocumentVersion, RecordFile
from .permissions import ensure_file_keeper, ensure_file_reader

KEYWORDS_MAX = 30


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    data: bytes


def upload_checked(upload: IO[bytes]) -> CheckedUpload:
    """Check and scan `upload` (a file with `name`, `size`, `read`, `seek`): UploadRefused
    for a type not accepted, a file too large, a virus, or when the scanner cannot say (the
    document is not stored without a clean scan; the user still has the file)."""
    name = file_name_clean(getattr(upload, "name", ""))
    file_size_check(size=int(getattr(upload, "size", 0) or 0), name=name)
    content_type = upload_type_check(upload, name)
    upload.seek(0)
    data = upload.read()
    try:
        verdict = virus_scanner().scan(io.BytesIO(data))
    except ScannerUnavailable:
        raise UploadRefused(
            _(
                "The virus scanner is not available right now, so the document was not stored. "
                "Please try again in a few minutes."
            )
        ) from None
    if not verdict.clean:
        raise UploadRefused(
            _("The file “{name}” contains a virus ({signature}) and was not stored.").format(
                name=name, signature=verdict.signature
            )
        )
    return CheckedUpload(name, content_type, data)


def _open_file(record: RecordFile) -> RecordFile:
    locked = RecordFile.objects.select_for_update().get(pk=record.pk)
    if locked.status != RecordFile.Status.OPEN:
        raise Conflict(_("The file is closed (zdA); reopen it to change it."))
    return locked


@transaction.atomic
def case_file(*, actor: Actor, case: Case, record: RecordFile, reason: str = "") -> CaseFiling:
    """File `case` in `record` (an open file of the case's municipality), or move it there
    from another file (a reason is then required). Audited."""
    ensure_file_keeper(actor=actor, office=record.office)
    if case.municipality_id != record.municipality_id:
        raise DomainError(_("The case belongs to another municipality."))
    if case.office_id != record.office_id:
        raise DomainError(_("A case is filed in a file of the office responsible for it."))
    _open_file(record)
    filing = CaseFiling.objects.select_for_update().filter(case=case).first()
    if filing is None:
        filing = CaseFiling.objects.create(case=case, file=record)
        audit_record(
            actor=actor,
            action="records.case_file",
            obj=record,
            details={"case": str(case.pk), "reference": case.reference},
        )
        return filing
    if filing.file_id == record.pk:
        return filing
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(_("Please give a reason for moving the case to another file."))
    ensure_file_keeper(actor=actor, office=filing.file.office)
    previous = filing.file
    filing.file = record
    filing.save(update_fields=["file", "updated_at"])
    moved = Document.objects.filter(case=case, file=previous)
    moved_ids = tuple(moved.values_list("pk", flat=True))
    moved.update(file=record)
    if moved_ids:
        event_publish(
            DocumentsChanged(document_ids=moved_ids, municipality_id=record.municipality_id)
        )
    audit_record(
        actor=actor,
        action="records.case_move",
        obj=record,
        details={
            "case": str(case.pk),
            "reference": case.reference,
            "from": previous.file_reference,
            "reason": reason[:500],
        },
    )
    return filing


def _keywords(keywords: Any) -> list[str]:
    words = [" ".join(str(word).split())[:100] for word in (keywords or [])]
    return list(dict.fromkeys(word for word in words if word))[:KEYWORDS_MAX]


@transaction.atomic
def document_add(
    *,
    actor: Actor,
    record: RecordFile,
    title: str,
    kind: str,
    upload: CheckedUpload,
    case: Case | None = None,
    document_date: dt.date | None = None,
    sender: str = "",
    recipient: str = "",
    keywords: Any = (),
    metadata: dict[str, Any] | None = None,
    source: str = "",
) -> Document:
    """Add a document with its first version (`upload`, from `upload_checked`, which runs
    before the transaction) to the open file `record`, in `case` if given (filed there).
    `source` names where the platform took it from (`case_documents`)."""
    ensure_file_keeper(actor=actor, office=record.office)
    locked = _open_file(record)
    if kind not in Document.Kind.values:
        raise DomainError(_("Unknown kind of document."))
    title = " ".join(title.split())[:300]
    if not title:
        raise DomainError(_("A document needs a title."))
    if case is not None and not CaseFiling.objects.filter(case=case, file=locked).exists():
        raise DomainError(_("The case is not filed in this file."))
    document = Document.objects.create(
        file=locked,
        case=case,
        title=title,
        kind=kind,
        document_date=document_date,
        sender=sender.strip()[:300],
        recipient=recipient.strip()[:300],
        keywords=_keywords(keywords),
        metadata=dict(metadata or {}),
        source=source,
        created_by=actor.user if actor.is_person else None,
    )
    _version_create(actor=actor, document=document, upload=upload, number=1)
    return document


@transaction.atomic
def version_add(*, actor: Actor, document: Document, upload: CheckedUpload) -> DocumentVersion:
    """A new version of `document` (its file open); earlier versions stay as they were."""
    ensure_file_keeper(actor=actor, office=document.file.office)
    _open_file(document.file)
    locked = Document.objects.select_for_update().get(pk=document.pk)
    last = locked.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return _version_create(actor=actor, document=locked, upload=upload, number=last + 1)


def _version_create(
    *, actor: Actor, document: Document, upload: CheckedUpload, number: int
) -> DocumentVersion:
    content = content_store(upload.data)
    version = DocumentVersion.objects.create(
        document=document,
        number=number,
        content=content,
        file_name=upload.name,
        content_type=upload.content_type,
        created_by=actor.user if actor.is_person else None,
    )
    audit_record(
        actor=actor,
        action="records.document_add" if number == 1 else "records.version_add",
        obj=document.file,
        details={
            "document": str(document.pk),
            "version": number,
            "sha256": content.sha256,
            "size": content.size,
            "content_type": upload.content_type,
        },
    )
    event_publish(
        DocumentsChanged(document_ids=(document.pk,), municipality_id=document.file.municipality_id)
    )
    return version


@dataclass(frozen=True)
class DocumentContent:
    name: str
    content_type: str
    data: bytes


@transaction.atomic
def document_version_read(*, actor: Actor, version_id: Any) -> DocumentContent:
    """The content of a document version for `actor` (need to know: the office's roles),
    its hash checked; NotFound for anyone else; every read audited."""
    version = (
        DocumentVersion.objects.select_related("document__file__office", "content")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        raise NotFound(_("No such document."))
    ensure_file_reader(actor=actor, office=version.document.file.office)
    data = content_read(version.content)
    audit_record(
        actor=actor,
        action="records.document_read",
        obj=version.document.file,
        details={"document": str(version.document_id), "version": version.number},
    )
    return DocumentContent(
        download_name(original_name=version.file_name, content_type=version.content_type),
        version.content_type,
        data,
    )
