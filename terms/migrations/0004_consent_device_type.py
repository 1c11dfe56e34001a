"""
A consent keeps a coarse device type ("iPhone / Safari") instead of the browser string.

Consents are immutable (a trigger refuses any UPDATE, see 0002), so the guard is lifted
for this one conversion and put back; on SQLite removing the column rebuilds the table,
which drops its triggers, so the guard is created again in any case.
"""

import importlib

from django.db import migrations, models

from common.privacy import device_type

guards = importlib.import_module("terms.migrations.0002_immutability_triggers")

POSTGRESQL_CONSENT_GUARD = guards.POSTGRESQL_FORWARD[
    guards.POSTGRESQL_FORWARD.index("CREATE FUNCTION terms_consent_guard") :
]
SQLITE_CONSENT_GUARD = guards.SQLITE_FORWARD[1]


def lift_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS terms_consent_guard ON terms_consent;")
        schema_editor.execute("DROP FUNCTION IF EXISTS terms_consent_guard();")
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS terms_consent_guard")


def restore_guard(apps, schema_editor):
    lift_guard(apps, schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CONSENT_GUARD)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_CONSENT_GUARD)


def browser_to_device_type(apps, schema_editor):
    Consent = apps.get_model("terms", "Consent")
    for consent in Consent.objects.exclude(user_agent="").only("pk", "user_agent").iterator():
        Consent.objects.filter(pk=consent.pk).update(
            device_type=device_type(consent.user_agent)[:40]
        )


class Migration(migrations.Migration):
    dependencies = [("terms", "0003_clock_fields")]

    operations = [
        migrations.RunPython(lift_guard, restore_guard),
        migrations.AddField(
            model_name="consent",
            name="device_type",
            field=models.CharField(
                blank=True,
                help_text="A coarse label such as “iPhone / Safari”, never the browser string.",
                max_length=40,
                verbose_name="device",
            ),
        ),
        migrations.RunPython(browser_to_device_type, migrations.RunPython.noop),
        migrations.RemoveField(model_name="consent", name="user_agent"),
        migrations.RunPython(restore_guard, lift_guard),
    ]
