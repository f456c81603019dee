"""`manage.py mailbox_rewrap_keys [--municipality SLUG]`: after a key-encryption key was
rotated, wrap every data key of the Postfach with the current version (the content stays as it
is; old versions can be retired once this has run). Audited per municipality."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.mailbox.content import data_keys_rewrap
from rathaus.municipalities.models import Municipality


class Command(BaseCommand):
    help = "Re-wrap the Postfach's data keys with each municipality's current KEK."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", help="slug of one municipality (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        municipalities = Municipality.objects.order_by("slug")
        if options["municipality"]:
            municipalities = municipalities.filter(slug=options["municipality"])
        for municipality in municipalities:
            count = data_keys_rewrap(municipality=municipality)
            audit_record(
                actor=Actor.system("mailbox_rewrap_keys"),
                action="mailbox.keys_rewrap",
                obj=municipality,
                municipality=municipality.pk,
                details={"rewrapped": count},
            )
            self.stdout.write(f"{municipality.slug}: {count} data key(s) re-wrapped")
