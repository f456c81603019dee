"""What the workflow does when something happens elsewhere: an opened case starts its
service's process; a payment request paid and a hand-over done become the messages
`payment_received` and `handover_done` of the case's process (each its own outbox message,
retried on its own)."""

from rathaus.applications.events import SubmissionHandoverDone
from rathaus.cases.events import CaseOpened
from rathaus.core.events import event_subscriber
from rathaus.payments.events import PaymentRequestPaid

from .case_actions import HANDOVER_DONE, PAYMENT_RECEIVED
from .instance_messages import message_deliver_or_later
from .instances import instance_start


@event_subscriber(CaseOpened, name="workflow.process_start")
def process_start(event: CaseOpened) -> None:
    """Subscriber of `case.opened`: the process of the case's service, if it has one."""
    instance_start(case_id=event.case_id)


# What other apps report back to a waiting process: their events become BPMN messages of the
# case's instance (docs/workflow.md). Only their `events` modules are imported (pyproject:
# the workflow's import contract).


@event_subscriber(PaymentRequestPaid, name="workflow.payment_received")
def payment_received(event: PaymentRequestPaid) -> None:
    """Subscriber of `payment.request_paid`: the message `payment_received` (data
    `payment_request`, `payment_amount_cents`) for the case's process."""
    message_deliver_or_later(
        case_id=event.case_id,
        name=PAYMENT_RECEIVED,
        payload={
            "payment_request": str(event.payment_request_id),
            "payment_amount_cents": event.amount_cents,
            "payment_received": True,
        },
    )


@event_subscriber(SubmissionHandoverDone, name="workflow.handover_done")
def handover_done(event: SubmissionHandoverDone) -> None:
    """Subscriber of `submission.handover_done`: the message `handover_done` (data
    `handed_over`, `handover_channels`) for the case's process."""
    message_deliver_or_later(
        case_id=event.case_id,
        name=HANDOVER_DONE,
        payload={"handed_over": event.handed_over, "handover_channels": list(event.channels)},
    )
