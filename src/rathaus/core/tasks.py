"""Celery tasks of the core: running outbox messages and the sweep that re-dispatches them."""

from celery import shared_task

from rathaus.core.outbox_runner import outbox_process, outbox_sweep


@shared_task(name="rathaus.core.outbox_run", ignore_result=True)
def outbox_run(message_id: int) -> None:
    """Run one outbox message (claim, handle, mark done or schedule a retry)."""
    outbox_process(message_id=message_id)


@shared_task(name="rathaus.core.outbox_run_many", ignore_result=True)
def outbox_run_many(message_ids: list[int]) -> None:
    """Run the outbox messages of one transaction, one after the other (one broker message
    instead of several; each is still claimed, retried and marked on its own)."""
    for message_id in message_ids:
        outbox_process(message_id=message_id)


@shared_task(name="rathaus.core.outbox_sweep", ignore_result=True)
def outbox_sweep_run() -> int:
    """Dispatch due messages whose broker message got lost, retries and expired leases."""
    return outbox_sweep()
