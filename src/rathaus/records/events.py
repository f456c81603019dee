"""Domain events of the records (`rathaus.core.events`)."""

import dataclasses
from uuid import UUID

from rathaus.core.events import DomainEvent, domain_event


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class DocumentsChanged(DomainEvent):
    """Documents got a new version or moved to another file (a case moved): what the search
    index, and anyone keeping a copy, has to read again."""

    name = "records.documents_changed"
    version = 1
    published_by = "records"

    document_ids: tuple[UUID, ...]
    municipality_id: UUID


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class ScanReceived(DomainEvent):
    """Scanned files were taken in for replacement scanning: OCR and sealing follow in the
    background."""

    name = "records.scan_received"
    version = 1
    published_by = "records"

    batch_id: UUID
    municipality_id: UUID
