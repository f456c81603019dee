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

from rathaus.evidence.services import receipt_issue

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


@transaction.atomic
def receipts_for_sent(*, message_id: UUID) -> list[MessageReceipt]:
    """The dispatch receipt of a message and a delivery receipt per recipient (those missing)."""
    message = Message.objects.select_related("thread", "sender__user", "sender__office").get(
        pk=message_id
    )
    made = []
    have: set[tuple[str, UUID | None]] = set(
        MessageReceipt.objects.filter(message=message).values_list("kind", "delivery_id")
    )
    deliveries = list(message.deliveries.select_related("mailbox__user", "mailbox__office"))
    if (MessageReceipt.Kind.DISPATCH, None) not in have:
        recipients = [_party(d.mailbox) for d in deliveries]
        made.append(
            _issue(
                message=message,
                kind=MessageReceipt.Kind.DISPATCH,
                delivery=None,
                facts=_facts(message, recipients=recipients),
            )
        )
    for delivery in deliveries:
        if (MessageReceipt.Kind.DELIVERY, delivery.pk) in have:
            continue
        made.append(
            _issue(
                message=message,
                kind=MessageReceipt.Kind.DELIVERY,
                delivery=delivery,
                facts=_facts(
                    message,
                    recipient=_party(delivery.mailbox),
                    delivered_at=delivery.delivered_at.isoformat(),
                ),
            )
        )
    return made


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
