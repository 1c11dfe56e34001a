"""
The grouped reads of the figures, one query each: the database groups and counts, and
returns at most a few thousand rows. The outcomes, lead times and booked minutes are read
from the daily roll-ups the database keeps in step with every booking (`reports.rollups`),
never from the bookings; group sessions from their own rows (one each), bars from the
people barred or lifted. `reports.selectors` adds the rows up into the figures.
"""

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time

from django.db import connections, router, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Cast, Mod

from bookings.models import Applicant, Booking, BookingStatus, GroupSession, GroupSessionStatus
from bookings.state import HELD_STATUSES, RELEASED_STATUSES
from common.clock import JST
from reports.functions import JapanWeekMinute, MinutesBetween, SpanIndex, japan_day_number
from reports.models import DailyBookedMinutes, DailyLead, DailyOutcome, HourlyBookedMinutes
from reports.periods import Period, month_after


def _in_current(period: Period) -> Case:
    return Case(
        When(start__gte=period.start, then=Value(1)), default=Value(0), output_field=IntegerField()
    )


# The planner cannot know how few spans, weekdays or days a period has, so it expects
# groups by the hundred thousand; with PostgreSQL's default 4 MB of working memory it then
# sorts a year of bookings rather than count them in a hash table, which takes a few MB.
_WORK_MEM = "64MB"


@contextmanager
def grouping_memory() -> Iterator[None]:
    """
    Within the block (one transaction), PostgreSQL may hash the groups in memory. The
    transaction is the figures' read database's (the replica of a fleet, config/routers.py).
    """
    alias = router.db_for_read(Booking)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{_WORK_MEM}'")
        yield


def rows(queryset) -> list[tuple]:
    """
    A grouped query's rows as the database sends them: plain ints and strings, without
    the ORM's per-row conversion (a year of an office is tens of thousands of rows).
    """
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def boundaries(*periods: Period, months: Sequence[date] = ()) -> list[datetime]:
    """The moments that cut the months and periods into spans lying wholly inside each."""
    points = set()
    for period in periods:
        points.update((period.start, period.end))
    for month in months:
        points.add(datetime.combine(month, time.min, tzinfo=JST))
        points.add(datetime.combine(month_after(month), time.min, tzinfo=JST))
    return sorted(points)


def _outcome_query(office_ids: list[int], boundaries: list[datetime]):
    """From the daily roll-up (`DailyOutcome`): boundaries are Japan midnights, so days."""
    days = [japan_day_number(moment.astimezone(JST).date()) for moment in boundaries]
    return (
        DailyOutcome.objects.filter(office_id__in=office_ids, day__gte=days[0], day__lt=days[-1])
        .annotate(span=SpanIndex("day", boundaries=days[1:-1]))
        .values_list("office_id", "service_id", "channel", "outcome", "span")
        .annotate(n=Sum("bookings"))
        .order_by()
    )


def _where(boundaries: list[datetime], periods: Sequence[Period]) -> list[int | None]:
    """For each span between the boundaries, the index of the period it lies in, or None."""
    return [
        next((i for i, p in enumerate(periods) if p.start <= begins < p.end), None)
        for begins in boundaries[:-1]
    ]


def outcome_counts(
    office_ids: list[int], boundaries: list[datetime], periods: Sequence[Period]
) -> tuple[Counter, Counter]:
    """
    One query: bookings by outcome (`Booking.outcome`, kept by every change of state) per
    span between the boundaries (the months and the periods), from the daily roll-up the
    database keeps in step with the bookings (`reports.models.DailyOutcome`). Returns
    (office, period index, service, channel, outcome) -> bookings within `periods`, and
    (office, span, channel, outcome) -> bookings for the months.
    """
    where = _where(boundaries, periods)
    outcomes: Counter = Counter()
    by_span: Counter = Counter()
    for office_id, service_id, channel, outcome, span, n in rows(
        _outcome_query(office_ids, boundaries)
    ):
        by_span[office_id, span, channel, outcome] += n
        index = where[span]
        if index is not None:
            outcomes[office_id, index, service_id, channel, outcome] += n
    return outcomes, by_span


def _days(start: datetime, end: datetime) -> tuple[int, int]:
    """The Japan day numbers [first, last) of moments at Japan midnights."""
    return japan_day_number(start.astimezone(JST).date()), japan_day_number(
        end.astimezone(JST).date()
    )


def _in_current_day(period: Period) -> Case:
    return Case(
        When(day__gte=japan_day_number(period.first), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def minutes_rows(office_ids: list[int], start: datetime, end: datetime, current: Period):
    """
    Booked minutes by counselor, from the daily roll-up (`DailyBookedMinutes`): (office,
    counselor, in the current period, minutes). Group sessions are not in it (their rows
    carry their time, once). One query.
    """
    first, last = _days(start, end)
    return (
        DailyBookedMinutes.objects.filter(office_id__in=office_ids, day__gte=first, day__lt=last)
        .annotate(current=_in_current_day(current))
        .values_list("office_id", "counselor_id", "current")
        .annotate(minutes_=Sum("minutes"))
        .order_by()
    )


def hour_rows(office_ids: list[int], start: datetime, end: datetime, current: Period):
    """
    Booked minutes by weekday and hour, from the roll-up by hour (`HourlyBookedMinutes`):
    (office, in the current period, weekday with Monday 0, hour, minutes). One query.
    """
    first, last = _days(start, end)
    return (
        HourlyBookedMinutes.objects.filter(office_id__in=office_ids, day__gte=first, day__lt=last)
        .annotate(
            current=_in_current_day(current),
            weekday=Cast(Mod(F("day") + 3, 7), IntegerField()),  # 1970-01-01 was a Thursday
        )
        .values_list("office_id", "current", "weekday", "hour")
        .annotate(minutes_=Sum("minutes"))
        .order_by()
    )


_SEAT_COLUMNS = ("office_id", "current", "capacity", "filled", "attended", "no_show",
                 "counselor_id", "week_minute", "minutes")  # fmt: skip


def seat_rows(office_ids: list[int], start: datetime, end: datetime, current: Period):
    """
    Group sessions held or to come in the span, one row each: (office, in the current
    period, seats offered, seats filled, attended, no-shows, counselor, minute of the week
    it starts, its minutes). A session with a seat filled takes its counselor's time once,
    whatever its seats. One query.
    """
    seats = "seats__status__in"
    return (
        GroupSession.objects.filter(
            office_id__in=office_ids,
            start__gte=start,
            start__lt=end,
            status=GroupSessionStatus.SCHEDULED,
        )
        .annotate(
            current=_in_current(current),
            filled=Count("seats", filter=~Q(**{seats: RELEASED_STATUSES})),
            attended=Count("seats", filter=Q(**{seats: HELD_STATUSES})),
            no_show=Count("seats", filter=Q(seats__status=BookingStatus.NO_SHOW)),
            week_minute=JapanWeekMinute("start"),
            minutes=MinutesBetween("start", "end"),
        )
        .values_list(*_SEAT_COLUMNS)
        .order_by()
    )


def lead_rows(office_ids: list[int], start: datetime, end: datetime):
    """
    (office, service, day booked, day of the session, bookings), Japan days, from the daily
    roll-up (`DailyLead`, lapsed email checks left out): one query.
    """
    first, last = _days(start, end)
    return (
        DailyLead.objects.filter(office_id__in=office_ids, day__gte=first, day__lt=last)
        .exclude(bookings=0)
        .values_list("office_id", "service_id", "made", "day", "bookings")
        .order_by()
    )


def bar_rows(office_ids: list[int], period: Period, previous: Period, now: datetime):
    """
    People barred and bars lifted, per office: one query. A bar's start is known only while
    it lasts (lifting it clears `barred_at`), so a bar begun and lifted within the period
    counts as lifted only.
    """

    def within(name: str, span: Period) -> Q:
        return Q(**{f"{name}__gte": span.start, f"{name}__lt": span.end})

    return (
        Applicant.objects.filter(office_id__in=office_ids)
        .filter(
            Q(barred_at__isnull=False)
            | Q(bar_lifted_at__gte=previous.start, bar_lifted_at__lt=period.end)
        )
        .values_list("office_id")
        .annotate(
            barred=Count("id", filter=within("barred_at", period)),
            barred_before=Count("id", filter=within("barred_at", previous)),
            lifted=Count("id", filter=within("bar_lifted_at", period)),
            lifted_before=Count("id", filter=within("bar_lifted_at", previous)),
            barred_now=Count("id", filter=Q(barred_at__lte=now)),
        )
        .order_by()
    )
