"""The database cache's table (settings.CACHE_TABLE), so `migrate` is the only step a
deployment without Redis needs: allauth's rate limits count there across workers."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "mentorship_cache"


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    if TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0002_alter_organization_slug")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
