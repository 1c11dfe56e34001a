from django.db import migrations

import common.fields


class Migration(migrations.Migration):
    dependencies = [
        ("terms", "0002_immutability_triggers"),
    ]

    # The columns are unchanged: only the field class (its default comes from the one
    # clock). State only, so SQLite does not rebuild the tables (and drop their triggers).
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="termsversion",
                    name="created_at",
                    field=common.fields.ClockDateTimeField(
                        auto_now_add=True, verbose_name="created at"
                    ),
                ),
                migrations.AlterField(
                    model_name="termsversion",
                    name="updated_at",
                    field=common.fields.ClockDateTimeField(
                        auto_now=True, verbose_name="updated at"
                    ),
                ),
            ],
        ),
    ]
