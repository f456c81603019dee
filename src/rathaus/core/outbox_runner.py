"""Running outbox messages: claim with a lease, call the topic's handler, record the result.

A worker claims a message with one conditional UPDATE (works the same on SQLite and
PostgreSQL): the row must be pending, due and not leased by someone else. The claim sets
`locked_until` (the lease) and counts the attempt. The handler runs outside any transaction of
ours — handlers open their own and must be idempotent, because a worker can die after the side
effect and before the message is marked done; the lease then expires and `outbox_sweep`
dispatches the message again. The result is written only while the lease is still ours, so a
worker that overran its lease cannot overwrite the outcome of the worker that took over.
"""

import logging
import random
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.models import OutboxMessage
from rathaus.core.outbox import (
    outbox_batch_handlers,
    outbox_dispatch,
    outbox_dispatch_many,
    outbox_handlers,
)

logger = logging.getLogger(__name__)

# Retry delay after the n-th failed attempt: min(2**n * BASE, CAP), plus up to 25 % jitter so
# that messages failing together (an SMTP server down) do not retry in lockstep.
BACKOFF_BASE_SECONDS = 5
BACKOFF_CAP_SECONDS = 3600
LAST_ERROR_MAX_CHARS = 1000


@dataclass(frozen=True)
class Claim:
    """A message held under lease by this worker: `locked_until` identifies the lease."""

    message: OutboxMessage
    locked_until: datetime


def outbox_backoff(*, attempts: int) -> timedelta:
    """Delay before the next attempt after `attempts` failed ones (with jitter)."""
    seconds = min(2 ** min(attempts, 30) * BACKOFF_BASE_SECONDS, BACKOFF_CAP_SECONDS)
    return timedelta(seconds=seconds * (1 + random.uniform(0, 0.25)))  # noqa: S311


def _due(now: datetime) -> Q:
    return Q(status=OutboxMessage.Status.PENDING, available_at__lte=now) & (
        Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    )


def outbox_claim(*, message_id: int, now: datetime | None = None) -> Claim | None:
    """Take the lease on message `message_id` if it is pending, due and not leased.

    Exactly one of several concurrent callers gets the claim (the UPDATE is atomic);
    the others get None.
    """
    now = now or timezone.now()
    locked_until = now + timedelta(seconds=settings.RATHAUS_OUTBOX_LEASE_SECONDS)
    claimed = OutboxMessage.objects.filter(_due(now), pk=message_id).update(
        locked_until=locked_until, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return None
    return Claim(message=OutboxMessage.objects.get(pk=message_id), locked_until=locked_until)


def outbox_claim_many(*, message_ids: list[int], now: datetime | None = None) -> list[Claim]:
    """`outbox_claim` for several messages at once: one UPDATE takes the lease on those of
    `message_ids` that are pending, due and not leased, one SELECT reads them back (by the
    lease's end, which is this call's own); in the order of `message_ids`."""
    now = now or timezone.now()
    # The lease's end names this claim when the rows are read back: a random part of a second
    # keeps two workers that start in the same microsecond from reading each other's rows.
    locked_until = now + timedelta(
        seconds=settings.RATHAUS_OUTBOX_LEASE_SECONDS,
        microseconds=random.randrange(1, 1_000_000),  # noqa: S311 (no secret)
    )
    claimed = OutboxMessage.objects.filter(_due(now), pk__in=message_ids).update(
        locked_until=locked_until, attempts=F("attempts") + 1
    )
    if not claimed:
        return []
    held = OutboxMessage.objects.filter(
        pk__in=message_ids, status=OutboxMessage.Status.PENDING, locked_until=locked_until
    ).in_bulk()
    return [Claim(message=held[i], locked_until=locked_until) for i in message_ids if i in held]


def _held(claim: Claim) -> Q:
    return Q(
        pk=claim.message.pk,
        status=OutboxMessage.Status.PENDING,
        locked_until=claim.locked_until,
    )


def _error_text(exc: BaseException) -> str:
    # Class and message only (no traceback with local variables); handlers raise errors that
    # name ids, not personal data.
    return f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"[:LAST_ERROR_MAX_CHARS]


def _fail(*, claim: Claim, error: str) -> None:
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(_held(claim)).update(
            status=OutboxMessage.Status.FAILED, locked_until=None, last_error=error
        )
        if updated:
            message = claim.message
            audit_record(
                actor=Actor.system("outbox"),
                action="outbox.failed",
                obj=message,
                details={"topic": message.topic, "attempts": message.attempts},
            )
    if updated:
        logger.error(
            "Outbox message %s (%s) failed for good after %s attempt(s): %s",
            claim.message.pk,
            claim.message.topic,
            claim.message.attempts,
            error,
        )


def outbox_process(*, message_id: int) -> bool:
    """Claim and run message `message_id`; True when it ran successfully now.

    False when someone else holds it, it is not due or not pending, or the handler failed
    (then a retry is scheduled with backoff, or after `RATHAUS_OUTBOX_MAX_ATTEMPTS` attempts
    the message is marked failed and audited as `outbox.failed`).
    """
    claim = outbox_claim(message_id=message_id)
    if claim is None:
        return False
    message = claim.message
    if message.topic not in outbox_handlers:
        _fail(claim=claim, error=f"No handler registered for topic {message.topic!r}")
        return False
    handler = outbox_handlers.get(message.topic)
    try:
        handler(message.payload)
    except Exception as exc:
        _record_failure(claim=claim, exc=exc)
        return False
    return _record_success(claim=claim)


def _record_failure(*, claim: Claim, exc: Exception) -> None:
    """Schedule a retry with backoff, or mark the message failed after the last attempt."""
    message = claim.message
    now = timezone.now()
    error = _error_text(exc)
    if message.attempts >= settings.RATHAUS_OUTBOX_MAX_ATTEMPTS:
        _fail(claim=claim, error=error)
        return
    OutboxMessage.objects.filter(_held(claim)).update(
        locked_until=None,
        available_at=now + outbox_backoff(attempts=message.attempts),
        last_error=error,
    )
    logger.warning(
        "Outbox message %s (%s), attempt %s failed, will retry: %s",
        message.pk,
        message.topic,
        message.attempts,
        error,
    )


def _record_success(*, claim: Claim) -> bool:
    done = OutboxMessage.objects.filter(_held(claim)).update(
        status=OutboxMessage.Status.DONE, done_at=timezone.now(), locked_until=None
    )
    if not done:
        # The lease ran out while the handler was busy and another worker took over; its
        # outcome counts (the handler is idempotent, so the side effect is there once).
        logger.warning("Outbox message %s: lease expired before completion", claim.message.pk)
    return bool(done)


def outbox_process_many(*, message_ids: list[int]) -> int:
    """Claim and run the messages `message_ids`; returns how many ran successfully now.

    Messages of a topic with a batch handler (`outbox_batch_handlers`) run in one call of it,
    claimed together just before (`outbox_claim_many`); the others are claimed and run one
    after the other as in `outbox_process`, so that a slow handler (a webhook endpoint that
    hangs until its timeout) never holds the leases of messages still waiting behind it.
    Either way each message is marked done, retried or failed on its own. A batch handler that
    raises instead of answering per message counts as a failure of each of its messages.
    """
    topics = dict(OutboxMessage.objects.filter(pk__in=message_ids).values_list("pk", "topic"))
    by_topic: dict[str, list[int]] = {}
    for message_id in message_ids:
        if message_id in topics:
            by_topic.setdefault(topics[message_id], []).append(message_id)
    succeeded = 0
    for topic, ids in by_topic.items():
        if len(ids) > 1 and topic in outbox_batch_handlers and topic in outbox_handlers:
            succeeded += _run_batch(topic, outbox_claim_many(message_ids=ids))
        else:
            succeeded += sum(outbox_process(message_id=i) for i in ids)
    return succeeded


def _run_batch(topic: str, group: list[Claim]) -> int:
    """Run the claimed messages `group` of `topic` through its batch handler."""
    if not group:
        return 0
    try:
        results = outbox_batch_handlers.get(topic)([c.message.payload for c in group])
        if len(results) != len(group):
            raise RuntimeError(f"batch handler of {topic!r}: one result per message")
    except Exception as exc:
        results = [exc] * len(group)
    done = []
    for claim, result in zip(group, results, strict=True):
        if result is None:
            done.append(claim)
        else:
            _record_failure(claim=claim, exc=result)
    return _record_success_many(done)


def _record_success_many(claims: list[Claim]) -> int:
    """`_record_success` for claims of one lease (`outbox_claim_many`) in one UPDATE."""
    if not claims:
        return 0
    done = OutboxMessage.objects.filter(
        pk__in=[c.message.pk for c in claims],
        status=OutboxMessage.Status.PENDING,
        locked_until=claims[0].locked_until,
    ).update(status=OutboxMessage.Status.DONE, done_at=timezone.now(), locked_until=None)
    if done < len(claims):
        logger.warning(
            "Outbox: %s of %s messages' leases expired before completion",
            len(claims) - done,
            len(claims),
        )
    return done


def outbox_drain(
    *, batch_size: int = 50, limit: int = 1000, topics: Collection[str] | None = None
) -> int:
    """Run due messages in this process, `batch_size` at a time (oldest first), until none
    is due or `limit` ran; returns how many were run. For a worker (or the one-box install
    without a broker) that works off a backlog: batch handlers then see many messages of a
    topic at once. Claims are taken per batch, so leases stay short. With `topics`, only
    messages of those topics (a worker of their own, e.g. for the receipts while another
    files into the E-Akte)."""
    ran = 0
    while ran < limit:
        ids = outbox_due_ids(limit=min(batch_size, limit - ran), topics=topics)
        if not ids:
            break
        outbox_process_many(message_ids=ids)
        ran += len(ids)
    return ran


def outbox_topics(*, only: Collection[str] = (), skip: Collection[str] = ()) -> list[str] | None:
    """The registered topics of the subscribing apps `only` (all when empty) without those of
    `skip`, for a drain of its own (`outbox_drain(topics=…)`); None: every topic. A topic
    belongs to the app that handles it: `records` for "mailbox.message_sent/records.…", the
    first part of a topic without an event ("mailbox.attachment.scan")."""
    if not only and not skip:
        return None

    def app(topic: str) -> str:
        return topic.rpartition("/")[2].split(".")[0]

    return [
        topic
        for topic in outbox_handlers
        if (not only or app(topic) in only) and app(topic) not in skip
    ]


def outbox_due_ids(
    *, now: datetime | None = None, limit: int = 1000, topics: Collection[str] | None = None
) -> list[int]:
    """Ids of pending messages that are due and not leased (oldest first; of `topics` only
    when given)."""
    now = now or timezone.now()
    due = OutboxMessage.objects.filter(_due(now))
    if topics is not None:
        due = due.filter(topic__in=list(topics))
    return list(due.order_by("available_at", "id").values_list("pk", flat=True)[:limit])


def outbox_sweep(*, now: datetime | None = None) -> int:
    """Dispatch every pending message that is due and not leased; returns how many.

    Covers messages whose broker message was lost (the web process died between commit and
    publish, a broker outage), retries whose backoff has passed, and messages of a worker that
    died (its lease expired). A message already queued is dispatched twice at worst: the
    second run finds it claimed or done and does nothing. A backlog goes out in broker
    messages of `SWEEP_BATCH`, each run by `outbox_process_many`: the messages of a topic with
    a batch handler (receipts) are then handled together by the Celery worker too.
    """
    ids = outbox_due_ids(now=now)
    for start in range(0, len(ids), SWEEP_BATCH):
        chunk = ids[start : start + SWEEP_BATCH]
        if len(chunk) == 1:
            outbox_dispatch(message_id=chunk[0])
        else:
            outbox_dispatch_many(message_ids=chunk)
    return len(ids)


# Due messages per broker message of the sweep.
SWEEP_BATCH = 50


def outbox_purge(
    *, now: datetime | None = None, retention_days: int | None = None, batch_size: int = 5000
) -> int:
    """Delete messages that are done for longer than the retention; returns how many.

    `retention_days` defaults to `RATHAUS_OUTBOX_RETENTION_DAYS`. Failed messages are kept
    whatever their age (an operator looks at them and retries or deletes them in the admin),
    and so are pending ones. Deleted in batches, each its own short transaction, so that a
    large backlog does not hold locks on the table for long.
    """
    now = now or timezone.now()
    days = settings.RATHAUS_OUTBOX_RETENTION_DAYS if retention_days is None else retention_days
    cutoff = now - timedelta(days=days)
    old = OutboxMessage.objects.filter(status=OutboxMessage.Status.DONE, done_at__lt=cutoff)
    purged = 0
    while True:
        ids = list(old.order_by("id").values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        deleted, _ = OutboxMessage.objects.filter(
            pk__in=ids, status=OutboxMessage.Status.DONE
        ).delete()
        purged += deleted
        if len(ids) < batch_size:
            break
    if purged:
        logger.info("Outbox: purged %s done message(s) older than %s day(s)", purged, days)
    return purged


@transaction.atomic
def outbox_retry(*, message: OutboxMessage, actor: Actor) -> OutboxMessage:
    """Make a failed (or waiting) message due now, audited; dispatched after commit.

    The attempt counter starts again so that it gets the full number of retries.
    """
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    now = timezone.now()
    running = message.locked_until is not None and message.locked_until > now
    if message.status == OutboxMessage.Status.DONE or (
        message.status == OutboxMessage.Status.PENDING and running
    ):
        return message  # nothing to do, or a worker holds it right now
    previous = message.status
    message.status = OutboxMessage.Status.PENDING
    message.available_at = now
    message.locked_until = None
    message.attempts = 0
    message.save(update_fields=["status", "available_at", "locked_until", "attempts"])
    audit_record(
        actor=actor,
        action="outbox.retry",
        obj=message,
        details={"topic": message.topic, "previous_status": previous},
    )
    message_id = message.pk
    transaction.on_commit(lambda: outbox_dispatch(message_id=message_id))
    return message
