"""What the Postfach does when something happens elsewhere (domain events, run from the
outbox after the change's commit; each at most once per event):

- a case's document request (Nachforderung) becomes a message of the office to the applicant
  in the case's thread (started with the case's reference as subject when there is none);
- a message sent gets its dispatch and delivery receipts, a message retrieved its retrieval
  receipt (`receipts`); a worker draining a backlog issues those of many messages in one
  batch of the chain (`receipts_on_sent_batch`, `receipts_on_retrieved_batch`);
- the recipients of a message are told by e-mail, without its content (`notifications`); a
  backlog's e-mails go out in one session with the mail server (`notify_on_sent_batch`)."""

from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from django.utils import formats, translation
from django.utils.translation import gettext as _

from rathaus.cases.events import CaseDocumentRequested
from rathaus.cases.selectors import document_request_get
from rathaus.core.events import event_subscriber
from rathaus.core.outbox import outbox_batch_handlers

from .events import MessageRetrieved, MessageSent
from .notifications import new_mail_notify, new_mail_notify_many
from .receipts import (
    receipt_for_retrieval,
    receipts_for_retrieval_many,
    receipts_for_sent,
    receipts_for_sent_many,
)
from .services import case_message_post


@event_subscriber(MessageSent, name="mailbox.receipts")
def receipts_on_sent(event: MessageSent) -> None:
    """Subscriber of `mailbox.message_sent`: dispatch and delivery receipts (once each)."""
    receipts_for_sent(message_id=event.message_id)


@outbox_batch_handlers.register(f"{MessageSent.name}/mailbox.receipts")
def receipts_on_sent_batch(payloads: list[dict[str, Any]]) -> list[Exception | None]:
    """Batch form of `receipts_on_sent` for an outbox worker draining a backlog: the receipts
    of many sent messages in one batch of the chain (`receipts_for_sent_many`); each message
    succeeds or fails on its own."""
    return _per_event(payloads, _sent_id, lambda ids: receipts_for_sent_many(message_ids=ids))


def _sent_id(payload: dict[str, Any]) -> UUID:
    return MessageSent.from_payload(payload).message_id


def _retrieved_id(payload: dict[str, Any]) -> UUID:
    return MessageRetrieved.from_payload(payload).delivery_id


def _per_event(
    payloads: list[dict[str, Any]],
    key: Callable[[dict[str, Any]], UUID],
    run: Callable[[list[UUID]], Mapping[UUID, Any]],
) -> list[Exception | None]:
    """The outcome per payload of `run` on the ids `key` reads from the events' payloads:
    None for success, the error for a payload that does not parse or an id `run` failed."""
    ids: list[UUID | Exception] = []
    for payload in payloads:
        try:
            ids.append(key(payload))
        except Exception as error:  # a payload that does not parse fails alone
            ids.append(error)
    done = run([i for i in ids if isinstance(i, UUID)])
    results: list[Exception | None] = []
    for each in ids:
        outcome = each if isinstance(each, Exception) else done[each]
        results.append(outcome if isinstance(outcome, Exception) else None)
    return results


@event_subscriber(MessageSent, name="mailbox.new_mail_notification")
def notify_on_sent(event: MessageSent) -> None:
    """Subscriber of `mailbox.message_sent`: the e-mail telling the recipients (a link only)."""
    new_mail_notify(message_id=event.message_id)


@outbox_batch_handlers.register(f"{MessageSent.name}/mailbox.new_mail_notification")
def notify_on_sent_batch(payloads: list[dict[str, Any]]) -> list[Exception | None]:
    """Batch form of `notify_on_sent` for a worker draining a backlog: one query for the
    deliveries, one session with the mail server for all e-mails (`new_mail_notify_many`);
    each message succeeds or fails on its own."""
    return _per_event(payloads, _sent_id, lambda ids: new_mail_notify_many(message_ids=ids))


@event_subscriber(MessageRetrieved, name="mailbox.receipts")
def receipt_on_retrieved(event: MessageRetrieved) -> None:
    """Subscriber of `mailbox.message_retrieved`: the retrieval receipt (once)."""
    receipt_for_retrieval(delivery_id=event.delivery_id)


@outbox_batch_handlers.register(f"{MessageRetrieved.name}/mailbox.receipts")
def receipts_on_retrieved_batch(payloads: list[dict[str, Any]]) -> list[Exception | None]:
    """Batch form of `receipt_on_retrieved` (a thread with many new messages opened, many
    readers at once): the retrieval receipts in one batch of the chain."""
    return _per_event(
        payloads, _retrieved_id, lambda ids: receipts_for_retrieval_many(delivery_ids=ids)
    )


@event_subscriber(CaseDocumentRequested, name="mailbox.document_request_message")
def document_request_message(event: CaseDocumentRequested) -> None:
    """Subscriber of `case.document_requested`: the request as a message in the case's
    thread, in the applicant's language."""
    request = document_request_get(document_request_id=event.document_request_id)
    case = request.case
    with translation.override(getattr(case.applicant, "preferred_language", "") or "de"):
        deadline = formats.date_format(request.deadline, "DATE_FORMAT")
        body = _(
            "The office needs further documents for your application %(reference)s.\n\n"
            "%(message)s\n\nPlease send them by %(deadline)s."
        ) % {"reference": case.reference, "message": request.message, "deadline": deadline}
        subject = _("Your application %(reference)s") % {"reference": case.reference}
    case_message_post(
        case=case,
        subject=subject,
        body=body,
        origin=f"document_request:{request.pk}",
        author_label=case.office.name,
    )
