"""What the records do when something happens elsewhere (domain events, from the outbox
after the change's commit): an opened case files itself by its office's rule (`filing`) and
brings what the apps hold about it; a submission's data, proofs and receipt and the messages
about a case follow it into its file (`case_documents`)."""

from typing import Any
from uuid import UUID

from rathaus.applications.events import (
    AttachmentScanned,
    SubmissionCreated,
    SubmissionReceiptIssued,
)
from rathaus.applications.filing_sources import submission_case_id
from rathaus.cases.events import CaseOpened
from rathaus.core.events import event_subscriber
from rathaus.core.outbox import outbox_batch_handlers
from rathaus.decisions.events import DecisionCreated
from rathaus.mailbox.events import MessageSent

from .case_documents import case_documents_file
from .events import DocumentsChanged, ScanReceived
from .search import document_index


@event_subscriber(CaseOpened, name="records.case_filing")
def file_opened_case(event: CaseOpened) -> None:
    """Subscriber of `case.opened`: the case into the year's file of its office's rule, with
    what the apps hold about it already."""
    case_documents_file(case_id=event.case_id)


def _file_submission_documents(submission_id: object) -> None:
    case_id = submission_case_id(submission_id=str(submission_id))
    if case_id is not None:
        case_documents_file(case_id=case_id)


@event_subscriber(SubmissionCreated, name="records.submission_documents")
def file_submission(event: SubmissionCreated) -> None:
    """Subscriber of `submission.created`: the data entered and the proofs scanned clean."""
    _file_submission_documents(event.submission_id)


@event_subscriber(
    AttachmentScanned,
    name="records.proof_filing",
    when=lambda event: event.result == "clean" and event.submission_id is not None,
)
def file_scanned_proof(event: AttachmentScanned) -> None:
    """Subscriber of `attachment.scanned` (clean, of a submission): the proof."""
    _file_submission_documents(event.submission_id)


@event_subscriber(SubmissionReceiptIssued, name="records.receipt_filing")
def file_receipt(event: SubmissionReceiptIssued) -> None:
    """Subscriber of `submission.receipt_issued`: the sealed receipt."""
    _file_submission_documents(event.submission_id)


@event_subscriber(
    MessageSent, name="records.message_filing", when=lambda event: event.case_id is not None
)
def file_message(event: MessageSent) -> None:
    """Subscriber of `mailbox.message_sent` about a case: the message, its attachments and
    the receipts issued so far (later ones follow with the next message or when the file is
    closed)."""
    if event.case_id is not None:
        case_documents_file(case_id=event.case_id)


@event_subscriber(DecisionCreated, name="records.decision_filing")
def file_decision(event: DecisionCreated) -> None:
    """Subscriber of `decision.created`: the sealed decision into the case's file."""
    case_documents_file(case_id=event.case_id)


@event_subscriber(DocumentsChanged, name="records.search_index")
def index_documents(event: DocumentsChanged) -> None:
    """Subscriber of `records.documents_changed`: the search index reads them again."""
    document_index(document_ids=event.document_ids)


@event_subscriber(ScanReceived, name="records.scan_processing")
def process_scans(event: ScanReceived) -> None:
    """Subscriber of `records.scan_received`: OCR, split, seal and time-stamp the batch."""
    from .scanning import scan_batch_process

    scan_batch_process(batch_id=event.batch_id)


# --- Batch forms for an outbox worker draining a backlog (`outbox_batch_handlers`) ---


@outbox_batch_handlers.register(f"{MessageSent.name}/records.message_filing")
def file_messages_batch(payloads: list[dict[str, Any]]) -> list[Exception | None]:
    """Batch form of `file_message` (a specialist system's batch of messages, a busy thread):
    each case filed once for all its messages of the batch; each message succeeds or fails
    with its case."""
    cases: list[UUID | Exception | None] = []
    for payload in payloads:
        try:
            cases.append(MessageSent.from_payload(payload).case_id)
        except Exception as error:  # a payload that does not parse fails alone
            cases.append(error)
    outcome: dict[UUID, Exception | None] = {}
    for case_id in cases:
        if isinstance(case_id, UUID) and case_id not in outcome:
            try:
                case_documents_file(case_id=case_id)
                outcome[case_id] = None
            except Exception as error:
                outcome[case_id] = error
    return [
        c if isinstance(c, Exception) else (outcome[c] if c is not None else None) for c in cases
    ]


@outbox_batch_handlers.register(f"{DocumentsChanged.name}/records.search_index")
def index_documents_batch(payloads: list[dict[str, Any]]) -> list[Exception | None]:
    """Batch form of `index_documents` (a case filed many documents, a batch of messages):
    all their documents indexed in one call and one transaction; should that fail, each
    event is indexed on its own, so that only the one at fault fails."""
    try:
        ids = [i for p in payloads for i in DocumentsChanged.from_payload(p).document_ids]
        document_index(document_ids=ids)
    except Exception:
        return [_index_one(payload) for payload in payloads]
    return [None] * len(payloads)


def _index_one(payload: dict[str, Any]) -> Exception | None:
    try:
        document_index(document_ids=DocumentsChanged.from_payload(payload).document_ids)
    except Exception as error:
        return error
    return None
