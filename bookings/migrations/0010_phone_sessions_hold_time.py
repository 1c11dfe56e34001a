"""
A session switched to phone still takes its counselor's time: the no-overlap constraint
now covers `switched_to_phone` too (`bookings.state.TIME_HOLDING_STATUSES`). Staff events
record who acted as one of `Actor`'s values and why as a `Reason` code.
"""

from django.db import migrations, models

HOLDING = "('pending_verification', 'requested', 'confirmed', 'in_progress', 'switched_to_phone')"
ACTIVE = "('pending_verification', 'requested', 'confirmed', 'in_progress')"


def _constraint(statuses: str) -> str:
    return f"""
ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS booking_counselor_no_overlap;
ALTER TABLE bookings_booking ADD CONSTRAINT booking_counselor_no_overlap
    EXCLUDE USING gist (counselor_id WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE (status IN {statuses});
"""


FORWARD = _constraint(HOLDING)
BACKWARD = _constraint(ACTIVE)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


# The free-text labels written before the enum, mapped onto its values.
LEGACY_ACTORS = {"Applicant": "applicant", "Staff": "staff", "System": "system"}


def actors_forward(apps, schema_editor):
    BookingEvent = apps.get_model("bookings", "BookingEvent")
    for old, new in LEGACY_ACTORS.items():
        BookingEvent.objects.filter(actor_label=old).update(actor_label=new)
    BookingEvent.objects.exclude(actor_label__in=["applicant", "staff", "system"]).filter(
        actor__isnull=False
    ).update(actor_label="staff")
    BookingEvent.objects.exclude(actor_label__in=["applicant", "staff", "system"]).update(
        actor_label="system"
    )


class Migration(migrations.Migration):
    dependencies = [("bookings", "0009_reschedule_and_device_check")]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
        migrations.AlterField(
            model_name="bookingevent",
            name="actor_label",
            field=models.CharField(
                choices=[("applicant", "Applicant"), ("staff", "Staff"), ("system", "System")],
                max_length=40,
                verbose_name="by",
            ),
        ),
        migrations.RunPython(actors_forward, migrations.RunPython.noop, elidable=False),
    ]
