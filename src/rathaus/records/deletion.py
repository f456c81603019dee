"""A file leaves the records (archived, destroyed, handed over to another authority): its
documents and their contents are deleted, the file's row stays with its new status, and a
deletion record (Löschprotokoll) says what went, when, on whose decision and by which xdomea
message. Sealed versions keep their leaves (`RemovedLeaf`) so the day's integrity tree still
verifies."""

import uuid

from django.db import transaction

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.events import event_publish

from .content import records_storage
from .events import DocumentsChanged
from .models import (
    DeletionRecord,
    Document,
    DocumentVersion,
    InspectionGrant,
    RecordFile,
    RemovedLeaf,
    ScannedDocument,
    StoredContent,
    XdomeaMessage,
)

_STATUS = {
    DeletionRecord.Reason.ARCHIVED: RecordFile.Status.ARCHIVED,
    DeletionRecord.Reason.DESTROYED: RecordFile.Status.DESTROYED,
    DeletionRecord.Reason.HANDED_OVER: RecordFile.Status.HANDED_OVER,
}


def _still_held(content: StoredContent) -> bool:
    return (
        DocumentVersion.objects.filter(content=content).exists()
        or ScannedDocument.objects.filter(content=content).exists()
        or XdomeaMessage.objects.filter(content=content).exists()
    )


def _storage_delete(names: list[str]) -> None:
    """Remove contents from the storage once their rows are gone for good."""
    storage = records_storage()
    for name in names:
        storage.delete(name)


@transaction.atomic
def file_remove(
    *,
    actor: Actor,
    record: RecordFile,
    reason: str,
    decision: str,
    process_id: uuid.UUID | None,
    code: str,
) -> DeletionRecord:
    """Delete the documents of `record` and their contents (where nothing else holds them);
    the file keeps its row with the status for `reason` and gets its deletion record."""
    locked = RecordFile.objects.select_for_update().select_related("plan_item").get(pk=record.pk)
    documents = list(
        Document.objects.filter(file=locked).prefetch_related("versions__content").order_by("pk")
    )
    versions = [v for d in documents for v in d.versions.all()]
    listed = [
        {
            "document": str(d.pk),
            "title": d.title,
            "versions": [
                {"number": v.number, "sha256": v.content.sha256, "file_name": v.file_name}
                for v in d.versions.all()
            ],
        }
        for d in documents
    ]
    deletion = DeletionRecord.objects.create(
        municipality_id=locked.municipality_id,
        file=locked,
        file_reference=locked.file_reference,
        file_title=locked.title,
        plan_number=locked.plan_item.number,
        closed_at=locked.closed_at,
        reason=reason,
        decision=decision[:300],
        process_id=process_id,
        message_code=code,
        documents=listed,
        executed_by=actor.label,
    )
    RemovedLeaf.objects.bulk_create(
        [
            RemovedLeaf(
                tree_id=v.tree_id,
                tree_index=v.tree_index,
                version_id=v.pk,
                sha256=v.content.sha256,
                deletion=deletion,
            )
            for v in versions
            if v.tree_id is not None and v.tree_index is not None
        ]
    )
    ScannedDocument.objects.filter(document__in=documents).update(document=None)
    for grant in InspectionGrant.objects.filter(file=locked):
        grant.documents.clear()
    DocumentVersion.objects.filter(pk__in=[v.pk for v in versions]).delete()
    Document.objects.filter(pk__in=[d.pk for d in documents]).delete()
    gone = [c for c in {v.content for v in versions} if not _still_held(c)]
    for content in gone:
        content.delete()
    names = [c.name for c in gone]
    transaction.on_commit(lambda: _storage_delete(names))
    locked.status = _STATUS[DeletionRecord.Reason(reason)]
    locked.save(update_fields=["status", "updated_at"])
    if documents:
        event_publish(
            DocumentsChanged(
                document_ids=tuple(d.pk for d in documents),
                municipality_id=locked.municipality_id,
            )
        )
    audit_record(
        actor=actor,
        action="records.file_delete",
        obj=locked,
        details={
            "file_reference": locked.file_reference,
            "reason": reason,
            "process": str(process_id) if process_id else "",
            "message": code,
            "documents": len(listed),
        },
    )
    return deletion
