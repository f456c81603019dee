"""The database cache table (the one-box default cache, see CACHES in conf/base.py).

Rate limits and used TOTP codes are kept in the cache, which must be shared by all processes;
`migrate` creates its table so that no installation step can be forgotten. With Redis
(`RATHAUS_CACHE_URL`) the command does nothing.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_mailbox_consent_text")]

    # The table outlives a rollback on purpose: dropping it would only lose cached counters.
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
