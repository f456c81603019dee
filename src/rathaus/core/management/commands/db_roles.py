"""`manage.py db_roles --app-role NAME`: give the application's database role its rights
(PostgreSQL; docs/operations.md "Database roles")."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from rathaus.core.database_roles import (
    DatabaseRoleError,
    app_role_grant,
    app_role_grants,
    owner_connection,
)


class Command(BaseCommand):
    help = (
        "Grant the application role read/write rights on all tables but only INSERT and SELECT "
        "on the audit trail (PostgreSQL). Run as the table owner after every migrate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app-role", required=True, help="role the application connects as")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias")
        parser.add_argument(
            "--print", action="store_true", help="only print the statements, change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        apply = app_role_grants if options["print"] else app_role_grant
        try:
            # As the table owner (RATHAUS_MIGRATION_DATABASE_URL), like `migrate`.
            with owner_connection(options["database"]) as connection:
                grants = apply(connection=connection, app_role=options["app_role"])
        except DatabaseRoleError as exc:
            raise CommandError(exc.message) from exc
        for statement in grants.statements:
            self.stdout.write(statement + ";")
        if not options["print"]:
            self.stderr.write(
                self.style.SUCCESS(
                    f"Granted {grants.app_role} its rights on the tables of {grants.owner_role}."
                )
            )
