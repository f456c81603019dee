"""Re-encrypt the configuration secrets with the current key:
`manage.py configuration_secrets_rotate`.

Rotation of RATHAUS_CONFIG_ENCRYPTION_KEY: put the new key first (`new,old`) on every server,
run this command once, then remove the old key.
"""

from typing import Any

from django.core.management.base import BaseCommand

from rathaus.core.actors import Actor
from rathaus.municipalities.configuration_services import configuration_secrets_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored configuration secret (seal keys and passphrases, payment "
        "secrets, key-encryption keys) with the first key of RATHAUS_CONFIG_ENCRYPTION_KEY."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = configuration_secrets_rotate(actor=Actor.system("configuration_secrets_rotate"))
        self.stdout.write(
            f"Re-encrypted {count} secret(s) with the current key; "
            "the previous key can now be removed."
        )
