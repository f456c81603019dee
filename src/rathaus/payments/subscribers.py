"""What payments does when something happens elsewhere: the process of a case asks for a fee
(`workflow.payment_requested`) → a payment request the applicant pays online from the portal
(`/zahlung/anforderung/<id>/`, the link of the process's Postfach message)."""

from rathaus.core.events import event_subscriber
from rathaus.workflow.events import PaymentRequested

from .services import PAYMENT_REQUEST_ACTOR, payment_request_create


@event_subscriber(PaymentRequested, name="payments.request_create")
def request_on_workflow(event: PaymentRequested) -> None:
    """Subscriber of `workflow.payment_requested`: the payment request, once per key."""
    payment_request_create(
        request_id=event.payment_request_id,
        case_id=event.case_id,
        amount_cents=event.amount_cents,
        currency=event.currency,
        purpose=event.purpose,
        due_on=event.due_on,
        key=event.key,
        actor=PAYMENT_REQUEST_ACTOR,
    )
