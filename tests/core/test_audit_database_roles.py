"""The audit trail against the database itself: TRUNCATE is refused by a trigger, and the
application's role (`manage.py db_roles`) may only INSERT and SELECT there."""

import uuid
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.audit_actions import register_actions
from rathaus.core.database_roles import owner_connection
from rathaus.core.management.commands import migrate
from rathaus.core.models import AuditEvent

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="TRUNCATE, roles and GRANTs exist on PostgreSQL only (CI runs the suite there too)",
)

register_actions(
    "tests",
    {
        "test.action": "An action of the audit tests.",
        "test.before": "An audit-test event before a role switch.",
        "test.as_app_role": "An audit-test event written by the application role.",
    },
)


def _refused(sql: str, match: str) -> None:
    """`sql` fails with `match`; the savepoint keeps the test's transaction usable."""
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)


@pytest.fixture
def app_role():
    """A fresh role with the grants of `manage.py db_roles`. Roles and grants are
    transactional in PostgreSQL: the test's rollback removes them again."""
    name = f"rathaus_test_app_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} NOLOGIN")
    call_command("db_roles", app_role=name, stdout=StringIO(), stderr=StringIO())
    return name


@on_postgresql
@pytest.mark.django_db
def test_truncate_is_refused_even_for_the_owner():
    with transaction.atomic():
        audit_record(actor=Actor.system("test"), action="test.action")
    _refused("TRUNCATE core_auditevent", "append-only")
    _refused("TRUNCATE core_auditevent CASCADE", "append-only")
    assert AuditEvent.objects.filter(action="test.action").exists()


def _truncate_trigger_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'core_auditevent_no_truncate'")
        return cursor.fetchone() is not None


@on_postgresql
@pytest.mark.django_db
def test_truncate_trigger_migration_is_reversible():
    assert _truncate_trigger_exists()
    MigrationExecutor(connection).migrate([("core", "0003_outboxmessage")])
    assert not _truncate_trigger_exists()
    MigrationExecutor(connection).migrate([("core", "0004_audit_no_truncate_trigger")])
    assert _truncate_trigger_exists()


@on_postgresql
@pytest.mark.django_db
def test_app_role_may_only_insert_and_select_in_the_audit_trail(app_role):
    with transaction.atomic():
        existing = audit_record(actor=Actor.system("test"), action="test.before")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
        # INSERT … RETURNING
        event = audit_record(actor=Actor.system("test"), action="test.as_app_role")
        assert AuditEvent.objects.filter(pk__in=[existing.pk, event.pk]).count() == 2
        for sql, match in (
            (f"UPDATE core_auditevent SET action = 'x' WHERE id = {event.pk}", "permission"),
            (f"DELETE FROM core_auditevent WHERE id = {event.pk}", "permission"),
            ("TRUNCATE core_auditevent", "permission"),
            ("ALTER TABLE core_auditevent DISABLE TRIGGER ALL", "owner"),
            ("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_delete", "owner"),
            ("DROP TABLE core_auditevent", "owner"),
            ("SET session_replication_role = replica", "permission"),
        ):
            _refused(sql, match)
        # Ordinary tables stay writable: the application works with this role.
        cursor.execute("UPDATE django_session SET expire_date = expire_date")
        cursor.execute("SELECT count(*) FROM django_migrations")
    assert AuditEvent.objects.get(pk=event.pk).action == "test.as_app_role"


@on_postgresql
@pytest.mark.django_db
def test_tables_of_later_migrations_are_covered_by_default_privileges(app_role):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE rathaus_test_later (id serial PRIMARY KEY, note text)")
        cursor.execute(f"SET LOCAL ROLE {app_role}")
        cursor.execute("INSERT INTO rathaus_test_later (note) VALUES ('x')")
        cursor.execute("UPDATE rathaus_test_later SET note = 'y'")
        cursor.execute("DELETE FROM rathaus_test_later")
        cursor.execute("RESET ROLE")


@on_postgresql
@pytest.mark.django_db
def test_db_roles_refuses_roles_that_could_disable_the_triggers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (superuser,) = cursor.fetchone()
    with pytest.raises(CommandError, match="superuser"):
        call_command("db_roles", app_role=superuser, stdout=StringIO())
    with pytest.raises(CommandError, match="does not exist"):
        call_command("db_roles", app_role="rathaus_no_such_role", stdout=StringIO())


@on_postgresql
@pytest.mark.django_db
def test_db_roles_print_changes_nothing(app_role):
    out = StringIO()
    other = f"rathaus_test_print_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {other} NOLOGIN")
    call_command("db_roles", app_role=other, print=True, stdout=out)
    assert (
        "REVOKE UPDATE, DELETE ON" in out.getvalue()
        and "ALTER DEFAULT PRIVILEGES" in out.getvalue()
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_table_privilege(%s, 'core_auditevent', 'INSERT')", [other])
        assert cursor.fetchone() == (False,)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite answer")
@pytest.mark.django_db
def test_db_roles_on_sqlite_says_postgresql_only():
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("db_roles", app_role="rathaus_app", stdout=StringIO())


def test_owner_connection_swaps_only_user_and_password(settings):
    current = connection.settings_dict
    before = dict(current)
    if connection.vendor == "postgresql":
        url = f"postgres://owner:secret@{current['HOST']}:{current['PORT']}/{current['NAME']}"
    else:
        url = f"sqlite:///{current['NAME']}"
    settings.RATHAUS_MIGRATION_DATABASE_URL = url
    with owner_connection() as owner:
        assert owner is connections["default"]
        if connection.vendor == "postgresql":
            assert (current["USER"], current["PASSWORD"]) == ("owner", "secret")
        assert current["NAME"] == before["NAME"]
    assert current == before


def test_owner_connection_refuses_another_database(settings):
    settings.RATHAUS_MIGRATION_DATABASE_URL = "postgres://owner:secret@db.invalid:5432/elsewhere"
    with pytest.raises(ImproperlyConfigured, match="same database"), owner_connection():
        pass


@pytest.mark.django_db
def test_migrate_runs_as_the_owner(monkeypatch):
    """`manage.py migrate` is rathaus' command, and it logs in as the owner for the whole run."""
    entered = []

    @contextmanager
    def recording(alias):
        entered.append(alias)
        yield connections[alias]

    monkeypatch.setattr(migrate, "owner_connection", recording)
    call_command("migrate", check_unapplied=True, verbosity=0)
    assert entered == ["default"]


@on_postgresql
@pytest.mark.django_db
def test_actor_and_municipality_columns_migrate_over_existing_events():
    """0005 adds the level of assurance and municipality to a table whose triggers refuse
    every UPDATE: adding the columns must not rewrite rows, and the triggers keep working."""
    MigrationExecutor(connection).migrate([("core", "0004_audit_no_truncate_trigger")])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (occurred_at, actor_type, actor_id, actor_label, action,"
            " user_agent, object_type, object_id, object_repr, details)"
            " VALUES (now(), 'system', '', 'system', 'outbox.retry', '', '', '', '', '{}')"
            " RETURNING id"
        )
        (old_id,) = cursor.fetchone()
    MigrationExecutor(connection).migrate([("core", "0005_audit_actor_municipality_loa")])
    old = AuditEvent.objects.get(pk=old_id)
    assert (old.level_of_assurance, old.municipality_id) == ("", None)
    _refused(
        f"UPDATE core_auditevent SET level_of_assurance = 'high' WHERE id = {old_id}", "append-only"
    )
    _refused(f"DELETE FROM core_auditevent WHERE id = {old_id}", "append-only")
