"""PostgreSQL's catalogue search index also stores the Snowball stems of each field.

Relevance is computed in Python from the stems the index stores (rathaus.catalog.search.ranking),
so both backends rank alike. The SQLite FTS5 table stores them already; the PostgreSQL table
gets one text column per field next to its tsvector.

The index is derived data: existing PostgreSQL rows are dropped, because their stems cannot be
recovered from the tsvector reliably. Run `manage.py rebuild_search_index` after migrating
(the demo loader rebuilds the index itself).
"""

from django.db import migrations

FIELDS = ("name", "synonyms", "summary", "description")

POSTGRESQL_FORWARD = [
    "DELETE FROM catalog_service_search",
    "ALTER TABLE catalog_service_search "
    + ", ".join(f"ADD COLUMN {field} text NOT NULL DEFAULT ''" for field in FIELDS),
]

POSTGRESQL_BACKWARD = [
    "ALTER TABLE catalog_service_search " + ", ".join(f"DROP COLUMN {field}" for field in FIELDS),
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRESQL_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRESQL_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_service_search_index")]

    operations = [migrations.RunPython(forward, backward)]
