"""Transactional outbox: side effects recorded in the caller's transaction, run after commit.

`outbox_enqueue(topic=..., payload=...)` must be called inside the transaction of the change
that causes the side effect. Handlers register per topic in `outbox_handlers` and must be
idempotent: a message can run more than once (a worker dies after the side effect, before
marking the message done).
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from rathaus.core.models import OutboxMessage
from rathaus.core.registries import Registry

logger = logging.getLogger(__name__)

OutboxHandler = Callable[[dict[str, Any]], None]

outbox_handlers: Registry[OutboxHandler] = Registry("outbox handlers")


def outbox_enqueue(*, topic: str, payload: dict[str, Any], delay_seconds: int = 0) -> OutboxMessage:
    """Record a side effect in the current transaction; it is dispatched after commit."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_enqueue must run inside the transaction of the change")
    message = OutboxMessage.objects.create(
        topic=topic,
        payload=payload,
        available_at=timezone.now() + timedelta(seconds=delay_seconds),
    )
    transaction.on_commit(lambda: outbox_dispatch(message_id=message.pk))
    return message


def outbox_enqueue_many(*, messages: list[tuple[str, dict[str, Any]]]) -> list[OutboxMessage]:
    """Several side effects (topic, payload) in one INSERT; each is dispatched after commit."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_enqueue must run inside the transaction of the change")
    now = timezone.now()
    created = OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(topic=topic, payload=payload, available_at=now)
            for topic, payload in messages
        ]
    )
    ids = [message.pk for message in created]
    transaction.on_commit(lambda: outbox_dispatch_many(message_ids=ids))
    return created


def outbox_dispatch_many(*, message_ids: list[int]) -> None:
    """Hand several messages to the workers as one broker message (see outbox_dispatch)."""
    from rathaus.core.tasks import outbox_run_many

    try:
        outbox_run_many.delay(message_ids)
    except Exception:
        logger.exception("Outbox messages %s not dispatched; the sweep will retry", message_ids)


def outbox_dispatch(*, message_id: int) -> None:
    """Hand one message to the background workers (Celery).

    A broker that cannot be reached is logged, not raised: the change is committed already
    and the periodic sweep dispatches the message later (`rathaus.core.outbox_runner`).
    """
    # Imported here: the Celery app loads Django settings, the outbox is imported by models.
    from rathaus.core.tasks import outbox_run

    try:
        outbox_run.delay(message_id)
    except Exception:
        logger.exception("Outbox message %s not dispatched; the sweep will retry", message_id)
