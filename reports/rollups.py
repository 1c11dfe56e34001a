"""
The daily roll-ups the figures read instead of the bookings, and how each is counted from
the bookings: what a rebuild writes and what a check compares. The database keeps them in
step with every booking by triggers (`reports/migrations/0004_daily_outcome.py`,
`0005_rollups.py`), in the same transaction as the booking's change, whatever code made it
(a service, a migration, a bulk load); these statements must count what the triggers add.

- `reports_dailyoutcome`: bookings per office, Japan day of the session, service, channel
  and outcome (every booking, lapsed email checks included).
- `reports_dailylead`: bookings per office, day of the session, service and Japan day the
  booking was made (`created_at`); lapsed email checks never became bookings and are left
  out. The lead in business days and "booked on the last day allowed" are worked out from
  these days with the office's calendar and rules as they are now.
- `reports_dailybookedminutes`: minutes of the bookings that keep a counselor's time (not
  cancelled or lapsed), per office, day and counselor. A group session's seats are left
  out: the session takes its counselor's time once, whatever its seats, and the figures
  read it from the session itself (one row each).
- `reports_hourlybookedminutes`: the same minutes per office, day and hour of the day, a
  session split exactly across the hours it covers and cut at midnight (the heat map).

Days are Japan days as numbers (days since 1970-01-01 after adding nine hours to UTC,
`reports.functions.JapanDay`): Japan keeps UTC+9 all year.
"""

from dataclasses import dataclass

from django.db import connection, transaction

# Statuses that gave the counselor's time back (`bookings.state.RELEASED_STATUSES`, which
# tests/reports/test_rollups.py holds these to), and a lapsed email check.
RELEASED = ("cancelled", "expired")
EXPIRED = "expired"

_HOURS = "(VALUES " + ", ".join(f"({hour})" for hour in range(24)) + ") AS hours"


@dataclass(frozen=True)
class Rollup:
    table: str
    keys: tuple[str, ...]
    value: str


OUTCOME = Rollup(
    "reports_dailyoutcome", ("office_id", "day", "service_id", "channel", "outcome"), "bookings"
)
LEAD = Rollup("reports_dailylead", ("office_id", "day", "service_id", "made"), "bookings")
MINUTES = Rollup("reports_dailybookedminutes", ("office_id", "day", "counselor_id"), "minutes")
HOURS = Rollup("reports_hourlybookedminutes", ("office_id", "day", "hour"), "minutes")
ROLLUPS = (OUTCOME, LEAD, MINUTES, HOURS)


def _seconds(vendor: str, moment: str) -> str:
    if vendor == "postgresql":
        return f"CAST(date_part('epoch', {moment}) AS bigint)"
    return f"CAST(strftime('%s', {moment}) AS INTEGER)"


def _day(vendor: str, moment: str) -> str:
    return f"(({_seconds(vendor, moment)} + 32400) / 86400)"


@dataclass(frozen=True)
class Contribution:
    """What one booking row adds to a roll-up: its key columns and value (by name), any
    other source they are read from, and when it counts."""

    columns: str
    source: str = ""
    where: str = ""

    def of_trigger_row(self) -> str:
        source = f" FROM {self.source}" if self.source else ""
        return f"SELECT {self.columns}{source}" + (f" WHERE {self.where}" if self.where else "")

    def of_bookings(self, row: str) -> str:
        source = f", {self.source}" if self.source else ""
        where = f" WHERE {self.where}" if self.where else ""
        return f"SELECT {self.columns} FROM bookings_booking AS {row}{source}{where}"  # noqa: S608


def contributions(vendor: str, row: str, sign: int) -> dict[Rollup, Contribution]:
    """
    For each roll-up, what one booking row (`row`: a table alias, or a trigger's OLD or
    NEW) adds to it, times `sign`.
    """
    day = _day(vendor, f"{row}.start")
    held = f"{row}.status NOT IN ({', '.join(repr(s) for s in RELEASED)})"
    own_time = f"{held} AND {row}.group_session_id IS NULL"
    end = row + '."end"'
    minutes = f"(({_seconds(vendor, end)} - {_seconds(vendor, f'{row}.start')}) / 60)"
    seconds = f"({_seconds(vendor, f'{row}.start')} + 32400)"
    starts = f"(({seconds} - ({seconds} / 86400) * 86400) / 60)"  # minute of the Japan day
    least, greatest = ("LEAST", "GREATEST") if vendor == "postgresql" else ("MIN", "MAX")
    ends = f"{least}({starts} + {minutes}, 1440)"
    hour = "hours.column1"
    # The hours a session covers: PostgreSQL makes just those; SQLite tries all 24.
    if vendor == "postgresql":
        hours = f"generate_series({starts} / 60, ({ends} - 1) / 60) AS hours(column1)"
    else:
        hours = _HOURS
    return {
        OUTCOME: Contribution(
            f"{row}.office_id AS office_id, {day} AS day, {row}.service_id AS service_id, "
            f"{row}.channel AS channel, {row}.outcome AS outcome, {sign} AS bookings"
        ),
        LEAD: Contribution(
            f"{row}.office_id AS office_id, {day} AS day, {row}.service_id AS service_id, "
            f"{_day(vendor, f'{row}.created_at')} AS made, {sign} AS bookings",
            where=f"{row}.status <> '{EXPIRED}'",
        ),
        MINUTES: Contribution(
            f"{row}.office_id AS office_id, {day} AS day, {row}.counselor_id AS counselor_id, "
            f"{sign} * {minutes} AS minutes",
            where=own_time,
        ),
        HOURS: Contribution(
            f"{row}.office_id AS office_id, {day} AS day, {hour} AS hour, "
            f"{sign} * ({least}({ends}, {hour} * 60 + 60) - {greatest}({starts}, {hour} * 60))"
            " AS minutes",
            source=hours,
            where=f"{own_time} AND {hour} * 60 < {ends} AND {hour} * 60 + 60 > {starts}",
        ),
    }


def step(rollup: Rollup, selects: list[str]) -> str:
    """
    Adds what `selects` (contributions) come to into the roll-up, key by key in the keys'
    order (so two transactions take its rows in the same order), leaving out keys whose
    change adds up to nothing.
    """
    keys = ", ".join(rollup.keys)
    union = " UNION ALL ".join(selects)
    return (
        f"INSERT INTO {rollup.table} ({keys}, {rollup.value}) "  # noqa: S608 - constants only
        f"SELECT {keys}, SUM({rollup.value}) FROM ({union}) AS change WHERE 1 = 1 "
        f"GROUP BY {keys} HAVING SUM({rollup.value}) <> 0 ORDER BY {keys} "
        f"ON CONFLICT ({keys}) DO UPDATE SET "
        f"{rollup.value} = {rollup.table}.{rollup.value} + excluded.{rollup.value}"
    )


def recount(vendor: str, rollup: Rollup) -> str:
    """A SELECT of the roll-up as counted from the bookings now: key columns and value."""
    keys = ", ".join(rollup.keys)
    counted = contributions(vendor, "b", 1)[rollup].of_bookings("b")
    return (
        f"SELECT {keys}, SUM({rollup.value}) AS {rollup.value} "  # noqa: S608 - constants only
        f"FROM ({counted}) AS counted GROUP BY {keys} HAVING SUM({rollup.value}) <> 0"
    )


def rollups_rebuild() -> dict[str, int]:
    """
    Counts every roll-up anew from the bookings (after a bulk load written with the
    triggers off, or to repair): in one transaction, the bookings locked against writes
    meanwhile on PostgreSQL (SHARE: reads go on; a booking made meanwhile waits). Returns
    the rows written per table.
    """
    vendor = connection.vendor
    written = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("LOCK TABLE bookings_booking IN SHARE MODE")
        for rollup in ROLLUPS:
            keys = ", ".join(rollup.keys)
            cursor.execute(f"DELETE FROM {rollup.table}")  # noqa: S608 - constants only
            cursor.execute(
                f"INSERT INTO {rollup.table} ({keys}, {rollup.value}) {recount(vendor, rollup)}"
            )
            written[rollup.table] = cursor.rowcount
    with connection.cursor() as cursor:
        for rollup in ROLLUPS:
            cursor.execute(f"ANALYZE {rollup.table}")
    return written


def rollups_differences(limit: int = 20) -> dict[str, list[tuple]]:
    """
    Per roll-up, up to `limit` keys whose stored value is not what the bookings count now
    (key..., stored, counted); empty lists when every roll-up is in step. A count of 0
    stored as a row is the same as no row. Each roll-up is compared in one statement, so
    against one snapshot of the bookings, also while they change.
    """
    vendor = connection.vendor
    found = {}
    with connection.cursor() as cursor:
        for rollup in ROLLUPS:
            keys = ", ".join(rollup.keys)
            on = " AND ".join(f"s.{key} = c.{key}" for key in rollup.keys)
            stored = (
                f"SELECT {keys}, {rollup.value} FROM {rollup.table} "  # noqa: S608
                f"WHERE {rollup.value} <> 0"
            )
            counted = recount(vendor, rollup)
            # Both sides of a full join, as two left joins (SQLite before 3.39 has none).
            cursor.execute(
                f"SELECT {', '.join(f's.{k}' for k in rollup.keys)}, s.{rollup.value}, "  # noqa: S608
                f"c.{rollup.value} FROM ({stored}) AS s LEFT JOIN ({counted}) AS c ON {on} "
                f"WHERE c.{rollup.value} IS NULL OR c.{rollup.value} <> s.{rollup.value} "
                f"UNION ALL "
                f"SELECT {', '.join(f'c.{k}' for k in rollup.keys)}, NULL, c.{rollup.value} "
                f"FROM ({counted}) AS c LEFT JOIN ({stored}) AS s ON {on} "
                f"WHERE s.{rollup.value} IS NULL LIMIT {int(limit)}"
            )
            found[rollup.table] = cursor.fetchall()
    return found
