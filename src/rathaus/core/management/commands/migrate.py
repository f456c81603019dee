"""`manage.py migrate` logs in as the table owner (RATHAUS_MIGRATION_DATABASE_URL) when one is
configured: the application's own role owns nothing, so it cannot disable the audit trail's
triggers (rathaus.core.database_roles, docs/operations.md "Database roles")."""

from typing import Any

from django.core.management.commands import migrate

from rathaus.core.database_roles import owner_connection


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        # The whole run, data migrations included, uses the one owner connection.
        with owner_connection(options["database"]):
            super().handle(*args, **options)
