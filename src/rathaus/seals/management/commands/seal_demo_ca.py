"""`manage.py seal_demo_ca`: create the demo CA and seal certificate under var/seal/ when
missing (used by `make run`; never for production)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from rathaus.seals.demo_ca import demo_ca_create


class Command(BaseCommand):
    help = "Create a demo CA and seal certificate under var/seal/ when none exists (demo only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.RATHAUS_SEAL_CERT_FILE:
            self.stdout.write(
                "A seal certificate is configured (RATHAUS_SEAL_CERT_FILE): no demo CA."
            )
            return
        files, created = demo_ca_create()
        if created:
            self.stdout.write(
                f"Demo seal certificate created: {files.seal_cert} (CA {files.ca_cert})"
            )
        else:
            self.stdout.write(f"Demo seal certificate present: {files.seal_cert}")
