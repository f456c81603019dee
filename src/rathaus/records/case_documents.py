"""The documents of a filed case, from the apps that hold them (issue 11 §1): the submission's
data, proofs and receipt (`rathaus.applications.filing_sources`) and the messages about the
case with their attachments and receipts (`rathaus.mailbox.filing_sources`), and the
decisions about it (`rathaus.decisions.filing_sources`).

`case_documents_file` files what is not filed yet (each source once, by its key) into the
case's file. It runs when something arrives (subscribers of the apps' events), when a case is
filed, and before a file is closed; it is idempotent, so running it again files nothing
twice. A case that is not filed (no filing rule, staff have not filed it) collects nothing
until it is. A closed file takes nothing: what arrives later is filed when the file is
reopened (or, for a case moved, into its new file)."""

import logging
from uuid import UUID

from django.db import transaction

from rathaus.applications.filing_sources import case_filing_sources as submission_sources
from rathaus.cases.models import Case
from rathaus.core.filing_sources import FilingSource
from rathaus.decisions.filing_sources import case_filing_sources as decision_sources
from rathaus.mailbox.filing_sources import case_filing_sources as message_sources

from .documents import CheckedUpload, document_add
from .filing import FILING_ACTOR, case_file_by_rule
from .models import CaseFiling, Document, RecordFile

log = logging.getLogger(__name__)


def filing_sources(*, case_id: UUID | str) -> list[FilingSource]:
    """Everything the apps hold about case `case_id` that belongs in its file."""
    return [
        *submission_sources(case_id=case_id),
        *message_sources(case_id=case_id),
        *decision_sources(case_id=case_id),
    ]


def case_documents_file(*, case_id: UUID | str) -> list[Document]:
    """File the documents of case `case_id` not filed yet (see the module docstring); the
    documents filed now."""
    if not CaseFiling.objects.filter(case_id=case_id).exists() and not case_file_by_rule(
        case_id=case_id
    ):
        return []
    sources = filing_sources(case_id=case_id)
    if not sources:
        return []
    with transaction.atomic():
        filing = CaseFiling.objects.select_for_update().get(case_id=case_id)
        record = RecordFile.objects.select_for_update().get(pk=filing.file_id)
        if record.status != RecordFile.Status.OPEN:
            log.info("case %s: file %s is closed, nothing filed", case_id, record.file_reference)
            return []
        filed = set(
            Document.objects.filter(source__in=[s.key for s in sources]).values_list(
                "source", flat=True
            )
        )
        case = Case.objects.get(pk=case_id)
        return [
            _file(source, record=record, case=case) for source in sources if source.key not in filed
        ]


def _file(source: FilingSource, *, record: RecordFile, case: Case) -> Document:
    return document_add(
        actor=FILING_ACTOR,
        record=record,
        case=case,
        title=source.title,
        kind=source.kind,
        upload=CheckedUpload(source.file_name, source.content_type, source.read()),
        document_date=source.document_date,
        sender=source.sender,
        recipient=source.recipient,
        keywords=source.keywords,
        source=source.key,
    )
