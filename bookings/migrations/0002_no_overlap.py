"""
No double booking, enforced by PostgreSQL: active bookings of one counselor never
overlap. The constraint lives in this migration rather than in Meta.constraints because
SQLite (the embedded default) has no exclusion constraints; there, `booking_create`'s
transaction (BEGIN IMMEDIATE) serializes bookings instead.
"""

from django.db import migrations

ACTIVE = "('pending_verification', 'requested', 'confirmed', 'in_progress')"

FORWARD = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_booking ADD CONSTRAINT booking_counselor_no_overlap
    EXCLUDE USING gist (counselor_id WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE (status IN {ACTIVE});
"""

BACKWARD = "ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS booking_counselor_no_overlap;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
