"""The catalogue search index (rathaus.catalog.search), one structure per database vendor.

SQLite: an FTS5 table of Snowball stems per field. PostgreSQL: a table of weighted tsvectors
with a GIN index. Both are written by `search_index_update` (not by triggers); a trigger only
drops a deleted service's documents. The name sort key is compared byte-wise (COLLATE "C"
on PostgreSQL, SQLite's default) so ties are broken alike. There is deliberately no foreign
key: Django's test flush truncates catalog_service without CASCADE.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE catalog_service_search USING fts5(
        service_id UNINDEXED,
        language UNINDEXED,
        sort_key UNINDEXED,
        name,
        synonyms,
        summary,
        description,
        tokenize = 'ascii'
    )
    """,
    """
    CREATE TRIGGER catalog_service_search_delete AFTER DELETE ON catalog_service
    BEGIN
        DELETE FROM catalog_service_search WHERE service_id = OLD.id;
    END
    """,
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_service_search_delete",
    "DROP TABLE IF EXISTS catalog_service_search",
]

POSTGRESQL_FORWARD = [
    """
    CREATE TABLE catalog_service_search (
        service_id uuid NOT NULL,
        language varchar(8) NOT NULL,
        sort_key text COLLATE "C" NOT NULL,
        document tsvector NOT NULL,
        PRIMARY KEY (service_id, language)
    )
    """,
    "CREATE INDEX catalog_service_search_document ON catalog_service_search USING gin (document)",
    """
    CREATE FUNCTION catalog_service_search_delete() RETURNS trigger AS $$
    BEGIN
        DELETE FROM catalog_service_search WHERE service_id = OLD.id;
        RETURN OLD;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER catalog_service_search_delete AFTER DELETE ON catalog_service
        FOR EACH ROW EXECUTE FUNCTION catalog_service_search_delete()
    """,
]

POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_service_search_delete ON catalog_service",
    "DROP FUNCTION IF EXISTS catalog_service_search_delete()",
    "DROP TABLE IF EXISTS catalog_service_search",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
}


def _run(schema_editor, direction):
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:  # other vendors have no search backend (search raises a clear error)
        return
    for sql in statements[direction]:
        schema_editor.execute(sql)


def forward(apps, schema_editor):
    _run(schema_editor, 0)


def backward(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
