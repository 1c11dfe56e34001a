"""
Accommodation (合理的配慮) and the plain-language summary as office data; the seeded
Yamaguchi center (offices/seed_data.py) offers them in databases seeded before, unless a
manager has set its means already.
"""

import django.core.validators
from django.db import migrations, models

YAMAGUCHI_MEANS = ["captions", "sign_language", "written", "more_time", "supporter", "other"]


def forwards(apps, schema_editor):
    Office = apps.get_model("offices", "Office")
    for office in Office.objects.filter(slug="yamaguchi", kind="vocational_center"):
        if office.accommodation_means:
            continue
        office.accommodation_means = YAMAGUCHI_MEANS
        office.plain_summary = True
        office.ruby = True
        office.save(update_fields=["accommodation_means", "plain_summary", "ruby"])


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0013_content_translations"),
    ]

    operations = [
        migrations.AddField(
            model_name="office",
            name="accommodation_extra_minutes",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="With “More time” offered and ticked, the booking holds the session's length plus these minutes (the counselor is booked for them too). 0 = more time is a request the counselor allows for within the session's length.",
                validators=[django.core.validators.MaxValueValidator(60)],
                verbose_name="more time: minutes added",
            ),
        ),
        migrations.AddField(
            model_name="office",
            name="accommodation_means",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="What the office can arrange so that a person can take part. The person ticks what they need when booking (online, by invitation or on the phone) and may change it on their booking page; counselors see it in the day's schedule, on the booking and in their emails. None ticked: the booking pages ask nothing.",
                verbose_name="accommodation offered",
            ),
        ),
        migrations.AddField(
            model_name="office",
            name="plain_summary",
            field=models.BooleanField(
                default=False,
                help_text="The office's page, the last booking step and the person's emails show a short summary of the rules in plain words (in Japanese: やさしい日本語 with readings over the kanji).",
                verbose_name="plain-language summary",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
