"""
Indexes for the dashboard's aggregate queries, on the bookings app's tables (reports owns
no table; these serve only its reads, so they live with it).

- Bookings by office and start, carrying every column the figures group by: PostgreSQL
  answers a month or a year of an office from the index alone (an index-only scan), never
  touching the wide rows with their contact details.
- Cancelling events only (partial), carrying who cancelled and from which status.
- Barred people and lifted bars (partial: a few rows among many).

On PostgreSQL they are built CONCURRENTLY, so adding them to a large live table never
blocks bookings (hence a non-atomic migration).
"""

from django.db import migrations

INDEXES = [
    # name, table, PostgreSQL columns, SQLite columns, condition
    (
        "reports_booking_office_start",
        "bookings_booking",
        '(office_id, start) INCLUDE (id, status, channel, service_id, counselor_id, "end", '
        "created_at)",
        '(office_id, start, status, channel, service_id, counselor_id, "end", created_at)',
        None,
    ),
    (
        "reports_event_cancelled",
        "bookings_bookingevent",
        "(booking_id) INCLUDE (actor_label, from_status)",
        "(booking_id, actor_label, from_status)",
        "to_status = 'cancelled'",
    ),
    (
        "reports_applicant_barred",
        "bookings_applicant",
        "(office_id, barred_at)",
        "(office_id, barred_at)",
        "barred_at IS NOT NULL",
    ),
    (
        "reports_applicant_lifted",
        "bookings_applicant",
        "(office_id, bar_lifted_at)",
        "(office_id, bar_lifted_at)",
        "bar_lifted_at IS NOT NULL",
    ),
]


def create_indexes(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for name, table, pg_columns, sqlite_columns, condition in INDEXES:
        columns = pg_columns if postgres else sqlite_columns
        concurrently = "CONCURRENTLY " if postgres else ""
        where = f" WHERE {condition}" if condition else ""
        schema_editor.execute(
            f"CREATE INDEX {concurrently}IF NOT EXISTS {name} ON {table} {columns}{where}"
        )


def drop_indexes(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for name, *_rest in INDEXES:
        schema_editor.execute(f"DROP INDEX {'CONCURRENTLY ' if postgres else ''}IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0001_initial"),
        ("bookings", "0007_clock_fields"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
