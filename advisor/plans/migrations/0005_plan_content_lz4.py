"""A plan's content compressed with lz4 rather than pglz, on PostgreSQL 14 and later
built with lz4: every plan writes its content once, about 18 KB of JSON, and pglz took
the server twice as long to store it (bench/README.md, "lz4 for the plan's content").
Values already stored stay as they are until rewritten; both are read alike. A server
without lz4 keeps pglz: the migration changes nothing there."""

from django.db import DatabaseError, migrations, transaction


def _compress_with(method: str):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql" or connection.pg_version < 140000:
            return
        table = schema_editor.quote_name(apps.get_model("plans", "Plan")._meta.db_table)
        try:
            with transaction.atomic(using=connection.alias):
                schema_editor.execute(
                    f"ALTER TABLE {table} ALTER COLUMN content SET COMPRESSION {method}"
                )
        except DatabaseError:  # built without lz4: "compression method lz4 not supported"
            pass

    return run


class Migration(migrations.Migration):
    dependencies = [("plans", "0004_milestone_progress")]

    operations = [migrations.RunPython(_compress_with("lz4"), _compress_with("pglz"))]
