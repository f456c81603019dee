"""What travels in xdomea messages, as plain frozen dataclasses.

These types know nothing about rathaus' Django models: the records app maps its files, cases
and documents onto them before building a message, and maps parsed messages back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID


class ArchiveRule(StrEnum):
    """What happens to a record at disposal (xdomea code list Aussonderungsart)."""

    ARCHIVE = "archive"  # A: archivwürdig
    DESTROY = "destroy"  # V: vernichten
    EVALUATE = "evaluate"  # B: bewerten

    @property
    def code(self) -> str:
        """The Aussonderungsart code (A, V or B)."""
        return _RULE_CODES[self]

    @classmethod
    def from_code(cls, code: str) -> ArchiveRule:
        """The rule for an Aussonderungsart / Bewertungsvorschlag code."""
        for rule, rule_code in _RULE_CODES.items():
            if rule_code == code:
                return rule
        raise ValueError(f"unknown Aussonderungsart code {code!r} (expected A, V or B)")


_RULE_CODES = {ArchiveRule.ARCHIVE: "A", ArchiveRule.DESTROY: "V", ArchiveRule.EVALUATE: "B"}


class Confidentiality(StrEnum):
    """Classification (xdomea code list Vertraulichkeitsstufe)."""

    SECRET = "001"  # noqa: S105 (Geheim; a code, not a password)
    RESTRICTED = "002"  # VS – Nur für den Dienstgebrauch
    UNCLASSIFIED = "003"  # Offen
    TOP_SECRET = "004"  # noqa: S105 (Streng geheim)
    CONFIDENTIAL = "005"  # VS – Vertraulich


class DocumentKind(StrEnum):
    """Direction of a document; xdomea tells it by Posteingangsdatum / Postausgangsdatum."""

    INCOMING = "incoming"
    OUTGOING = "outgoing"
    INTERNAL = "internal"


@dataclass(frozen=True)
class Address:
    """A postal address (xdomea Anschrift; the country is not carried)."""

    street: str = ""
    house_number: str = ""
    postal_code: str = ""
    city: str = ""


@dataclass(frozen=True)
class Party:
    """Sender or recipient of a message: an authority or archive."""

    name: str
    short_name: str = ""
    authority_key: str = ""  # Behördenkennung (Behördenschlüssel), e.g. "LATh"
    organisational_unit: str = ""
    address: Address | None = None


@dataclass(frozen=True)
class Header:
    """The message header (Nachrichtenkopf) shared by all message types."""

    process_id: UUID
    created_at: datetime
    sender: Party
    recipient: Party
    product_name: str = "rathaus"
    product_version: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None:
            raise ValueError("Header.created_at must be timezone-aware")


@dataclass(frozen=True)
class PrimaryDocument:
    """One file of a document version (xdomea Primärdokument).

    `file_name` is the name inside the container (`<uuid>_<name>.<ext>`, see
    `container.primary_file_name`). Built messages need `content`; parsed ones always carry it.
    `format_code` is an entry of the code list Dateiformat; "100" (Sonstiges) sends
    `mime_type` as the format's name.
    """

    file_name: str
    original_file_name: str = ""
    mime_type: str = "application/octet-stream"
    format_code: str = "100"
    format_version: str = ""
    created_at: datetime | None = None
    content: bytes | None = field(default=None, repr=False)

    @property
    def size(self) -> int | None:
        """Size in bytes, when the content is present."""
        return None if self.content is None else len(self.content)

    @property
    def sha256(self) -> str | None:
        """Hex SHA-256 of the content, when present."""
        return None if self.content is None else hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class DocumentVersionRecord:
    """One version of a document with its file(s) (one per format)."""

    number: str
    files: tuple[PrimaryDocument, ...] = ()


@dataclass(frozen=True)
class DocumentRecord:
    """A document (xdomea Dokument)."""

    id: UUID
    title: str
    reference: str = ""  # Kennzeichen
    date: date | None = None  # DatumDesSchreibens; also the mail date for in/outgoing
    kind: DocumentKind = DocumentKind.INTERNAL
    document_type: str = ""  # Typ, free text ("Bescheid")
    confidentiality: Confidentiality | None = None
    versions: tuple[DocumentVersionRecord, ...] = ()
    attachments: tuple[DocumentRecord, ...] = ()


@dataclass(frozen=True)
class CaseRecord:
    """A case (xdomea Vorgang)."""

    id: UUID
    title: str
    reference: str = ""  # Kennzeichen
    opened_on: date | None = None
    closed_on: date | None = None
    archive_rule: ArchiveRule | None = None
    confidentiality: Confidentiality | None = None
    documents: tuple[DocumentRecord, ...] = ()
    subcases: tuple[CaseRecord, ...] = ()


@dataclass(frozen=True)
class FileRecord:
    """A file (xdomea Akte) with its cases and the documents filed directly in it."""

    id: UUID
    file_reference: str  # Aktenzeichen (Kennzeichen)
    title: str  # Betreff
    file_plan_number: str = ""  # Aktenplaneinheit/Kennzeichen
    file_plan_title: str = ""  # Aktenplaneinheit/Inhaltsangabe
    opened_on: date | None = None  # Laufzeit/Beginn
    closed_on: date | None = None  # Laufzeit/Ende
    retention_years: int | None = None
    retention_permanent: bool = False  # Unbefristet (3.x only)
    archive_rule: ArchiveRule | None = None  # Aussonderungsart
    archive_proposal: ArchiveRule | None = None  # Bewertungsvorschlag (A or V)
    confidentiality: Confidentiality | None = None
    file_type: str = ""  # Typ, free text
    cases: tuple[CaseRecord, ...] = ()
    documents: tuple[DocumentRecord, ...] = ()
    subfiles: tuple[FileRecord, ...] = ()


@dataclass(frozen=True)
class Evaluation:
    """The archive's decision on one offered object (0502 BewertetesObjekt)."""

    object_id: UUID
    decision: ArchiveRule


@dataclass(frozen=True)
class ObjectResult:
    """Outcome for one object of a transfer or hand-over (0506, 0402).

    `object_id` is None for xdomea 2.x, which reports one overall result.
    """

    object_id: UUID | None
    success: bool
    messages: tuple[str, ...] = ()
    archive_reference: str = ""  # Archivkennung (0506 only)


# Messages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """0501 Anbieteverzeichnis: records offered to the archive (metadata only)."""

    header: Header
    files: tuple[FileRecord, ...]
    cases: tuple[CaseRecord, ...] = ()
    documents: tuple[DocumentRecord, ...] = ()
    receipt_requested: bool = True
    version: str = ""
    message_code: str = "0501"


@dataclass(frozen=True)
class EvaluationList:
    """0502 Bewertungsverzeichnis: the archive's decision per offered object."""

    header: Header
    evaluations: tuple[Evaluation, ...]
    receipt_requested: bool = True
    version: str = ""
    message_code: str = "0502"

    def decision_for(self, object_id: UUID) -> ArchiveRule | None:
        """The decision on `object_id`, or None when the archive did not evaluate it."""
        return next((e.decision for e in self.evaluations if e.object_id == object_id), None)


@dataclass(frozen=True)
class Transfer:
    """0503 Aussonderung (to the archive) or 0401 Abgabe (to another authority)."""

    header: Header
    files: tuple[FileRecord, ...]
    cases: tuple[CaseRecord, ...] = ()
    documents: tuple[DocumentRecord, ...] = ()
    receipt_requested: bool = False
    archive_reference_requested: bool = False  # RueckmeldungArchivkennung (0503)
    version: str = ""
    message_code: str = "0503"


@dataclass(frozen=True)
class Confirmation:
    """0504, 0505, 0506, 0507, 0402, 0403: receipts and import confirmations."""

    header: Header
    message_code: str
    results: tuple[ObjectResult, ...] = ()
    version: str = ""

    @property
    def succeeded_ids(self) -> tuple[UUID, ...]:
        """Objects the receiver took (archived, imported)."""
        return tuple(r.object_id for r in self.results if r.success and r.object_id)

    @property
    def failed_ids(self) -> tuple[UUID, ...]:
        """Objects the receiver could not take."""
        return tuple(r.object_id for r in self.results if not r.success and r.object_id)


Message = Offer | EvaluationList | Transfer | Confirmation
