"""Whether the stored documents are intact (issue 11 §2): every stored content's object is
present and still has the SHA-256 it was stored under. `manage.py verify_records` runs it and
names every document version whose content is missing or altered."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

from .content import records_storage
from .models import DocumentVersion, StoredContent

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class IntegrityProblem:
    content: StoredContent
    problem: str  # "missing" or "altered"
    versions: list[DocumentVersion]


def _digest(name: str) -> str | None:
    storage = records_storage()
    if not storage.exists(name):
        return None
    try:
        handle = storage.open(name, "rb")
    except OSError:
        return None
    digest = hashlib.sha256()
    with handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def records_verify(*, document_id: UUID | None = None) -> Iterator[IntegrityProblem]:
    """The problems of the stored contents (of one document's versions if `document_id`),
    one by one, with the document versions that hold each."""
    contents = StoredContent.objects.order_by("created_at", "pk")
    if document_id is not None:
        contents = contents.filter(
            pk__in=DocumentVersion.objects.filter(document_id=document_id).values("content_id")
        )
    for content in contents.iterator():
        digest = _digest(content.name)
        if digest == content.sha256:
            continue
        versions = list(
            DocumentVersion.objects.filter(content=content)
            .select_related("document__file")
            .order_by("document__file__file_reference", "document__created_at", "number")
        )
        yield IntegrityProblem(content, "missing" if digest is None else "altered", versions)
