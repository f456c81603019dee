"""A per-service search boost (rathaus.catalog.search.ranking).

SQLite adds a column by rebuilding the table, which drops the triggers on it: the trigger that
removes a deleted service's search documents (0002) is created again afterwards. Any later
migration that rebuilds catalog_service on SQLite must do the same.
"""

import django.core.validators
from django.db import migrations, models

SQLITE_DELETE_TRIGGER = """
    CREATE TRIGGER IF NOT EXISTS catalog_service_search_delete AFTER DELETE ON catalog_service
    BEGIN
        DELETE FROM catalog_service_search WHERE service_id = OLD.id;
    END
"""


def _restore_sqlite_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DELETE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_service_search_stems"),
    ]

    operations = [
        # Undone after RemoveField has rebuilt the table.
        migrations.RunPython(migrations.RunPython.noop, _restore_sqlite_trigger),
        migrations.AddField(
            model_name="service",
            name="search_boost",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text=(
                    "0–10. Ranks this service higher among hits that match a search equally "
                    "well, e.g. “register a dog” above “deregister a dog”. Each step adds a tenth "
                    "to its relevance; it never lifts a worse match above a better one."
                ),
                validators=[django.core.validators.MaxValueValidator(10)],
                verbose_name="search boost",
            ),
        ),
        migrations.RunPython(_restore_sqlite_trigger, migrations.RunPython.noop),
    ]
