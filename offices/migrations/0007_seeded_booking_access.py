"""
The seeded offices' booking access, as their documents describe it (offices/seed_data.py),
for databases seeded before invitations existed. Only a service still as the old seed left it
(open online, no invitations) is changed, so a manager's own choice in the admin is kept.
"""

from django.db import migrations

# (office, service): (open online booking, online by invitation)
ACCESS = {
    ("kawagoe", "counseling"): (True, True),
    ("sasebo", "weekday"): (False, True),
    ("sasebo", "evening-saturday"): (True, False),
    ("toyooka", "counseling"): (False, True),
    ("matsudo", "counseling"): (False, True),
    ("yamaguchi", "online-support"): (False, True),
}


def forwards(apps, schema_editor):
    Service = apps.get_model("offices", "Service")
    for (office, slug), (web, invitations) in ACCESS.items():
        Service.objects.filter(
            office__slug=office, slug=slug, accepts_web=True, accepts_invitations=False
        ).update(accepts_web=web, accepts_invitations=invitations)


def backwards(apps, schema_editor):
    Service = apps.get_model("offices", "Service")
    for (office, slug), (web, invitations) in ACCESS.items():
        Service.objects.filter(
            office__slug=office, slug=slug, accepts_web=web, accepts_invitations=invitations
        ).update(accepts_web=True, accepts_invitations=False)


class Migration(migrations.Migration):
    dependencies = [("offices", "0006_service_accepts_invitations")]

    operations = [migrations.RunPython(forwards, backwards)]
