from typing import Any

from django.core.management.base import BaseCommand

from rathaus.mailbox.provisions import provisions_end_due


class Command(BaseCommand):
    help = (
        "End the provisions for retrieval (§41 (2a) VwVfG) not retrieved by the end of their "
        "tenth day, with a task for the office (Celery beat runs it hourly)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ended = provisions_end_due()
        self.stdout.write(f"{ended} provision(s) ended")
