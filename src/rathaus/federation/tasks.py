"""Periodic jobs of the eID federation (Celery beat; also `manage.py federation_housekeeping`)."""

from celery import shared_task

from rathaus.federation.services import login_housekeeping


@shared_task(name="rathaus.federation.login_housekeeping", ignore_result=True)
def login_housekeeping_run() -> int:
    """Delete expired eID login transactions and replay-cache entries."""
    return login_housekeeping()
