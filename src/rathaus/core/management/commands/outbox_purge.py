"""Delete done outbox messages older than the retention (`RATHAUS_OUTBOX_RETENTION_DAYS`).

The periodic job `rathaus.core.outbox_purge` does the same every night; failed messages are
never purged (they wait for an operator).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.core.outbox_runner import outbox_purge


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # needs no URLs or models checked
    help = "Delete done outbox messages older than RATHAUS_OUTBOX_RETENTION_DAYS (or --days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, help="keep done messages this many days (default: the setting)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is not None and days < 0:
            raise CommandError("--days must not be negative")
        purged = outbox_purge(retention_days=days)
        self.stdout.write(f"purged {purged} done outbox message(s)")
