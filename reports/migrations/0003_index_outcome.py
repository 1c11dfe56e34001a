"""
The figures group bookings by `outcome` (bookings/0018) instead of joining the cancelled
ones to their cancelling event: the covering index of 0002 carries it too, so a period is
still read from the index alone. Rebuilt CONCURRENTLY on PostgreSQL (a new index under a
new name, then the old one dropped), so bookings are never blocked.
"""

from django.db import migrations

NEW, OLD = "reports_booking_office_start_outcome", "reports_booking_office_start"
PG_COLUMNS = (
    '(office_id, start) INCLUDE (id, status, outcome, channel, service_id, counselor_id, "end", '
    "created_at)"
)
SQLITE_COLUMNS = (
    '(office_id, start, status, outcome, channel, service_id, counselor_id, "end", created_at)'
)


def _swap(schema_editor, create: str, drop: str, columns: str | None) -> None:
    postgres = schema_editor.connection.vendor == "postgresql"
    concurrently = "CONCURRENTLY " if postgres else ""
    if columns is not None:
        columns = PG_COLUMNS if postgres else SQLITE_COLUMNS
        schema_editor.execute(
            f"CREATE INDEX {concurrently}IF NOT EXISTS {create} ON bookings_booking {columns}"
        )
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {drop}")


def forwards(apps, schema_editor):
    _swap(schema_editor, NEW, OLD, columns="")


def backwards(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    concurrently = "CONCURRENTLY " if postgres else ""
    columns = (
        '(office_id, start) INCLUDE (id, status, channel, service_id, counselor_id, "end", '
        "created_at)"
        if postgres
        else '(office_id, start, status, channel, service_id, counselor_id, "end", created_at)'
    )
    schema_editor.execute(
        f"CREATE INDEX {concurrently}IF NOT EXISTS {OLD} ON bookings_booking {columns}"
    )
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {NEW}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0002_indexes"),
        ("bookings", "0018_booking_outcome"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
