"""The receipts of the Postfach (issue 10 §2), issued by `rathaus.evidence` — a canonical JSON
document, signed (CMS) with the installation's seal, time-stamped (RFC 3161) and chained —
after the event, from the outbox (`subscribers`): dispatch and delivery when a message is sent,
retrieval when its recipient first opens it. Each exactly once (`MessageReceipt`).

A receipt states the message and thread, the SHA-256 of the body (and of each attachment),
sender and recipient, the sender's and (for retrieval) the recipient's level of assurance and
the time of the event — never the subject or the body."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Prefetch

from rathaus.evidence.services import (
    ISSUER_FAILURES,
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
    receipts or the exception that kept it from getting them (see `_issue_batch`)."""

    def prepare(ids: list[UUID]) -> dict[UUID, list[_Pending] | Exception]:
        messages = {m.pk: m for m in _messages_sent(ids)}
        have = _have(list(messages))
        return {
            message_id: (
                _checked(_pending_for_sent, messages[message_id], have.get(message_id, set()))
                if message_id in messages
                else Message.DoesNotExist(f"message {message_id}")
            )
            for message_id in ids
        }

    return _issue_batch(message_ids, prepare, lambda i: receipts_for_sent(message_id=i))


def receipts_for_retrieval_many(
    *, delivery_ids: list[UUID]
) -> dict[UUID, list[MessageReceipt] | Exception]:
    """`receipt_for_retrieval` for many deliveries with one batch of the chain (a reader who
    opens a thread with many new messages, an organisation's members reading at once): per
    delivery its new receipt (none when it has one or was not retrieved) or the error."""

    def prepare(ids: list[UUID]) -> dict[UUID, list[_Pending] | Exception]:
        deliveries = {d.pk: d for d in _deliveries_retrieved(ids)}
        done = set(
            MessageReceipt.objects.filter(
                delivery_id__in=ids, kind=MessageReceipt.Kind.RETRIEVAL
            ).values_list("delivery_id", flat=True)
        )
        return {
            delivery_id: (
                _checked(_pending_for_retrieval, deliveries[delivery_id], done)
                if delivery_id in deliveries
                else Delivery.DoesNotExist(f"delivery {delivery_id}")
            )
            for delivery_id in ids
        }

    def alone(delivery_id: UUID) -> list[MessageReceipt]:
        made = receipt_for_retrieval(delivery_id=delivery_id)
        return [made] if made is not None else []

    return _issue_batch(delivery_ids, prepare, alone)


def _checked(pending: Callable[..., list[_Pending]], *args: Any) -> list[_Pending] | Exception:
    """The receipts `pending(*args)` names, each checked that it can be issued; else the
    error (that item fails alone, the batch goes on)."""
    try:
        items = pending(*args)
        for _message, _delivery, kind, facts in items:
            receipt_item_check(kind=FORMAT_KINDS[MessageReceipt.Kind(kind)], facts=facts)
    except Exception as error:
        return error
    return items


def _issue_batch(
    keys: list[UUID],
    prepare: Callable[[list[UUID]], dict[UUID, list[_Pending] | Exception]],
    alone: Callable[[UUID], list[MessageReceipt]],
) -> dict[UUID, list[MessageReceipt] | Exception]:
    """Issue the receipts `prepare` names for `keys` (messages, deliveries) as one batch of
    the chain; per key its new receipts or its error.

    Each key still succeeds or fails on its own: one whose receipts cannot be made, or that no
    longer exists, is left out of the batch with its error. When the batch fails as a whole
    nothing of it is kept: a failure of the issuer (no time-stamp authority answering, no
    seal) is every key's error, since each alone would only wait for the same timeouts again;
    any other (e.g. another worker issuing the same receipts at the same time, which the
    unique constraints of MessageReceipt refuse) has each key tried again `alone` in its own
    transaction."""
    keys = list(dict.fromkeys(keys))  # a key twice gets its receipts once
    results: dict[UUID, list[MessageReceipt] | Exception] = {}
    try:
        with transaction.atomic():
            batch: list[_Pending] = []
            owners: list[UUID] = []
            for key, pending in prepare(keys).items():
                if isinstance(pending, Exception):
                    results[key] = pending
                    continue
                results[key] = []
                batch.extend(pending)
                owners.extend([key] * len(pending))
            for key, made in zip(owners, _issue_pending(batch) if batch else [], strict=True):
                done = results[key]
                assert isinstance(done, list)
                done.append(made)
    except ISSUER_FAILURES as error:
        results = dict.fromkeys(keys, error)
    except Exception:
        results = {}
        for key in keys:
            try:
                results[key] = alone(key)
            except Exception as error:  # reported to the caller, key by key
                results[key] = error
    return results


def _deliveries_retrieved(delivery_ids: list[UUID]) -> list[Delivery]:
    return list(
        Delivery.objects.filter(pk__in=delivery_ids)
        .select_related(
            "message__thread", "message__sender__user", "message__sender__office", "mailbox__user"
        )
        .prefetch_related("message__attachments")
    )


def _pending_for_retrieval(delivery: Delivery, done: set[UUID]) -> list[_Pending]:
    """The retrieval receipt of `delivery` unless it was not retrieved or has one (`done`)."""
    if delivery.retrieved_at is None or delivery.pk in done:
        return []
    facts = _facts(
        delivery.message,
        recipient=_party(delivery.mailbox),
        retrieved_at=delivery.retrieved_at.isoformat(),
        retrieved_by=str(delivery.retrieved_by_id or ""),
        recipient_level_of_assurance=delivery.retrieved_level_of_assurance,
    )
    return [(delivery.message, delivery, MessageReceipt.Kind.RETRIEVAL, facts)]


@transaction.atomic
def receipt_for_retrieval(*, delivery_id: UUID) -> MessageReceipt | None:
    """The retrieval receipt of a delivery (None when it exists or was not retrieved)."""
    deliveries = _deliveries_retrieved([delivery_id])
    if not deliveries:
        raise Delivery.DoesNotExist(f"delivery {delivery_id}")
    done = MessageReceipt.objects.filter(
        delivery_id=delivery_id, kind=MessageReceipt.Kind.RETRIEVAL
    ).values_list("delivery_id", flat=True)
    pending = _pending_for_retrieval(deliveries[0], set(done))
    return _issue_pending(pending)[0] if pending else None
