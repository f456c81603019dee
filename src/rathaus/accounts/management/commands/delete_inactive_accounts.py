from typing import Any

from django.core.management.base import BaseCommand

from rathaus.accounts.services import inactive_accounts_process


class Command(BaseCommand):
    help = (
        "Warn citizen accounts that are about to expire for inactivity and delete expired ones. "
        "Run daily (cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        run = inactive_accounts_process()
        self.stdout.write(f"warned: {len(run.warned)}, deleted: {len(run.deleted)}")
