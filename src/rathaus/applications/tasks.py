"""Periodic jobs of online applications (Celery beat)."""

from celery import shared_task

from rathaus.applications.attachments import attachment_rescan_pending
from rathaus.applications.expiry import drafts_expire


@shared_task(name="rathaus.applications.drafts_expire", ignore_result=True)
def drafts_expire_run() -> dict[str, int]:
    """Remind applicants of drafts about to expire; delete expired drafts."""
    report = drafts_expire()
    return {"reminded": report.reminded, "deleted": report.deleted}


@shared_task(name="rathaus.applications.attachment_rescan_pending", ignore_result=True)
def attachment_rescan_pending_run() -> int:
    """Queue a scan for uploads still waiting for the virus scanner."""
    return attachment_rescan_pending()
