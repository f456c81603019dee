"""The receipts of the Postfach (issue 10 §2), issued by `rathaus.evidence` — a canonical JSON
document, signed (CMS) with the installation's seal, time-stamped (RFC 3161) and chained —
after the event, from the outbox (`subscribers`): dispatch and delivery when a message is sent,
retrieval when its recipient first opens it. Each exactly once (`MessageReceipt`).

A receipt states the message and thread, the SHA-256 of the body (and of each attachment),
sender and recipient, the sender's and (for retrieval) the recipient's level of assurance and
the time of the event — never the subject or the body."""

from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Prefetch

from rathaus.evidence.services import (
    ISSUER_FAILURES,
    receipt_issue,
    receipt_item_check,
    receipts_issue,
)

from .models import Delivery, Mailbox, Message, MessageReceipt

FORMAT_KINDS = {
    MessageReceipt.Kind.DISPATCH: "mailbox.dispatch",
    MessageReceipt.Kind.DELIVERY: "mailbox.delivery",
    MessageReceipt.Kind.RETRIEVAL: "mailbox.retrieval",
}


def _party(mailbox: Mailbox) -> dict[str, str]:
    return {"mailbox": str(mailbox.pk), "kind": mailbox.kind, "name": str(mailbox)}


def _facts(message: Message, **more: Any) -> dict[str, Any]:
    return {
        "message": str(message.pk),
        "thread": str(message.thread_id),
        "municipality": str(message.thread.municipality_id),
        "case": str(message.thread.case_id or ""),
        "body_sha256": message.body_sha256,
        "attachments": [
            {
                "position": a.position,
                "sha256": a.sha256,
                "size": a.size,
                "content_type": a.content_type,
            }
            for a in message.attachments.all()
        ],
        "sender": _party(message.sender),
        "sender_level_of_assurance": message.level_of_assurance,
        "written_form": message.written_form,
        "sent_at": message.sent_at.isoformat() if message.sent_at else "",
        **more,
    }


def _issue(
    *, message: Message, kind: str, delivery: Delivery | None, facts: dict[str, Any]
) -> MessageReceipt:
    receipt = receipt_issue(kind=FORMAT_KINDS[MessageReceipt.Kind(kind)], facts=facts)
    return MessageReceipt.objects.create(
        message=message, delivery=delivery, kind=kind, receipt=receipt
    )


# One receipt still to issue: the message, its delivery (None for dispatch), kind and facts.
_Pending = tuple[Message, Delivery | None, str, dict[str, Any]]


def _messages_sent(message_ids: list[UUID]) -> list[Message]:
    return list(
        Message.objects.filter(pk__in=message_ids)
        .select_related(
            "thread",
            "sender__user",
            "sender__organisation",
            "sender__office__municipality",
        )
        .prefetch_related(
            "attachments",
            Prefetch(
                "deliveries",
                queryset=Delivery.objects.select_related(
                    "mailbox__user", "mailbox__organisation", "mailbox__office__municipality"
                ).order_by("pk"),
            ),
        )
    )


def _pending_for_sent(message: Message, have: set[tuple[str, UUID | None]]) -> list[_Pending]:
    """The dispatch and delivery receipts of `message` not in `have` (kind, delivery id)."""
    deliveries = list(message.deliveries.all())
    pending: list[_Pending] = []
    if (MessageReceipt.Kind.DISPATCH, None) not in have:
        recipients = [_party(d.mailbox) for d in deliveries]
        pending.append(
            (
                message,
                None,
                MessageReceipt.Kind.DISPATCH,
                _facts(message, recipients=recipients),
            )
        )
    for delivery in deliveries:
        if (MessageReceipt.Kind.DELIVERY, delivery.pk) in have:
            continue
        facts = _facts(
            message,
            recipient=_party(delivery.mailbox),
            delivered_at=delivery.delivered_at.isoformat(),
        )
        pending.append((message, delivery, MessageReceipt.Kind.DELIVERY, facts))
    return pending


def _issue_pending(pending: list[_Pending]) -> list[MessageReceipt]:
    """Issue the receipts of `pending` as one batch of the chain (one lock, one INSERT each
    for the receipts and the message receipts)."""
    receipts = receipts_issue(
        items=[(FORMAT_KINDS[MessageReceipt.Kind(kind)], facts) for _m, _d, kind, facts in pending]
    )
    return MessageReceipt.objects.bulk_create(
        [
            MessageReceipt(message=message, delivery=delivery, kind=kind, receipt=receipt)
            for (message, delivery, kind, _facts), receipt in zip(pending, receipts, strict=True)
        ]
    )


def _have(message_ids: list[UUID]) -> dict[UUID, set[tuple[str, UUID | None]]]:
    have: dict[UUID, set[tuple[str, UUID | None]]] = {}
    rows = MessageReceipt.objects.filter(
        message_id__in=message_ids,
        kind__in=[MessageReceipt.Kind.DISPATCH, MessageReceipt.Kind.DELIVERY],
    ).values_list("message_id", "kind", "delivery_id")
    for message_id, kind, delivery_id in rows:
        have.setdefault(message_id, set()).add((kind, delivery_id))
    return have


@transaction.atomic
def receipts_for_sent(*, message_id: UUID) -> list[MessageReceipt]:
    """The dispatch receipt of a message and a delivery receipt per recipient (those missing),
    issued together as consecutive receipts of the chain."""
    messages = _messages_sent([message_id])
    if not messages:
        raise Message.DoesNotExist(f"message {message_id}")
    pending = _pending_for_sent(messages[0], _have([message_id]).get(message_id, set()))
    return _issue_pending(pending) if pending else []


def receipts_for_sent_many(
    *, message_ids: list[UUID]
) -> dict[UUID, list[MessageReceipt] | Exception]:
    """`receipts_for_sent` for many messages with one batch of the chain: what the outbox
    drain calls for a backlog of sent messages (issue 10 §7). Returns per message id its new
    receipts or the exception that kept it from getting them.

    Each message still succeeds or fails on its own: a message whose facts cannot make a
    receipt, or that no longer exists, is left out of the batch with its error. When the
    batch fails as a whole nothing of it is kept: a failure of the issuer (no time-stamp
    authority answering, no seal) is every message's error, since each alone would only wait
    for the same timeouts again; any other (e.g. another worker issuing the same receipts at
    the same time, which the unique constraints of MessageReceipt refuse) has each message
    tried again alone in its own transaction."""
    message_ids = list(dict.fromkeys(message_ids))  # a message twice gets its receipts once
    results: dict[UUID, list[MessageReceipt] | Exception] = {}
    try:
        with transaction.atomic():
            messages = {m.pk: m for m in _messages_sent(message_ids)}
            have = _have(list(messages))
            batch: list[_Pending] = []
            for message_id in message_ids:
                message = messages.get(message_id)
                if message is None:
                    results[message_id] = Message.DoesNotExist(f"message {message_id}")
                    continue
                try:
                    pending = _pending_for_sent(message, have.get(message_id, set()))
                    for _message, _delivery, kind, facts in pending:
                        receipt_item_check(
                            kind=FORMAT_KINDS[MessageReceipt.Kind(kind)], facts=facts
                        )
                except Exception as error:  # this message fails alone, the batch goes on
                    results[message_id] = error
                    continue
                results[message_id] = []
                batch.extend(pending)
            for made in _issue_pending(batch) if batch else []:
                done = results[made.message_id]
                assert isinstance(done, list)
                done.append(made)
    except ISSUER_FAILURES as error:
        results = dict.fromkeys(message_ids, error)
    except Exception:
        results = {}
        for message_id in message_ids:
            try:
                results[message_id] = receipts_for_sent(message_id=message_id)
            except Exception as error:  # reported to the caller, message by message
                results[message_id] = error
    return results


@transaction.atomic
def receipt_for_retrieval(*, delivery_id: UUID) -> MessageReceipt | None:
    """The retrieval receipt of a delivery (None when it exists or was not retrieved)."""
    delivery = Delivery.objects.select_related(
        "message__thread", "message__sender__user", "message__sender__office", "mailbox__user"
    ).get(pk=delivery_id)
    if delivery.retrieved_at is None:
        return None
    done = MessageReceipt.objects.filter(delivery=delivery, kind=MessageReceipt.Kind.RETRIEVAL)
    if done.exists():
        return None
    return _issue(
        message=delivery.message,
        kind=MessageReceipt.Kind.RETRIEVAL,
        delivery=delivery,
        facts=_facts(
            delivery.message,
            recipient=_party(delivery.mailbox),
            retrieved_at=delivery.retrieved_at.isoformat(),
            retrieved_by=str(delivery.retrieved_by_id or ""),
            recipient_level_of_assurance=delivery.retrieved_level_of_assurance,
        ),
    )
