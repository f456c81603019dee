from celery import shared_task

from rathaus.mailbox.notifications import digests_send
from rathaus.mailbox.provisions import provisions_end_due


@shared_task(name="rathaus.mailbox.provisions_end_due", ignore_result=True)
def provisions_end_due_run() -> int:
    """End the provisions for retrieval whose ten days are over (§41 (2a) VwVfG)."""
    return provisions_end_due()


@shared_task(name="rathaus.mailbox.digests_send", ignore_result=True)
def digests_send_run() -> int:
    """The daily digest of new mail for the mailboxes that want one."""
    return digests_send()
