"""
Three more daily roll-ups, so that no figure of the dashboard reads the bookings over its
period (issue 28): bookings per office, day of the session, service and day they were made
(`DailyLead`: the lead times), and the minutes of bookings that keep a counselor's time per
office, day and counselor (`DailyBookedMinutes`) and per office, day and hour of the day
(`HourlyBookedMinutes`: the heat map). Kept in step with every booking by triggers on
`bookings_booking`, as the outcomes are (0004): after an insert, a delete, or an update that
changes its office, service, counselor, status, times, creation or group session, what the
old row added is taken off and what the new one adds put on, in the same transaction, key
by key in the keys' order. Filled from the bookings already there while they are locked
against writes (SHARE). `reports/rollups.py` holds the same counts for a rebuild and a
check; the statements here are frozen as this migration wrote them.
"""

from django.db import migrations, models

RELEASED = "('cancelled', 'expired')"
TABLES = {
    "reports_dailylead": (("office_id", "day", "service_id", "made"), "bookings"),
    "reports_dailybookedminutes": (("office_id", "day", "counselor_id"), "minutes"),
    "reports_hourlybookedminutes": (("office_id", "day", "hour"), "minutes"),
}
WATCHED = ("office_id", "service_id", "counselor_id", "status", "start", '"end"', "created_at",
           "group_session_id")  # fmt: skip


def _seconds(pg: bool, moment: str) -> str:
    if pg:
        return f"CAST(date_part('epoch', {moment}) AS bigint)"
    return f"CAST(strftime('%s', {moment}) AS INTEGER)"


def _contributions(pg: bool, row: str, sign: int) -> dict[str, tuple[str, str, str]]:
    """Per table, what one booking row adds: (columns by name, another source, condition)."""
    day = f"(({_seconds(pg, f'{row}.start')} + 32400) / 86400)"
    made = f"(({_seconds(pg, f'{row}.created_at')} + 32400) / 86400)"
    own_time = f"{row}.status NOT IN {RELEASED} AND {row}.group_session_id IS NULL"
    end = row + '."end"'
    minutes = f"(({_seconds(pg, end)} - {_seconds(pg, f'{row}.start')}) / 60)"
    seconds = f"({_seconds(pg, f'{row}.start')} + 32400)"
    starts = f"(({seconds} - ({seconds} / 86400) * 86400) / 60)"
    least, greatest = ("LEAST", "GREATEST") if pg else ("MIN", "MAX")
    ends = f"{least}({starts} + {minutes}, 1440)"
    if pg:
        hours = f"generate_series({starts} / 60, ({ends} - 1) / 60) AS hours(column1)"
    else:
        hours = "(VALUES " + ", ".join(f"({h})" for h in range(24)) + ") AS hours"
    hour = "hours.column1"
    return {
        "reports_dailylead": (
            f"{row}.office_id AS office_id, {day} AS day, {row}.service_id AS service_id, "
            f"{made} AS made, {sign} AS bookings",
            "",
            f"{row}.status <> 'expired'",
        ),
        "reports_dailybookedminutes": (
            f"{row}.office_id AS office_id, {day} AS day, {row}.counselor_id AS counselor_id, "
            f"{sign} * {minutes} AS minutes",
            "",
            own_time,
        ),
        "reports_hourlybookedminutes": (
            f"{row}.office_id AS office_id, {day} AS day, {hour} AS hour, "
            f"{sign} * ({least}({ends}, {hour} * 60 + 60) - {greatest}({starts}, {hour} * 60)) "
            "AS minutes",
            hours,
            f"{own_time} AND {hour} * 60 < {ends} AND {hour} * 60 + 60 > {starts}",
        ),
    }


def _select(part: tuple[str, str, str], *sources: str) -> str:
    columns, source, where = part
    sources = ", ".join(s for s in (*sources, source) if s)
    source = f" FROM {sources}" if sources else ""
    return f"SELECT {columns}{source} WHERE {where}"  # noqa: S608 - constants only


def _step(table: str, selects: list[str]) -> str:
    keys, value = TABLES[table]
    keys = ", ".join(keys)
    return (
        f"INSERT INTO {table} ({keys}, {value}) SELECT {keys}, SUM({value}) "  # noqa: S608
        f"FROM ({' UNION ALL '.join(selects)}) AS change WHERE 1 = 1 GROUP BY {keys} "
        f"HAVING SUM({value}) <> 0 ORDER BY {keys} ON CONFLICT ({keys}) DO UPDATE SET "
        f"{value} = {table}.{value} + excluded.{value}"
    )


def _keep(pg: bool, rows: list[tuple[str, int]]) -> list[str]:
    parts = [_contributions(pg, row, sign) for row, sign in rows]
    return [_step(table, [_select(part[table]) for part in parts]) for table in TABLES]


def _pg_function() -> str:
    steps = ";\n    ".join(_keep(True, [("OLD", -1), ("NEW", 1)]))
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)
    return f"""
CREATE OR REPLACE FUNCTION reports_rollups_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {steps};
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS reports_rollups ON bookings_booking;
CREATE TRIGGER reports_rollups AFTER INSERT OR DELETE ON bookings_booking
    FOR EACH ROW EXECUTE FUNCTION reports_rollups_keep();
DROP TRIGGER IF EXISTS reports_rollups_update ON bookings_booking;
CREATE TRIGGER reports_rollups_update AFTER UPDATE OF {", ".join(WATCHED)} ON bookings_booking
    FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION reports_rollups_keep();
"""


PG_DROP = """
DROP TRIGGER IF EXISTS reports_rollups ON bookings_booking;
DROP TRIGGER IF EXISTS reports_rollups_update ON bookings_booking;
DROP FUNCTION IF EXISTS reports_rollups_keep();
"""


def _sqlite_triggers() -> list[str]:
    events = {
        "insert": ("AFTER INSERT", [("NEW", 1)]),
        "delete": ("AFTER DELETE", [("OLD", -1)]),
        "update": (f"AFTER UPDATE OF {', '.join(WATCHED)}", [("OLD", -1), ("NEW", 1)]),
    }
    return [
        f"CREATE TRIGGER IF NOT EXISTS reports_rollups_{name} {when} ON bookings_booking "
        f"BEGIN {'; '.join(_keep(False, rows))}; END"
        for name, (when, rows) in events.items()
    ]


SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS reports_rollups_{name}" for name in ("insert", "delete", "update")
]


def _fill(pg: bool) -> list[str]:
    counted = _contributions(pg, "b", 1)
    statements = []
    for table, (keys, value) in TABLES.items():
        keys = ", ".join(keys)
        select = _select(counted[table], "bookings_booking AS b")
        statements.append(
            f"INSERT INTO {table} ({keys}, {value}) SELECT {keys}, SUM({value}) "  # noqa: S608
            f"FROM ({select}) AS counted GROUP BY {keys} HAVING SUM({value}) <> 0"
        )
    return statements


def create(apps, schema_editor):
    pg = schema_editor.connection.vendor == "postgresql"
    # Executed without parameters, so that SQLite's strftime('%s') stays as written.
    with schema_editor.connection.cursor() as cursor:
        if pg:
            cursor.execute("LOCK TABLE bookings_booking IN SHARE MODE")
            cursor.execute(_pg_function())
        else:
            for statement in _sqlite_triggers():
                cursor.execute(statement)
        for table in TABLES:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - constants only
        for statement in _fill(pg):
            cursor.execute(statement)
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(PG_DROP)
        else:
            for statement in SQLITE_DROP:
                cursor.execute(statement)


def _model(name: str, fields: list, keys: list[str], constraint: str):
    return migrations.CreateModel(
        name=name,
        fields=[
            (
                "id",
                models.BigAutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            *fields,
        ],
        options={
            "default_permissions": (),
            "constraints": [models.UniqueConstraint(fields=tuple(keys), name=constraint)],
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_daily_outcome"),
        ("bookings", "0026_group_sessions"),
    ]

    operations = [
        _model(
            "DailyLead",
            [
                ("office_id", models.BigIntegerField()),
                ("day", models.IntegerField()),
                ("service_id", models.BigIntegerField()),
                ("made", models.IntegerField()),
                ("bookings", models.IntegerField(default=0)),
            ],
            ["office_id", "day", "service_id", "made"],
            "reports_daily_lead_key",
        ),
        _model(
            "DailyBookedMinutes",
            [
                ("office_id", models.BigIntegerField()),
                ("day", models.IntegerField()),
                ("counselor_id", models.BigIntegerField()),
                ("minutes", models.IntegerField(default=0)),
            ],
            ["office_id", "day", "counselor_id"],
            "reports_daily_minutes_key",
        ),
        _model(
            "HourlyBookedMinutes",
            [
                ("office_id", models.BigIntegerField()),
                ("day", models.IntegerField()),
                ("hour", models.SmallIntegerField()),
                ("minutes", models.IntegerField(default=0)),
            ],
            ["office_id", "day", "hour"],
            "reports_hourly_minutes_key",
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
