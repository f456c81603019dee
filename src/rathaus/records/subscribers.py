"""What the records do when something happens elsewhere (domain events, from the outbox
after the change's commit): an opened case files itself by its office's rule (`filing`) and
brings what the apps hold about it; a submission's data, proofs and receipt and the messages
about a case follow it into its file (`case_documents`)."""

from rathaus.applications.events import (
    AttachmentScanned,
    SubmissionCreated,
    SubmissionReceiptIssued,
)
from rathaus.applications.filing_sources import submission_case_id
from rathaus.cases.events import CaseOpened
from rathaus.core.events import event_subscriber
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
