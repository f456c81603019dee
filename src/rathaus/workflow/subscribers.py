"""What the workflow does when something happens elsewhere: an opened case starts its
service's process (its own outbox message, retried on its own)."""

from rathaus.cases.events import CaseOpened
from rathaus.core.events import event_subscriber

from .instances import instance_start


@event_subscriber(CaseOpened, name="workflow.process_start")
def process_start(event: CaseOpened) -> None:
    """Subscriber of `case.opened`: the process of the case's service, if it has one."""
    instance_start(case_id=event.case_id)
