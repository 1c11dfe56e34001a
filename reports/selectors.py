"""
The office's figures, read with aggregate queries: the database groups and counts, and
Python only adds up the few hundred or thousand grouped rows. A dashboard takes eleven
queries whatever the period, the number of offices or the number of bookings (services;
counselors with their absences; opening hours; closures; then outcomes per span, booked
minutes by counselor, booked minutes by weekday and hour, lead times, group sessions,
bars and device checks, each one grouped query), and on PostgreSQL one `SET LOCAL` of
working memory; the monthly report three. No figure reads the bookings over its period:
the outcomes, lead times and booked minutes come from the daily roll-ups the database
keeps in step with every booking (`reports.rollups`), group sessions from their own rows.

A booking belongs to the period in which its session starts, in Japan time. Its outcome is
`Booking.outcome`, set with every change of its state from the change itself
(`bookings.outcomes`): a phone switch then completed stays a phone switch, a closure is
the office's cancellation, a cancellation at the person's request is the person's.
"""

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.db import connections, router, transaction
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Mod

from bookings.models import Applicant, Booking, BookingStatus, GroupSession, GroupSessionStatus
from bookings.state import HELD_STATUSES, RELEASED_STATUSES
from common.clock import JST
from offices.business_days import last_booking_day
from offices.models import Closure, Counselor, Office, OpeningHours, Service
from offices.rules import rules_for_service
from reports.capacity import BusinessDayCount, OfficeCapacity, hour_overlaps
from reports.device_checks import device_checks_by_office
from reports.figures import (
    CounselorRow,
    Counts,
    Dashboard,
    MonthlyReport,
    OfficeFigures,
    lead_bucket,
)
from reports.functions import (
    JapanWeekMinute,
    MinutesBetween,
    SpanIndex,
    day_from_number,
    japan_day_number,
)
from reports.models import (
    DailyBookedMinutes,
    DailyLead,
    DailyOutcome,
    HourlyBookedMinutes,
)
from reports.periods import Period, month_after, trend_months

# Closures are read this far before the compared period: lead times reach back as far as
# the longest booking horizon (366 days), and business days are counted over them.
_LEAD_MARGIN = timedelta(days=400)


def _in_current(period: Period) -> Case:
    return Case(
        When(start__gte=period.start, then=Value(1)), default=Value(0), output_field=IntegerField()
    )


# The planner cannot know how few spans, weekdays or days a period has, so it expects
# groups by the hundred thousand; with PostgreSQL's default 4 MB of working memory it then
# sorts a year of bookings rather than count them in a hash table, which takes a few MB.
_WORK_MEM = "64MB"


@contextmanager
def _grouping_memory() -> Iterator[None]:
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


def _rows(queryset) -> list[tuple]:
    """
    A grouped query's rows as the database sends them: plain ints and strings, without
    the ORM's per-row conversion (a year of an office is tens of thousands of rows).
    """
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _boundaries(*periods: Period, months: Sequence[date] = ()) -> list[datetime]:
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


def _outcome_counts(
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
    for office_id, service_id, channel, outcome, span, n in _rows(
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


def _minutes_rows(office_ids: list[int], start: datetime, end: datetime, current: Period):
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


def _hour_rows(office_ids: list[int], start: datetime, end: datetime, current: Period):
    """
    Booked minutes by weekday and hour, from the roll-up by hour (`HourlyBookedMinutes`):
    (office, in the current period, weekday with Monday 0, hour, minutes). One query.
    """
    first, last = _days(start, end)
    return (
        HourlyBookedMinutes.objects.filter(office_id__in=office_ids, day__gte=first, day__lt=last)
        .annotate(current=_in_current_day(current), weekday=Mod(F("day") + 3, 7))
        .values_list("office_id", "current", "weekday", "hour")
        .annotate(minutes_=Sum("minutes"))
        .order_by()
    )


_SEAT_COLUMNS = ("office_id", "current", "capacity", "filled", "attended", "no_show",
                 "counselor_id", "week_minute", "minutes")  # fmt: skip


def _seat_rows(office_ids: list[int], start: datetime, end: datetime, current: Period):
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


def _lead_rows(office_ids: list[int], start: datetime, end: datetime):
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


def _bar_rows(office_ids: list[int], period: Period, previous: Period, now: datetime):
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


def _capacity(
    office_ids: list[int], first: date, last: date
) -> tuple[list[CounselorRow], dict[int, OfficeCapacity]]:
    """Counselors and each office's hours and calendar: three queries."""
    counselor_rows = (
        Counselor.objects.filter(office_id__in=office_ids)
        .annotate(
            absence=FilteredRelation(
                "absences",
                condition=Q(absences__end_date__gte=first, absences__start_date__lte=last),
            )
        )
        .values_list(
            "id",
            "office_id",
            "display_name",
            "is_active",
            "absence__start_date",
            "absence__end_date",
        )
        .order_by("office_id", "display_name", "id")
    )
    counselors: dict[int, CounselorRow] = {}
    absences: dict[int, list] = {pk: [] for pk in office_ids}
    for pk, office_id, name, is_active, absent_from, absent_to in counselor_rows:
        counselors.setdefault(pk, CounselorRow(pk, office_id, name, is_active))
        if is_active:
            absences[office_id].append(
                (
                    pk,
                    max(absent_from, first) if absent_from else None,
                    min(absent_to, last) if absent_to else None,
                )
            )
    hours: dict[int, list] = {pk: [] for pk in office_ids}
    for office_id, weekday, start, end in OpeningHours.objects.filter(
        office_id__in=office_ids, service__is_active=True
    ).values_list("office_id", "weekday", "start", "end"):
        hours[office_id].append((weekday, start, end))
    closures: dict[int, list] = {pk: [] for pk in office_ids}
    for office_id, *row in Closure.objects.filter(
        office_id__in=office_ids, date__gte=first - _LEAD_MARGIN, date__lte=last
    ).values_list("office_id", "date", "kind", "start", "end"):
        closures[office_id].append(row)
    capacity = {
        pk: OfficeCapacity.build(closures=closures[pk], hours=hours[pk], absences=absences[pk])
        for pk in office_ids
    }
    return list(counselors.values()), capacity


def dashboard_figures(*, offices: Sequence[Office], period: Period, now: datetime) -> Dashboard:
    """
    Every figure of the dashboard for `period` and the period before it, per office and
    for all of `offices` added together (`figures[None]`). Eleven queries (and a `SET LOCAL`
    on PostgreSQL).
    """
    offices = list(offices)
    office_ids = [office.pk for office in offices]
    previous = period.previous()
    months = trend_months(period)
    figures: dict[int | None, OfficeFigures] = {o.pk: OfficeFigures(office=o) for o in offices}

    def counts(office_id: int, in_current: int) -> Counts:
        mine = figures[office_id]
        return mine.current if in_current else mine.previous

    services = list(
        Service.objects.filter(office_id__in=office_ids).order_by("office_id", "position", "slug")
    )
    counselors, capacity = _capacity(office_ids, previous.first, period.last)

    boundaries = _boundaries(period, previous, months=months)
    with _grouping_memory():
        outcomes, by_span = _outcome_counts(office_ids, boundaries, [previous, period])
        minutes_rows = _rows(_minutes_rows(office_ids, previous.start, period.end, period))
        hour_rows = _rows(_hour_rows(office_ids, previous.start, period.end, period))
        lead_rows = _rows(_lead_rows(office_ids, previous.start, period.end))
        seat_rows = _rows(_seat_rows(office_ids, previous.start, period.end, period))
    starts: Counter = Counter()  # (office, current, minute of the week, length) -> sessions
    for office_id, current, seats, filled, attended, no_show, *time_taken in seat_rows:
        counts(office_id, current).seats.update(
            sessions=1, offered=seats, filled=filled, attended=attended, no_show=no_show
        )
        if filled:
            counselor_id, week_minute, minutes = time_taken
            counts(office_id, current).booked_minutes[counselor_id] += minutes
            starts[office_id, current, week_minute, minutes] += 1
    for (office_id, in_current, service_id, channel, outcome), n in outcomes.items():
        counts(office_id, in_current).bookings[service_id, channel, outcome] += n
    span_months = [begins.astimezone(JST).date().replace(day=1) for begins in boundaries[:-1]]
    for (office_id, span, channel, outcome), n in by_span.items():
        month = span_months[span]
        if month in months:
            figures[office_id].months.setdefault(month, Counter())[channel, outcome] += n

    for office_id, counselor_id, current, minutes in minutes_rows:
        counts(office_id, current).booked_minutes[counselor_id] += minutes
    for office_id, current, weekday, hour, minutes in hour_rows:
        counts(office_id, current).heat_booked[weekday + 1, hour] += minutes
    for (office_id, current, week_minute, minutes), n in starts.items():
        heat = counts(office_id, current).heat_booked
        weekday, start = divmod(week_minute, 24 * 60)
        for at, overlap in hour_overlaps(start, min(start + minutes, 24 * 60)):
            heat[weekday + 1, at] += overlap * n

    for office_id in office_ids:
        for span, in_current in ((period, 1), (previous, 0)):
            target = counts(office_id, in_current)
            target.offered_minutes, target.heat_offered = capacity[office_id].offered(span)

    _add_lead_times(
        lead_rows,
        offices=offices, services=services, capacity=capacity, period=period, counts=counts,
    )  # fmt: skip

    for office_id, barred, barred_before, lifted, lifted_before, barred_now in _bar_rows(
        office_ids, period, previous, now
    ):
        figures[office_id].current.barred, figures[office_id].current.lifted = barred, lifted
        figures[office_id].previous.barred = barred_before
        figures[office_id].previous.lifted = lifted_before
        figures[office_id].barred_now = barred_now

    checks = device_checks_by_office(office_ids, period.start, period.end)
    for office_id in office_ids:
        figures[office_id].device_checks = checks[office_id]
    figures[None] = _added_up(figures[pk] for pk in office_ids)
    return Dashboard(
        period=period, previous=previous, months=months, now=now, offices=offices,
        services=services, counselors=counselors, figures=figures,
    )  # fmt: skip


def _added_up(each) -> OfficeFigures:
    total = OfficeFigures(office=None)
    for figures in each:
        total.current.add(figures.current)
        total.previous.add(figures.previous)
        for month, counter in figures.months.items():
            total.months.setdefault(month, Counter()).update(counter)
        total.barred_now += figures.barred_now
        total.device_checks.add(figures.device_checks)
    return total


# Business days ahead -> LEAD_BUCKETS index, for every lead a booking horizon allows.
_BUCKET_OF = [lead_bucket(days) for days in range(400)]


def _add_lead_times(rows, *, offices, services, capacity, period: Period, counts) -> None:
    """
    Business days ahead, and whether booked on the last day the service's rules allowed.
    Rows carry Japan days as numbers: dates are made only once per service and day.
    """
    if not rows:
        return
    by_office = {office.pk: office for office in offices}
    rules = {s.pk: rules_for_service(s, by_office[s.office_id]) for s in services}
    first = min(min(made for _o, _s, made, _d, _n in rows), japan_day_number(period.first))
    last = max(day for _o, _s, _m, day, _n in rows)
    running = {
        pk: BusinessDayCount(capacity[pk].calendar, day_from_number(first), day_from_number(last))
        for pk in by_office
    }
    current_from = japan_day_number(period.first)
    last_days: dict[tuple[int, int], int] = {}
    tally: Counter = Counter()
    for office_id, service_id, made, day, n in rows:
        made = min(made, day)
        counter = running[office_id].counts
        ahead = counter[day - first] - counter[made - first]
        key = (service_id, day)
        last_day = last_days.get(key)
        if last_day is None:
            moment = last_booking_day(
                day_from_number(day), rules[service_id], capacity[office_id].calendar
            )
            last_day = last_days[key] = japan_day_number(moment)
        tally[office_id, day >= current_from, _BUCKET_OF[min(ahead, 399)], made == last_day] += n
    for (office_id, in_current, bucket, at_last), n in tally.items():
        target = counts(office_id, in_current)
        target.lead[bucket] += n
        if at_last:
            target.last_moment += n


def monthly_report(*, offices: Sequence[Office], period: Period, now: datetime) -> MonthlyReport:
    """
    The month's bookings per office, service, channel and outcome, and its device checks:
    three queries.
    """
    offices = list(offices)
    office_ids = [office.pk for office in offices]
    services = list(
        Service.objects.filter(office_id__in=office_ids).order_by("office_id", "position", "slug")
    )
    bookings: dict[int, Counter] = {pk: Counter() for pk in office_ids}
    outcomes, _by_span = _outcome_counts(office_ids, _boundaries(period), [period])
    for (office_id, _index, service_id, channel, outcome), n in outcomes.items():
        bookings[office_id][service_id, channel, outcome] += n
    return MonthlyReport(
        period=period, now=now, offices=offices, services=services, bookings=bookings,
        device_checks=device_checks_by_office(office_ids, period.start, period.end),
    )  # fmt: skip
