"""The inbox's reference search with the municipality in front of the trigrams (issue 9 §5).

The trigram index of migration 0003 lists the matches of every municipality: a short number
part ("0012") matched 1,338 cases of the installation, of which the clerk's municipality had
234; PostgreSQL then either intersected them with the 200,000 cases of that municipality
(a bitmap of each, ~18 ms) or, misled by its estimate, walked the municipality's cases newest
first and rechecked each reference (0.27 s). A GIN index over (municipality, trigrams of the
reference) finds the 234 directly (~1 ms). GIN cannot index a uuid by itself: the extension
btree_gin (PostgreSQL contrib, "trusted" since PostgreSQL 13) supplies the operator class.

A multicolumn GIN index also serves a condition on its second column alone (the superuser's
inbox searches all municipalities), so it replaces the index of 0003 rather than adding a
second one that every new case would have to update.

PostgreSQL only (SQLite searches its small embedded databases by scanning). Where btree_gin
cannot be created, the migration says so and keeps the index of 0003: the search works, it
only reads every municipality's matches.
"""

from django.db import DatabaseError, migrations, transaction

INDEX = "cases_case_municipality_reference_trgm"
OLD_INDEX = "cases_case_reference_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:  # 0003 could not create it: nothing to build on
            return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):  # a savepoint
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    except DatabaseError as exc:
        print(
            f"\n  cases: extension btree_gin not available ({exc.__class__.__name__}: "
            f"{str(exc).strip()}); the reference search keeps the index {OLD_INDEX}."
        )
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_case "
        "USING gin (municipality_id, (UPPER(reference::text)) gin_trgm_ops)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON cases_case "
        "USING gin ((UPPER(reference::text)) gin_trgm_ops)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_reference_search_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
