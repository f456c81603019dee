"""The records in xdomea and back: files, their cases and documents mapped onto the plain
types of the `xdomea` library (which knows no models), the message header of a municipality,
outgoing messages packed in their ZIP container, and incoming messages read for the services
(`disposal`, `handover`, `take_in`).

Ids travel unchanged: an xdomea file, case or document id is the id of the RecordFile, Case
or Document, so the archive's answers name our rows."""

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.cases.models import Case
from rathaus.municipalities.models import Municipality

from . import xdomea
from .content import content_read
from .models import ArchiveRule, Document, RecordFile
from .selectors import file_plan
from .xdomea.container import referenced_files as files_named
from .xdomea.versions import profile

_RULES = {
    ArchiveRule.ARCHIVE: xdomea.ArchiveRule.ARCHIVE,
    ArchiveRule.DESTROY: xdomea.ArchiveRule.DESTROY,
    ArchiveRule.EVALUATE: xdomea.ArchiveRule.EVALUATE,
}
_KINDS: dict[str, xdomea.DocumentKind] = {
    Document.Kind.INCOMING: xdomea.DocumentKind.INCOMING,
    Document.Kind.OUTGOING: xdomea.DocumentKind.OUTGOING,
    Document.Kind.NOTE: xdomea.DocumentKind.INTERNAL,
}
KINDS_BACK: dict[xdomea.DocumentKind, str] = {kind: ours for ours, kind in _KINDS.items()}
# A decision leaves the authority: outgoing in xdomea (a file taken in keeps "outgoing").
_KINDS[Document.Kind.DECISION] = xdomea.DocumentKind.OUTGOING


def _day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value is not None else None


def header(
    *,
    process_id: uuid.UUID,
    municipality: Municipality,
    recipient: str,
    recipient_code: str = "",
    unit: str = "",
) -> xdomea.Header:
    """The header (Kopf) of a message `municipality` (its `unit`) sends to `recipient`."""
    return xdomea.Header(
        process_id=process_id,
        created_at=timezone.now(),
        sender=xdomea.Party(
            name=municipality.name, short_name=municipality.slug, organisational_unit=unit
        ),
        recipient=xdomea.Party(name=recipient, authority_key=recipient_code),
    )


def _document(document: Document, *, content: bool) -> xdomea.DocumentRecord:
    versions = []
    for version in sorted(document.versions.all(), key=lambda v: v.number):
        versions.append(
            xdomea.DocumentVersionRecord(
                number=str(version.number),
                files=(
                    xdomea.PrimaryDocument(
                        file_name=xdomea.primary_file_name(version.pk, version.file_name),
                        original_file_name=version.file_name,
                        mime_type=version.content_type,
                        created_at=version.created_at,
                        content=content_read(version.content) if content else None,
                    ),
                ),
            )
        )
    return xdomea.DocumentRecord(
        id=document.pk,
        title=document.title,
        date=document.document_date or _day(document.created_at),
        kind=_KINDS.get(document.kind, xdomea.DocumentKind.INTERNAL),
        document_type=str(document.metadata.get("type", ""))[:100],
        versions=tuple(versions),
    )


def _case(case: Case, documents: Iterable[Document], *, content: bool) -> xdomea.CaseRecord:
    return xdomea.CaseRecord(
        id=case.pk,
        title=f"{case.service.name} ({case.reference})",
        reference=case.reference,
        opened_on=_day(case.created_at),
        documents=tuple(_document(d, content=content) for d in documents),
    )


def _loose_case(
    record: RecordFile, documents: list[Document], *, content: bool
) -> tuple[xdomea.CaseRecord]:
    return (
        xdomea.CaseRecord(
            id=uuid.uuid5(record.pk, "documents outside a case"),
            title=_("Documents outside a case"),
            documents=tuple(_document(d, content=content) for d in documents),
        ),
    )


def file_records(
    files: Sequence[RecordFile], *, content: bool, version: str
) -> list[xdomea.FileRecord]:
    """`files` (of one municipality) as xdomea files, their documents grouped by case; with
    `content` their versions' bytes (read from the storage, hash-checked) travel along.
    xdomea 2.x cannot put documents beside cases in a file: there the documents outside a
    case travel in a case of their own ("documents outside a case", a stable id)."""
    mixed = profile(version).mixed_file_content
    if not files:
        return []
    entries = {e.item.pk: e for e in file_plan(municipality=files[0].municipality)}
    documents = (
        Document.objects.filter(file__in=files)
        .select_related("case__service")
        .prefetch_related("versions__content")
        .order_by("created_at", "pk")
    )
    by_file: dict[uuid.UUID, list[Document]] = {f.pk: [] for f in files}
    for document in documents:
        by_file[document.file_id].append(document)
    records = []
    for record in files:
        entry = entries[record.plan_item_id]
        cases: dict[uuid.UUID, tuple[Case, list[Document]]] = {}
        loose = []
        for document in by_file[record.pk]:
            if document.case is None:
                loose.append(document)
            else:
                cases.setdefault(document.case.pk, (document.case, []))[1].append(document)
        wrap = bool(cases and loose and not mixed)
        records.append(
            xdomea.FileRecord(
                id=record.pk,
                file_reference=record.file_reference,
                title=record.title,
                file_plan_number=record.plan_item.number,
                file_plan_title=record.plan_item.title,
                opened_on=_day(record.created_at),
                closed_on=_day(record.closed_at),
                retention_years=entry.retention_years,
                # Without a rule in the file plan the archive evaluates the file.
                archive_rule=_RULES[ArchiveRule(entry.archive_rule or ArchiveRule.EVALUATE)],
                cases=tuple(_case(c, docs, content=content) for c, docs in cases.values())
                + (_loose_case(record, loose, content=content) if wrap else ()),
                documents=() if wrap else tuple(_document(d, content=content) for d in loose),
            )
        )
    return records


@dataclass(frozen=True)
class Outgoing:
    """A message ready to travel: its XML (kept) and its ZIP container (sent)."""

    code: str
    version: str
    xml: bytes = field(repr=False)
    container: xdomea.WrittenContainer = field(repr=False)

    @property
    def container_sha256(self) -> str:
        return hashlib.sha256(self.container.data).hexdigest()


def outgoing(code: str, version: str, xml: bytes, primaries: dict[str, bytes]) -> Outgoing:
    return Outgoing(code, version, xml, xdomea.write_container(xml, primaries))


@dataclass(frozen=True)
class Incoming:
    """A received message, validated and read: the XML as received (kept) and its content."""

    xml: bytes = field(repr=False)
    message: xdomea.Message

    @property
    def code(self) -> str:
        return self.message.message_code

    @property
    def version(self) -> str:
        return self.message.version

    @property
    def process_id(self) -> uuid.UUID:
        return self.message.header.process_id


def message_read(data: bytes, *, primary_documents: dict[str, bytes] | None = None) -> Incoming:
    """Validate and read an xdomea message: a ZIP container, or its XML (with the primary
    documents it names given separately). `xdomea.XdomeaInvalid` names element and line."""
    if data[:4] == b"PK\x03\x04":
        contents = xdomea.read_container(data)
        return Incoming(
            contents.message,
            xdomea.parse(contents.message, primary_documents=contents.primary_documents),
        )
    validated = xdomea.validate(data)
    if primary_documents is None and validated.message_code in ("0401", "0503"):
        primary_documents = {}
    return Incoming(data, xdomea.parse(validated, primary_documents=primary_documents))


def referenced_files(data: bytes) -> list[str]:
    """The primary documents an XML message names (to find them beside it)."""
    if data[:4] == b"PK\x03\x04":
        return []
    return [name for name, _line in files_named(xdomea.validate(data).root)]


def message_metadata(xml: bytes) -> xdomea.Message:
    """A message we kept, read without its primary documents (their bytes left empty)."""
    validated = xdomea.validate(xml)
    empty = {name: b"" for name, _line in files_named(validated.root)}
    return xdomea.parse(validated, primary_documents=empty)


def describe(message: xdomea.Message) -> list[str]:
    """What a message holds, one line each (for the shell and the audit trail)."""
    head = message.header
    lines = [f"from {head.sender.name} to {head.recipient.name}"]
    if isinstance(message, xdomea.Offer | xdomea.Transfer):
        for record in message.files:
            rule = f", {record.archive_rule.value}" if record.archive_rule else ""
            lines.append(f"file {record.file_reference}: {record.title}{rule}")
        lines += [f"case {c.reference or c.id}: {c.title}" for c in message.cases]
        lines += [f"document {d.id}: {d.title}" for d in message.documents]
    elif isinstance(message, xdomea.EvaluationList):
        lines += [f"{e.object_id}: {e.decision.value}" for e in message.evaluations]
    else:
        for result in message.results:
            state = "ok" if result.success else "failed: " + "; ".join(result.messages)
            lines.append(f"{result.object_id or 'all'}: {state}")
    return lines
