"""
Channels and deliveries keyed by their owner (a booking or a waitlist entry), not by a
booking only: `ContactChannel.booking_id` becomes `owner_id` beside `owner_kind`
("booking" for every existing row), and each message says whose channels it also goes
to. SMS numbers wait for their code (`codes_sent`, `tries`); a channel speaks its
person's language; a pointer's claim lapses (`claim_expires_at`).
"""

from django.db import migrations, models
from django.db.models import F


def owners_of_booking_messages(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.filter(booking_id__isnull=False).update(
        owner_kind="booking", owner_id=F("booking_id")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0006_channels_and_deliveries"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="contactchannel", name="contactchannel_one_per_kind"
        ),
        migrations.RenameField(
            model_name="contactchannel", old_name="booking_id", new_name="owner_id"
        ),
        migrations.AlterField(
            model_name="contactchannel",
            name="owner_id",
            field=models.PositiveBigIntegerField(db_index=True, verbose_name="id"),
        ),
        migrations.AddField(
            model_name="contactchannel",
            name="owner_kind",
            field=models.CharField(default="booking", max_length=20, verbose_name="for"),
        ),
        migrations.AddField(
            model_name="contactchannel",
            name="language",
            field=models.CharField(default="ja", max_length=16, verbose_name="language"),
        ),
        migrations.AddField(
            model_name="contactchannel",
            name="codes_sent",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="contactchannel",
            name="tries",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="contactchannel",
            name="status",
            field=models.CharField(
                choices=[
                    ("linking", "Being linked or confirmed"),
                    ("active", "In use"),
                    ("removed", "Removed"),
                ],
                default="linking",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AlterModelOptions(
            name="contactchannel",
            options={
                "ordering": ["owner_kind", "owner_id", "kind"],
                "verbose_name": "contact channel",
                "verbose_name_plural": "contact channels (LINE, SMS)",
            },
        ),
        migrations.AddIndex(
            model_name="contactchannel",
            index=models.Index(fields=["owner_kind", "owner_id"], name="contactchannel_owner"),
        ),
        migrations.AddConstraint(
            model_name="contactchannel",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "removed"), _negated=True),
                fields=("owner_kind", "owner_id", "kind"),
                name="contactchannel_one_per_kind",
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="owner_kind",
            field=models.CharField(blank=True, max_length=20, verbose_name="for"),
        ),
        migrations.AddField(
            model_name="notification",
            name="owner_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(owners_of_booking_messages, migrations.RunPython.noop),
        migrations.AddField(
            model_name="delivery",
            name="claim_expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
