from typing import Any

from django.core.management.base import BaseCommand

from rathaus.federation.services import login_housekeeping


class Command(BaseCommand):
    help = "Delete expired eID login transactions and replay-cache entries (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = login_housekeeping()
        self.stdout.write(f"Removed {removed} expired login record(s).")
