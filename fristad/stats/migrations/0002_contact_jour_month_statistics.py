"""PostgreSQL: extended statistics on (jour, month of the date) of the contact records.

The statistics group a year's records by jour and ``EXTRACT(MONTH FROM date)``. Without these
statistics the planner guesses ~60,000 groups where there are ~1,000 (jourer x 12), sorts on
disk and compiles the query with JIT: 1.4 s for 500,000 records instead of 0.35 s
(bench/stats_report.py). Nothing to do on SQLite.
"""

from django.db import migrations

CREATE = (
    'CREATE STATISTICS IF NOT EXISTS contact_record_jour_month (ndistinct) '
    'ON "jour_id", (EXTRACT(MONTH FROM "date")) FROM "stats_contactrecord"'
)
DROP = "DROP STATISTICS IF EXISTS contact_record_jour_month"


def create(apps, schema_editor):
    # Statistics on expressions need PostgreSQL 14 or later.
    connection = schema_editor.connection
    if connection.vendor == "postgresql" and connection.pg_version >= 140000:
        schema_editor.execute(CREATE)
        schema_editor.execute('ANALYZE "stats_contactrecord"')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
