"""Celery tasks of the core: running outbox messages, the sweep that re-dispatches them and
the purge of done messages.

`outbox_tasks_dispatcher` is the outbox's dispatcher (installed by `CoreConfig.ready()`): the
dependency runs tasks → outbox_runner → outbox only, the outbox never imports this module.
"""

from celery import shared_task

from rathaus.core.outbox import OutboxDispatcher
from rathaus.core.outbox_runner import (
    outbox_process,
    outbox_process_many,
    outbox_purge,
    outbox_sweep,
)


@shared_task(name="rathaus.core.outbox_run", ignore_result=True)
def outbox_run(message_id: int) -> None:
    """Run one outbox message (claim, handle, mark done or schedule a retry)."""
    outbox_process(message_id=message_id)


@shared_task(name="rathaus.core.outbox_run_many", ignore_result=True)
def outbox_run_many(message_ids: list[int]) -> None:
    """Run the outbox messages of one transaction (one broker message instead of several):
    messages of a topic with a batch handler together, the others one after the other; each
    is still claimed, retried and marked on its own (`outbox_process_many`)."""
    outbox_process_many(message_ids=message_ids)


@shared_task(name="rathaus.core.outbox_sweep", ignore_result=True)
def outbox_sweep_run() -> int:
    """Dispatch due messages whose broker message got lost, retries and expired leases."""
    return outbox_sweep()


@shared_task(name="rathaus.core.outbox_purge", ignore_result=True)
def outbox_purge_run() -> int:
    """Delete done messages older than `RATHAUS_OUTBOX_RETENTION_DAYS` (failed ones stay)."""
    return outbox_purge()


def _dispatch_one(message_id: int) -> None:
    outbox_run.delay(message_id)


def _dispatch_many(message_ids: list[int]) -> None:
    outbox_run_many.delay(message_ids)


# The outbox's dispatcher (installed by CoreConfig.ready()): one broker message per call.
outbox_tasks_dispatcher = OutboxDispatcher(one=_dispatch_one, many=_dispatch_many)
