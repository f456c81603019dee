"""Periodic jobs of the accounts (Celery beat; also `manage.py delete_inactive_accounts`)."""

from celery import shared_task

from rathaus.accounts.services import inactive_accounts_process


@shared_task(name="rathaus.accounts.inactive_accounts_process", ignore_result=True)
def inactive_accounts_run() -> dict[str, int]:
    """Warn, then delete, citizen accounts without login for the configured period."""
    run = inactive_accounts_process()
    return {"warned": len(run.warned), "deleted": len(run.deleted)}
