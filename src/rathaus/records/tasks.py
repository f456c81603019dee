from celery import shared_task

from rathaus.records.sealing import days_seal


@shared_task(name="rathaus.records.days_seal", ignore_result=True)
def days_seal_run() -> int:
    """Seal the days that are over: their versions' hashes into time-stamped Merkle trees."""
    return len(days_seal())
