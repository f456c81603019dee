"""Running outbox messages: claim with a lease, call the topic's handler, record the result.

(First step: a plain run; the lease, retries with backoff and the sweeper follow.)
"""

from django.db import transaction
from django.utils import timezone

from rathaus.core.models import OutboxMessage
from rathaus.core.outbox import outbox_handlers


def outbox_process(*, message_id: int) -> bool:
    """Run message `message_id` if it is still pending; True when it ran successfully."""
    message = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxMessage.Status.PENDING
    ).first()
    if message is None:
        return False
    handler = outbox_handlers.get(message.topic)
    with transaction.atomic():
        handler(message.payload)
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxMessage.Status.DONE, done_at=timezone.now(), attempts=message.attempts + 1
        )
    return True
