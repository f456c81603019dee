import logging

from celery import shared_task

from .instances import instances_wake

logger = logging.getLogger(__name__)


@shared_task(name="rathaus.workflow.instances_wake", ignore_result=True)  # type: ignore[untyped-decorator]
def instances_wake_run() -> int:
    """Advance the instances whose timers are due (deadlines, reminders, escalations)."""
    return instances_wake()
