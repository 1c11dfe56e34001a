from django.db import migrations

import common.fields


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    # The columns are unchanged: only the field class (its default comes from the one
    # clock). State only, so SQLite does not rebuild the tables (and drop their triggers).
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="notification",
                    name="created_at",
                    field=common.fields.ClockDateTimeField(
                        auto_now_add=True, verbose_name="created at"
                    ),
                ),
            ],
        ),
    ]
