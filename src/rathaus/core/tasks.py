"""Celery tasks of the core: running outbox messages."""

from celery import shared_task

from rathaus.core.outbox_runner import outbox_process


@shared_task(name="rathaus.core.outbox_run", ignore_result=True)
def outbox_run(message_id: int) -> None:
    """Run one outbox message (claim, handle, mark done or schedule a retry)."""
    outbox_process(message_id=message_id)
