"""What decisions do when the mailbox reports on an act provided for retrieval: retrieved,
the decision is notified; not retrieved in time, it waits for the post."""

from rathaus.core.events import event_subscriber
from rathaus.mailbox.events import ProvisionEnded, ProvisionNotified

from .services import decision_retrieval_failed, decision_retrieval_notified


@event_subscriber(ProvisionNotified, name="decisions.retrieval_notified")
def on_provision_notified(event: ProvisionNotified) -> None:
    """Subscriber of `mailbox.provision_notified`: the decision counts as notified."""
    decision_retrieval_notified(message_id=event.message_id, notified_on=event.notified_on)


@event_subscriber(ProvisionEnded, name="decisions.retrieval_failed")
def on_provision_ended(event: ProvisionEnded) -> None:
    """Subscriber of `mailbox.provision_ended`: not retrieved, into the post queue."""
    decision_retrieval_failed(message_id=event.message_id)
