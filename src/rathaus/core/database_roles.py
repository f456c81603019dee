"""Database rights of the application role on PostgreSQL (`manage.py db_roles`).

Two roles: the *owner* runs the migrations and owns every table; the *application role*, which
the web server and the workers connect with, may read and write the ordinary tables but may only
INSERT and SELECT in the audit trail. Triggers make the audit trail append-only
(core migrations 0002, 0004), and only a table's owner (or a superuser) may disable them or
drop the table, so the application role must be neither owner nor superuser nor a member of the
owner role: then no bug or SQL injection in the application can rewrite the audit trail.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import dj_database_url
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from rathaus.core.errors import DomainError
from rathaus.core.models import AuditEvent

AUDIT_TABLE = AuditEvent._meta.db_table


class DatabaseRoleError(DomainError):
    """The roles cannot be set up as asked (wrong database, unknown or too powerful role)."""


@dataclass(frozen=True)
class RoleGrants:
    """The statements that give `app_role` its rights on the tables `owner_role` creates."""

    app_role: str
    owner_role: str
    schema: str
    statements: tuple[str, ...]


@contextmanager
def owner_connection(alias: str = DEFAULT_DB_ALIAS) -> Iterator[BaseDatabaseWrapper]:
    """The connection `alias`, logged in as the table owner of RATHAUS_MIGRATION_DATABASE_URL
    while the block runs (as itself when that is empty).

    Only user and password are taken from that URL, and it must name the database `alias` is
    configured for: a test run, which renames the database, never reaches another one."""
    url = settings.RATHAUS_MIGRATION_DATABASE_URL
    connection = connections[alias]
    if not url or alias != DEFAULT_DB_ALIAS:
        yield connection
        return
    owner = dj_database_url.parse(url)
    current = connection.settings_dict
    if any(owner[key] != current[key] for key in ("ENGINE", "NAME", "HOST", "PORT")):
        raise ImproperlyConfigured(
            "RATHAUS_MIGRATION_DATABASE_URL must name the same database as DATABASE_URL "
            "(engine, host, port and name); only user and password differ."
        )
    app_login = current["USER"], current["PASSWORD"]
    connection.close()
    current["USER"], current["PASSWORD"] = owner["USER"], owner["PASSWORD"]
    try:
        yield connection
    finally:
        connection.close()
        current["USER"], current["PASSWORD"] = app_login


def _quote(connection: BaseDatabaseWrapper, name: str) -> str:
    return str(connection.ops.quote_name(name))


def app_role_grants(*, connection: BaseDatabaseWrapper, app_role: str) -> RoleGrants:
    """The GRANT/REVOKE statements for `app_role` in the schema of the audit table.

    Idempotent: everything is revoked first, so a role that once had more loses it. Default
    privileges cover tables and sequences the owner creates in later migrations; the audit
    table's UPDATE and DELETE are taken away explicitly (run again after every migration)."""
    if connection.vendor != "postgresql":
        raise DatabaseRoleError("Database roles are set up on PostgreSQL only.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname, tableowner FROM pg_tables WHERE tablename = %s "
            "AND schemaname = ANY (current_schemas(false))",
            [AUDIT_TABLE],
        )
        row = cursor.fetchone()
        if row is None:
            raise DatabaseRoleError(
                f"Table {AUDIT_TABLE} not found: run `manage.py migrate` first."
            )
        schema, owner = row
        cursor.execute(
            "SELECT rolsuper, pg_has_role(oid, %s, 'MEMBER') FROM pg_roles WHERE rolname = %s",
            [owner, app_role],
        )
        role = cursor.fetchone()
    if role is None:
        raise DatabaseRoleError(
            f"Role {app_role} does not exist: create it first (CREATE ROLE {app_role} LOGIN …)."
        )
    is_superuser, is_owner_member = role
    if is_superuser or app_role == owner or is_owner_member:
        raise DatabaseRoleError(
            f"Role {app_role} is a superuser, the table owner {owner} or a member of it: it "
            "could disable the audit triggers. Use a role of its own for the application."
        )
    app, own, sch = (
        _quote(connection, app_role),
        _quote(connection, owner),
        _quote(connection, schema),
    )
    audit = f"{sch}.{_quote(connection, AUDIT_TABLE)}"
    statements = (
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {sch} FROM {app}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {sch} FROM {app}",
        f"GRANT USAGE ON SCHEMA {sch} TO {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {sch} TO {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {sch} TO {app}",
        f"REVOKE UPDATE, DELETE ON {audit} FROM {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {own} IN SCHEMA {sch} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {own} IN SCHEMA {sch} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {app}",
    )
    return RoleGrants(app_role=app_role, owner_role=owner, schema=schema, statements=statements)


def app_role_grant(*, connection: BaseDatabaseWrapper, app_role: str) -> RoleGrants:
    """Apply `app_role_grants` in one transaction; the connection must be the owner's (or a
    superuser's)."""
    grants = app_role_grants(connection=connection, app_role=app_role)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in grants.statements:
            cursor.execute(statement)
    return grants
