"""The full-text index of the records (rathaus.records.search), one structure per vendor.

Both hold, per document, the Snowball stems (computed in Python, rathaus.catalog.search.
analysis) of its metadata and of its metadata plus text, each stem once, with the office
(need to know) and the date the hits are ordered by. SQLite: an FTS5 table. PostgreSQL:
tsvectors of the same stems (configuration `simple`, so nothing is stemmed twice) with GIN
indexes and a B-tree on the order, so a frequent word reads the newest documents first
instead of sorting every hit. No foreign key (Django's test flush truncates without
CASCADE); a trigger drops a deleted document's row.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE records_document_search USING fts5(
        document_id UNINDEXED,
        office_id UNINDEXED,
        sort_date UNINDEXED,
        meta,
        body,
        tokenize = 'ascii'
    )
    """,
    """
    CREATE TRIGGER records_document_search_delete AFTER DELETE ON records_document
    BEGIN
        DELETE FROM records_document_search WHERE document_id = OLD.id;
    END
    """,
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS records_document_search_delete",
    "DROP TABLE IF EXISTS records_document_search",
]

POSTGRESQL_FORWARD = [
    """
    CREATE TABLE records_document_search (
        document_id uuid PRIMARY KEY,
        office_id uuid NOT NULL,
        sort_date date NOT NULL,
        meta tsvector NOT NULL,
        everything tsvector NOT NULL
    )
    """,
    "CREATE INDEX records_document_search_meta ON records_document_search USING gin (meta)",
    "CREATE INDEX records_document_search_everything ON records_document_search"
    " USING gin (everything)",
    "CREATE INDEX records_document_search_order ON records_document_search"
    " (sort_date DESC, document_id DESC)",
    "CREATE INDEX records_document_search_office ON records_document_search (office_id)",
    # Finer statistics of the stems: the search chooses between walking the date order and
    # the GIN index by the planner's estimate of the hits (records.search.backends).
    "ALTER TABLE records_document_search ALTER COLUMN everything SET STATISTICS 1000",
    "ALTER TABLE records_document_search ALTER COLUMN meta SET STATISTICS 1000",
    """
    CREATE FUNCTION records_document_search_delete() RETURNS trigger AS $$
    BEGIN
        DELETE FROM records_document_search WHERE document_id = OLD.id;
        RETURN OLD;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER records_document_search_delete AFTER DELETE ON records_document
        FOR EACH ROW EXECUTE FUNCTION records_document_search_delete()
    """,
]

POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS records_document_search_delete ON records_document",
    "DROP FUNCTION IF EXISTS records_document_search_delete()",
    "DROP TABLE IF EXISTS records_document_search",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
}


def _run(schema_editor, direction):
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:  # other vendors: the search says clearly that it is not available
        return
    for sql in statements[direction]:
        schema_editor.execute(sql)


def forward(apps, schema_editor):
    _run(schema_editor, 0)


def backward(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("records", "0004_document_source")]

    operations = [migrations.RunPython(forward, backward)]
