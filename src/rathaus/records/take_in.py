"""Files received from another authority (Abgabe 0401) or, as an archive, handed over
(Aussonderung 0503) become files of one of our offices (issue 11 §3).

Each xdomea file becomes a new file under the chosen file-plan item (its own file reference;
the sender's reference stays in the title and in each document's metadata); a case or
document sent without its file becomes a file of its own. Every primary document is checked
like an upload (type by content, virus scan) before anything is stored, so a refused message
leaves nothing behind. A message is taken in once: its documents remember their xdomea id.
"""

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, DomainError
from rathaus.municipalities.models import Municipality, Office
from rathaus.uploads.checks import UploadRefused, file_name_clean
from rathaus.uploads.content_types import HEAD_BYTES, Refusal, content_type_detect
from rathaus.uploads.scanners import ScannerUnavailable, virus_scanner

from . import xdomea
from .documents import CheckedUpload, document_add, version_add
from .models import Document, FilePlanItem
from .xdomea_mapping import KINDS_BACK, Incoming


@dataclass(frozen=True)
class TakeIn:
    """Where received files go: an office of a municipality and a file-plan item (number)."""

    municipality: Municipality
    office_slug: str
    plan_number: str


@dataclass
class _Document:
    record: xdomea.DocumentRecord
    within: str  # the sender's file / case the document was in
    uploads: list[CheckedUpload] = field(default_factory=list)


@dataclass
class _File:
    title: str
    reference: str
    year: int
    documents: list[_Document] = field(default_factory=list)


def _documents(documents: tuple[xdomea.DocumentRecord, ...], within: str) -> Iterator[_Document]:
    for document in documents:
        yield _Document(document, within)
        yield from _documents(document.attachments, within)


def _case_documents(case: xdomea.CaseRecord, within: str) -> Iterator[_Document]:
    where = f"{within} / {case.reference or case.title}".strip(" /")
    yield from _documents(case.documents, where)
    for subcase in case.subcases:
        yield from _case_documents(subcase, where)


def _year(day: dt.date | None) -> int:
    return day.year if day is not None else timezone.localdate().year


def _file_of(record: xdomea.FileRecord) -> Iterator[_File]:
    taken = _File(
        f"{record.title} ({record.file_reference})", record.file_reference, _year(record.opened_on)
    )
    taken.documents += _documents(record.documents, record.file_reference)
    for case in record.cases:
        taken.documents += _case_documents(case, record.file_reference)
    yield taken
    for subfile in record.subfiles:
        yield from _file_of(subfile)


def _files(message: xdomea.Transfer) -> list[_File]:
    files = [f for record in message.files for f in _file_of(record)]
    for case in message.cases:
        taken = _File(case.title, case.reference, _year(case.opened_on))
        taken.documents += _case_documents(case, "")
        files.append(taken)
    if message.documents:
        loose = _File(
            _("Documents from %(sender)s") % {"sender": message.header.sender.name},
            "",
            _year(None),
        )
        loose.documents += _documents(message.documents, "")
        files.append(loose)
    return files


# Records from another authority may hold what citizens may not upload (plain text, XML);
# never what cannot be checked for viruses or could run.
_TEXT_TYPES = ("text/", "image/", "application/xml", "application/json")


def _checked(primary: xdomea.PrimaryDocument) -> CheckedUpload:
    """A primary document checked by its content and scanned (UploadRefused otherwise)."""
    name = file_name_clean(primary.original_file_name or primary.file_name)
    data = primary.content or b""
    buffer = io.BytesIO(data)
    detected = content_type_detect(buffer.read(HEAD_BYTES), buffer)
    if not detected.key and (
        detected.refusal != Refusal.UNKNOWN or not detected.mime.startswith(_TEXT_TYPES)
    ):
        raise UploadRefused(
            _("The document “%(name)s” is %(what)s, which the records do not take in.")
            % {"name": name, "what": detected.label}
        )
    try:
        verdict = virus_scanner().scan(io.BytesIO(data))
    except ScannerUnavailable:
        raise UploadRefused(
            _("The virus scanner is not available right now; nothing was taken in.")
        ) from None
    if not verdict.clean:
        raise UploadRefused(
            _("The document “%(name)s” contains a virus (%(signature)s); nothing was taken in.")
            % {"name": name, "signature": verdict.signature}
        )
    return CheckedUpload(name, detected.mime, data)


def _target(target: TakeIn) -> tuple[Office, FilePlanItem]:
    office = Office.objects.filter(
        municipality=target.municipality, slug=target.office_slug
    ).first()
    item = FilePlanItem.objects.filter(
        municipality=target.municipality, number=target.plan_number
    ).first()
    if office is None:
        raise DomainError(_("No office %(slug)s.") % {"slug": target.office_slug})
    if item is None:
        raise DomainError(_("No file plan item %(number)s.") % {"number": target.plan_number})
    return office, item


@dataclass(frozen=True)
class TakenIn:
    """What a take-in produced: per xdomea object its outcome (for the 0506/0402 answer)."""

    lines: list[str]
    results: list[xdomea.ObjectResult]


def files_take_in(*, actor: Actor, incoming: Incoming, target: TakeIn) -> TakenIn:
    """Take in the files, cases and documents of a 0401 or 0503 for `target`."""
    message = incoming.message
    if not isinstance(message, xdomea.Transfer):
        raise DomainError(_("Only a hand-over (0401, 0503) brings files to take in."))
    office, item = _target(target)
    files = _files(message)
    sources = [f"xdomea:{d.record.id}" for f in files for d in f.documents]
    if Document.objects.filter(source__in=sources).exists():
        raise Conflict(_("These documents have been taken in already."))
    for taken in files:  # checked and scanned before anything is stored
        for document in taken.documents:
            for version in document.record.versions:
                document.uploads += [_checked(primary) for primary in version.files]
    return _store(
        actor=actor, incoming=incoming, transfer=message, files=files, office=office, item=item
    )


@transaction.atomic
def _store(
    *,
    actor: Actor,
    incoming: Incoming,
    transfer: xdomea.Transfer,
    files: list[_File],
    office: Office,
    item: FilePlanItem,
) -> TakenIn:
    from .services import file_create  # the services re-export this module's door

    message = incoming.message
    sender = message.header.sender.name
    lines: list[str] = []
    for taken in files:
        record = file_create(
            actor=actor, office=office, plan_item=item, title=taken.title, year=taken.year
        )
        stored = 0
        for document in taken.documents:
            if not document.uploads:
                lines.append(
                    _("  document %(title)s has no content and was not taken in")
                    % {"title": document.record.title}
                )
                continue
            first, *more = document.uploads
            added = document_add(
                actor=actor,
                record=record,
                title=document.record.title,
                kind=KINDS_BACK.get(document.record.kind, Document.Kind.INCOMING),
                upload=first,
                document_date=document.record.date,
                sender=sender,
                metadata={
                    "xdomea": {
                        "id": str(document.record.id),
                        "within": document.within,
                        "type": document.record.document_type,
                        "process": str(message.header.process_id),
                    }
                },
                source=f"xdomea:{document.record.id}",
            )
            for upload in more:
                version_add(actor=actor, document=added, upload=upload)
            stored += 1
        lines.append(
            _("%(reference)s → %(file)s (%(count)s documents)")
            % {
                "reference": taken.reference or taken.title,
                "file": record.file_reference,
                "count": stored,
            }
        )
    sent = [r.id for r in transfer.files] + [r.id for r in transfer.cases]
    results = [xdomea.ObjectResult(i, True) for i in sent + [r.id for r in transfer.documents]]
    audit_record(
        actor=actor,
        action="records.xdomea_import",
        obj=office,
        details={
            "process": str(message.header.process_id),
            "message": incoming.code,
            "version": incoming.version,
            "sender": sender,
            "lines": lines[:50],
        },
    )
    return TakenIn(lines, results)


def answer_version(version: str) -> str:
    """The version an answer is written in: the sender's, or the nearest we write."""
    return version if version in xdomea.PRODUCIBLE_VERSIONS else "2.4.0"


def import_confirmation(
    *, incoming: Incoming, taken: TakenIn, municipality: Municipality
) -> xdomea.WrittenContainer:
    """The answer to a message taken in: 0506 to an archive's 0503, 0402 to a 0401."""
    head = incoming.message.header
    header = xdomea.Header(
        process_id=head.process_id,
        created_at=timezone.now(),
        sender=xdomea.Party(name=municipality.name, short_name=municipality.slug),
        recipient=head.sender,
    )
    version = answer_version(incoming.version)
    build = xdomea.transfer_import_0506 if incoming.code == "0503" else xdomea.handover_import_0402
    return xdomea.write_container(build(header, taken.results, version=version), {})
