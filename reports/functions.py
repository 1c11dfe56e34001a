"""
Database functions for Japan's days and weeks, as integer arithmetic on the epoch.

Japan keeps UTC+9 all year (see `common.clock`), so a Japan date is a whole number of
days since 1970-01-01 after adding nine hours, and the minute of the week is a remainder:
much cheaper per row than converting every timestamp to a named time zone, which matters
when a year's dashboard groups a few hundred thousand bookings.
"""

from datetime import date, timedelta

from django.db.models import Func, IntegerField

JST_OFFSET_SECONDS = 9 * 3600
# 1970-01-01 was a Thursday: three days after a Monday.
_MONDAY_SHIFT_SECONDS = 3 * 86400
EPOCH_DAY = date(1970, 1, 1)


def day_from_number(number: int) -> date:
    return EPOCH_DAY + timedelta(days=number)


def japan_day_number(day: date) -> int:
    return (day - EPOCH_DAY).days


class _EpochArithmetic(Func):
    output_field = IntegerField()
    arity = 1
    postgres_seconds = "CAST(date_part('epoch', %(expressions)s) AS bigint)"
    sqlite_seconds = "CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
    formula = ""  # in terms of {seconds}: the moment as whole seconds since the epoch

    def as_sql(self, compiler, connection, **extra):
        seconds = self.postgres_seconds
        return super().as_sql(
            compiler, connection, template=self.formula.format(seconds=seconds), **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        seconds = self.sqlite_seconds
        return super().as_sql(
            compiler, connection, template=self.formula.format(seconds=seconds), **extra
        )


class JapanDay(_EpochArithmetic):
    """The Japan date of a moment, as days since 1970-01-01 (`day_from_number` reads it)."""

    formula = f"(({{seconds}} + {JST_OFFSET_SECONDS}) / 86400)"


class JapanWeekMinute(_EpochArithmetic):
    """Minutes since Monday 00:00 in Japan: weekday * 1440 + hour * 60 + minute."""

    # `%%%%` is one modulo sign once Django and the driver have both unescaped it.
    formula = f"((({{seconds}} + {JST_OFFSET_SECONDS + _MONDAY_SHIFT_SECONDS}) %%%% 604800) / 60)"


class MinutesBetween(Func):
    """Whole minutes from the first moment to the second."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        first, second = (compiler.compile(e) for e in self.get_source_expressions())
        sql = (
            f"((CAST(date_part('epoch', {second[0]}) AS bigint) - "
            f"CAST(date_part('epoch', {first[0]}) AS bigint)) / 60)"
        )
        return sql, (*second[1], *first[1])

    def as_sqlite(self, compiler, connection, **extra):
        first, second = (compiler.compile(e) for e in self.get_source_expressions())
        sql = (
            f"((CAST(strftime('%%s', {second[0]}) AS INTEGER) - "
            f"CAST(strftime('%%s', {first[0]}) AS INTEGER)) / 60)"
        )
        return sql, (*second[1], *first[1])


class SpanIndex(Func):
    """
    Which of the spans cut by `boundaries` (sorted moments, or day numbers) a moment (or a
    day number) falls in: 0 before the
    first, i from the i-th on. PostgreSQL's `width_bucket` finds it by binary search; SQLite
    tries the boundaries in turn.
    """

    output_field = IntegerField()
    arity = 1

    def __init__(self, expression, *, boundaries, **extra):
        self.boundaries = list(boundaries)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra):
        moment, params = compiler.compile(self.get_source_expressions()[0])
        if not self.boundaries:
            return "0", ()
        field = self.get_source_expressions()[0].output_field
        values = [field.get_db_prep_value(b, connection) for b in self.boundaries]
        if connection.vendor == "postgresql":
            kind = "int" if all(isinstance(b, int) for b in self.boundaries) else "timestamptz"
            return f"width_bucket({moment}, %s::{kind}[])", (*params, values)
        whens = " ".join(f"WHEN {moment} < %s THEN {i}" for i in range(len(values)))
        case_params = []
        for value in values:
            case_params.extend([*params, value])
        return f"(CASE {whens} ELSE {len(values)} END)", tuple(case_params)
