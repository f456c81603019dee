"""`manage.py keys_rewrap [--municipality SLUG] [--only NAME]`: after a key-encryption key was
rotated, wrap every data key of the municipality's encrypted personal data (Postfach
messages, process states, …: `municipalities.kek.data_key_rewrappers`) with its current
version; the content stays as it is, old versions can be retired once this has run. Audited
per municipality and kind of data."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.municipalities.kek import data_key_rewrappers
from rathaus.municipalities.models import Municipality


class Command(BaseCommand):
    help = "Re-wrap the data keys of encrypted personal data with each municipality's KEK."
    # The kinds of data this command re-wraps (None: every registered one).
    only: str | None = None

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", help="slug of one municipality (default: all)")
        if self.only is None:
            parser.add_argument(
                "--only", help="one kind of data: " + ", ".join(data_key_rewrappers)
            )

    def handle(self, *args: Any, **options: Any) -> None:
        names = [self.only or options.get("only") or name for name in data_key_rewrappers]
        names = list(dict.fromkeys(names))
        unknown = [name for name in names if name not in data_key_rewrappers]
        if unknown:
            raise CommandError(
                f"unknown kind {unknown[0]!r}; known: {', '.join(data_key_rewrappers)}"
            )
        municipalities = Municipality.objects.order_by("slug")
        if options["municipality"]:
            municipalities = municipalities.filter(slug=options["municipality"])
        for municipality in municipalities:
            for name in names:
                count = data_key_rewrappers.get(name)(municipality=municipality)
                audit_record(
                    actor=Actor.system("keys_rewrap"),
                    action=f"{name}.keys_rewrap",
                    obj=municipality,
                    municipality=municipality.pk,
                    details={"rewrapped": count},
                )
                label = "" if len(names) == 1 else f" ({name})"
                self.stdout.write(f"{municipality.slug}: {count} data key(s) re-wrapped{label}")
