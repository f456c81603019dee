"""The staff inbox searches the reference number with a part of it (`reference__icontains`,
on PostgreSQL `UPPER(reference::text) LIKE UPPER('%…%')`). A B-tree cannot serve a LIKE with
a leading wildcard; a trigram GIN index on the same expression can (extension pg_trgm, a
"trusted" extension since PostgreSQL 13: the database owner may create it).

PostgreSQL only; SQLite has no such index and searches its (small) embedded databases by
scanning. Where the extension cannot be created (a role without the right), the migration
says so and goes on: the search then works, only slower on large installations
(docs/operations.md).
"""

from django.db import DatabaseError, migrations, transaction

INDEX = "cases_case_reference_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):  # a savepoint
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:
        print(
            f"\n  cases: extension pg_trgm not available ({exc.__class__.__name__}: "
            f"{str(exc).strip()}); the inbox search by reference works without its index."
        )
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_case "
        "USING gin ((UPPER(reference::text)) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_list_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
