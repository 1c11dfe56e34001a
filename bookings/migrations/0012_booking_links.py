"""
Secret links become rows of their own (BookingLink), random and revocable one by one.

The links already sent keep working: each booking's stored manage hash, and its email
check hash while it has one, become its first links (their tokens were derived, but only
the hash is needed to open them). New links are random. Backwards, a booking gets back
the hash of its oldest open link of each kind.
"""

import django.db.models.deletion
from django.db import migrations, models

import common.fields


def links_from_hashes(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    BookingLink = apps.get_model("bookings", "BookingLink")
    rows = Booking.objects.values_list("pk", "manage_token_hash", "verification_token_hash")
    batch = []
    for pk, manage, verify in rows.iterator(chunk_size=2000):
        batch.append(BookingLink(booking_id=pk, purpose="manage", token_hash=manage))
        if verify:
            batch.append(BookingLink(booking_id=pk, purpose="verify", token_hash=verify))
        if len(batch) >= 2000:
            BookingLink.objects.bulk_create(batch)
            batch = []
    BookingLink.objects.bulk_create(batch)


def hashes_from_links(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    BookingLink = apps.get_model("bookings", "BookingLink")
    for booking in Booking.objects.iterator(chunk_size=2000):
        links = BookingLink.objects.filter(booking=booking, ended_at__isnull=True).order_by("pk")
        manage = links.filter(purpose="manage").first()
        verify = links.filter(purpose="verify").first()
        booking.manage_token_hash = manage.token_hash if manage else f"ended-{booking.pk}"
        booking.verification_token_hash = verify.token_hash if verify else ""
        booking.save(update_fields=["manage_token_hash", "verification_token_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0011_event_reasons"),
    ]

    operations = [
        migrations.CreateModel(
            name="BookingLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "purpose",
                    models.CharField(
                        choices=[("manage", "Booking page"), ("verify", "Email check")],
                        max_length=10,
                        verbose_name="purpose",
                    ),
                ),
                ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                (
                    "created_at",
                    common.fields.ClockDateTimeField(auto_now_add=True, verbose_name="created at"),
                ),
                ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="ended at")),
                (
                    "booking",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="links",
                        to="bookings.booking",
                        verbose_name="booking",
                    ),
                ),
            ],
            options={
                "verbose_name": "secret link",
                "verbose_name_plural": "secret links",
                "indexes": [
                    models.Index(fields=["booking", "purpose"], name="bookinglink_booking")
                ],
            },
        ),
        # Not unique while the hashes move (so that going back can re-add the field).
        migrations.AlterField(
            model_name="booking",
            name="manage_token_hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.RunPython(links_from_hashes, hashes_from_links),
        migrations.RemoveIndex(
            model_name="booking",
            name="booking_verification",
        ),
        migrations.RemoveField(
            model_name="booking",
            name="manage_token_hash",
        ),
        migrations.RemoveField(
            model_name="booking",
            name="verification_token_hash",
        ),
    ]
