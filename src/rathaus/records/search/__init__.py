"""Full-text search of the records (issue 11 §1): documents found by their metadata (title,
keywords, sender, recipient, file reference and title, case reference, file name) and by
their text (the text layer of PDFs — OCR text included — and the text of ODT, DOCX and plain
text files, `records.text_extraction`), limited to the offices whose files the searcher may
read (need to know).

Ranking, the same on SQLite and PostgreSQL by construction (both only find; the order is
plain data both store alike): every query word must occur; documents where all occur in the
metadata come first (tier 1), then those where they occur in the text (tier 2); within a
tier the newest document date first, then the id. Pages continue by keyset, never by offset.

The index is written by `document_index` — after each new version and each change of a
document's file, by the subscriber of `records.document_changed` — and rebuilt by
`manage.py records_search_rebuild`.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from ..content import content_read
from ..models import Document, DocumentVersion
from .analysis import query_terms, stems
from .backends import IndexRow, Position, backend

__all__ = ["PAGE_SIZE", "SearchPage", "document_index", "document_search", "search_index_rebuild"]

PAGE_SIZE = 20
TIERS = (True, False)  # metadata only, then the text


def _meta_text(document: Document, case_reference: str, file_name: str) -> list[str]:
    record = document.file
    return [
        document.title,
        " ".join(str(k) for k in document.keywords),
        document.sender,
        document.recipient,
        record.file_reference,
        record.title,
        case_reference,
        file_name,
    ]


def _row(document: Document, version: DocumentVersion | None, case_reference: str) -> IndexRow:
    text = ""
    if version is not None:
        from ..text_extraction import extract_text  # pypdf and lxml only when indexing

        text = extract_text(content_read(version.content), version.content_type)
    meta = stems(*_meta_text(document, case_reference, version.file_name if version else ""))
    return IndexRow(
        document_id=document.pk,
        office_id=document.file.office_id,
        sort_date=document.document_date or timezone.localdate(document.created_at),
        meta=meta,
        body=[s for s in stems(text) if s not in set(meta)],
    )


def document_index(*, document_ids: Collection[UUID | str]) -> int:
    """(Re)index `document_ids` with their latest versions; ids that no longer exist leave
    the index. The number indexed."""
    documents = list(
        Document.objects.filter(pk__in=list(document_ids)).select_related("file", "case")
    )
    latest: dict[UUID, DocumentVersion] = {}
    for version in DocumentVersion.objects.filter(document__in=documents).select_related("content"):
        if version.document_id not in latest or version.number > latest[version.document_id].number:
            latest[version.document_id] = version
    rows = [
        _row(d, latest.get(d.pk), d.case.reference if d.case_id and d.case else "")
        for d in documents
    ]
    gone = {UUID(str(i)) for i in document_ids} - {d.pk for d in documents}
    with transaction.atomic():
        if gone:
            backend().remove(gone)
        if rows:
            backend().replace(rows)
    return len(rows)


def search_index_rebuild(*, batch: int = 200) -> int:
    """Index every document afresh (after an upgrade or a restore); the number indexed."""
    ids = list(Document.objects.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch):
        done += document_index(document_ids=ids[start : start + batch])
    return done


@dataclass(frozen=True)
class SearchPage:
    documents: list[Document]  # in rank order, with file, office and case loaded
    tiers: dict[UUID, int]  # 1: all words in the metadata, 2: in the text
    next_cursor: str  # "" on the last page


def _cursor(tier: int, position: Position) -> str:
    return f"{tier}.{position.sort_date.isoformat()}.{position.document_id.hex}"


def _parse_cursor(cursor: str) -> tuple[int, Position | None]:
    try:
        tier, day, ident = cursor.split(".")
        return int(tier), Position(date.fromisoformat(day), UUID(hex=ident))
    except ValueError:
        return 1, None  # a broken cursor starts at the beginning


def document_search(
    *,
    query: str,
    office_ids: Collection[UUID] | None,
    cursor: str = "",
    limit: int = PAGE_SIZE,
) -> SearchPage:
    """The documents of `office_ids` (None: all offices) matching `query`, ranked (module
    docstring), one page from `cursor`. The caller decides the offices (need to know)."""
    terms = query_terms(query)
    if not terms or (office_ids is not None and not office_ids):
        return SearchPage([], {}, "")
    tier, after = _parse_cursor(cursor) if cursor else (1, None)
    found: list[tuple[UUID, date, int]] = []
    for number, meta_only in enumerate(TIERS, start=1):
        if number < tier:
            continue
        rows = backend().find(
            terms=terms,
            meta_only=meta_only,
            office_ids=office_ids,
            after=after if number == tier else None,
            limit=limit + 1 - len(found),
        )
        found += [(ident, day, number) for ident, day in rows]
        if len(found) > limit:
            break
    more = len(found) > limit
    found = found[:limit]
    documents = Document.objects.filter(pk__in=[f[0] for f in found]).select_related(
        "file__office", "case"
    )
    if office_ids is not None:  # the index may lag behind a move to another office's file
        documents = documents.filter(file__office_id__in=office_ids)
    by_id = {d.pk: d for d in documents}
    ordered = [by_id[f[0]] for f in found if f[0] in by_id]
    next_cursor = ""
    if more and found:
        last = found[-1]
        next_cursor = _cursor(last[2], Position(last[1], last[0]))
    return SearchPage(ordered, {f[0]: f[2] for f in found}, next_cursor)
