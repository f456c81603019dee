import logging

from celery import shared_task

from rathaus.core.actors import Actor
from rathaus.records.message_import import archive_inbox_process
from rathaus.records.sealing import days_seal

logger = logging.getLogger(__name__)


@shared_task(name="rathaus.records.days_seal", ignore_result=True)
def days_seal_run() -> int:
    """Seal the days that are over: their versions' hashes into time-stamped Merkle trees."""
    return len(days_seal())


@shared_task(name="rathaus.records.archive_inbox", ignore_result=True)
def archive_inbox_run() -> int:
    """Import the archives' answers waiting in the transfer directories (xdomea 0502–0507,
    0402/0403); each is moved to done/ or refused/ (the reason in the audit trail and log)."""
    result = archive_inbox_process(actor=Actor.system("archive_inbox"))
    for refused in result.refused:
        logger.warning("xdomea message refused: %s", refused)
    return result.imported
