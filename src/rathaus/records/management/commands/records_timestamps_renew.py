"""Renew the time-stamps of the records' integrity trees: `manage.py records_timestamps_renew`.

Run it before the algorithms or the certificate of the TSA that stamped the trees weaken (the
TSA's certificate nears its end, SHA-256 or the signature algorithm is no longer considered
strong; BSI TR-02102 publishes the horizon): every tree gets a new time-stamp over its chain
hash and its newest time-stamp, from the TSA configured now (docs/records.md)."""

from typing import Any

from django.core.management.base import BaseCommand

from rathaus.records.sealing import timestamps_renew


class Command(BaseCommand):
    help = "Add a new time-stamp to every integrity tree of the records."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{timestamps_renew()} tree(s) time-stamped anew.")
