"""Run due outbox messages in this process, oldest first, in batches: a worker of its own
beside the Celery workers, for some apps' topics only or all but some (during a mass mailing
the receipts and e-mails with `--except records` while another process files into the E-Akte
with `--only records`), once or with `--loop` until stopped."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.core.outbox_runner import outbox_drain, outbox_topics


class Command(BaseCommand):
    help = (
        "Run due outbox messages in this process (oldest first, in batches); --only/--except "
        "APP limit them to the topics the app subscribes (e.g. records, mailbox, webhooks)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only", action="append", default=[], metavar="APP", help="only these apps' topics"
        )
        parser.add_argument(
            "--except",
            dest="skip",
            action="append",
            default=[],
            metavar="APP",
            help="all topics but these apps'",
        )
        parser.add_argument("--batch", type=int, default=50, help="messages per batch (50)")
        parser.add_argument(
            "--loop", action="store_true", help="keep running (polling every second) until stopped"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        topics = outbox_topics(only=options["only"], skip=options["skip"])
        if topics == []:
            raise CommandError("no outbox topic belongs to these apps")
        ran = 0
        try:
            while True:
                done = outbox_drain(batch_size=options["batch"], limit=10_000, topics=topics)
                ran += done
                if not options["loop"] and done < 10_000:
                    break
                if not done:
                    time.sleep(1)
        except KeyboardInterrupt:
            pass
        self.stdout.write(f"ran {ran} outbox message(s)")
