"""Transactional outbox: side effects recorded in the caller's transaction, run after commit.

`outbox_enqueue(topic=..., payload=...)` must be called inside the transaction of the change
that causes the side effect. Handlers register per topic in `outbox_handlers` and must be
idempotent: a message can run more than once (a worker dies after the side effect, before
marking the message done).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rathaus.core.models import OutboxMessage
from rathaus.core.registries import Registry

logger = logging.getLogger(__name__)

OutboxHandler = Callable[[dict[str, Any]], None]
# Runs many messages of one topic at once: gets their payloads, returns for each (same order)
# None when it succeeded or the exception it failed with.
OutboxBatchHandler = Callable[[list[dict[str, Any]]], list[Exception | None]]


@dataclass(frozen=True)
class OutboxDispatcher:
    """Hands committed messages to the workers: `one` a single message (the sweep, a retry),
    `many` the messages of one transaction as one broker message. Both raise when the broker
    cannot be reached."""

    one: Callable[[int], None]
    many: Callable[[list[int]], None]


outbox_handlers: Registry[OutboxHandler] = Registry("outbox handlers")
# Optional, next to a topic's handler: when a worker drains several due messages of the topic
# (`outbox_runner.outbox_process_many`), they run in one call, e.g. to share a lock or an
# INSERT. Each message still succeeds, is retried or fails on its own by its result; the
# batch handler must be idempotent per message like the handler.
outbox_batch_handlers: Registry[OutboxBatchHandler] = Registry("outbox batch handlers")
_dispatcher: OutboxDispatcher | None = None


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


def outbox_hasten(*, topic: str, key: str, values: list[str]) -> list[int]:
    """Make pending messages of `topic` whose payload's `key` is one of `values` and that wait
    for a later time due now; they are dispatched after commit. Returns their ids.

    For a handler that postponed itself waiting for something (a hand-over waiting for a
    virus scan) when that something has happened. Messages a worker holds are left alone.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_hasten must run inside the transaction of the change")
    now = timezone.now()
    waiting = OutboxMessage.objects.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=now),
        topic=topic,
        status=OutboxMessage.Status.PENDING,
        available_at__gt=now,
        **{f"payload__{key}__in": values},
    )
    ids = list(waiting.values_list("pk", flat=True))
    if ids:
        OutboxMessage.objects.filter(pk__in=ids).update(available_at=now)
        transaction.on_commit(lambda: outbox_dispatch_many(message_ids=ids))
    return ids


def outbox_dispatcher_set(dispatcher: OutboxDispatcher | None) -> None:
    """Install the function that hands message ids to the background workers.

    `CoreConfig.ready()` installs the Celery one (`rathaus.core.tasks.outbox_tasks_dispatcher`).
    The outbox knows only this hook, not Celery or the tasks module: the tasks run the
    messages (`tasks` → `outbox_runner` → `outbox`), so importing them here would close a
    cycle. Without a dispatcher messages wait for the periodic sweep.
    """
    global _dispatcher
    _dispatcher = dispatcher


def outbox_dispatch_many(*, message_ids: list[int]) -> None:
    """Hand several messages to the workers as one broker message (see outbox_dispatch)."""
    if _dispatcher is None:
        logger.warning("No outbox dispatcher installed; the sweep will run %s", message_ids)
        return
    try:
        _dispatcher.many(message_ids)
    except Exception:
        logger.exception("Outbox messages %s not dispatched; the sweep will retry", message_ids)


def outbox_dispatch(*, message_id: int) -> None:
    """Hand one message to the background workers (Celery).

    A broker that cannot be reached is logged, not raised: the change is committed already
    and the periodic sweep dispatches the message later (`rathaus.core.outbox_runner`).
    """
    if _dispatcher is None:
        logger.warning("No outbox dispatcher installed; the sweep will run %s", message_id)
        return
    try:
        _dispatcher.one(message_id)
    except Exception:
        logger.exception("Outbox message %s not dispatched; the sweep will retry", message_id)
