"""Refuse TRUNCATE of the audit trail in PostgreSQL itself (0002 refuses UPDATE and DELETE;
TRUNCATE fires no row triggers, so it needs a statement trigger of its own).

The trigger binds the table owner and superusers too; only they can disable it, which is why
the application connects with a role that neither owns the table nor may alter it
(`manage.py db_roles`, docs/operations.md). SQLite has no TRUNCATE.
"""

from django.db import migrations

FORWARD = """
CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();
"""

BACKWARD = "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_outboxmessage")]

    operations = [migrations.RunPython(forward, backward)]
