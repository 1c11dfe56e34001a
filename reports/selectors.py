"""
The office's figures, read with aggregate queries: the database groups and counts, and
Python only adds up the few hundred or thousand grouped rows. A dashboard takes nine
queries whatever the period, the number of offices or the number of bookings (services;
counselors with their absences; opening hours; closures; then bookings by status per
span, the cancelled ones with who cancelled, booked minutes, lead times and bars, each one
grouped query), and on PostgreSQL one `SET LOCAL` of working memory; the monthly report
three. The indexes they use are created by `reports/migrations/0002_indexes.py`.

A booking belongs to the period in which its session starts, in Japan time. Its outcome
comes from its status, and for a cancellation from the cancelling BookingEvent: the person
(`actor_label` "applicant", online), a request declined (staff, from `requested`), or the
office (staff, otherwise; this includes a cancellation a person phoned in, which the event
does not tell apart).
"""

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    FilteredRelation,
    IntegerField,
    Q,
    Value,
    When,
)

from bookings.models import Applicant, Booking, BookingStatus
from common.clock import JST
from offices.models import Closure, Counselor, Office, OpeningHours, Service
from offices.rules import rules_for_service
from reports.capacity import BusinessDayCount, OfficeCapacity, hour_overlaps, last_booking_day
from reports.figures import (
    CounselorRow,
    Counts,
    Dashboard,
    MonthlyReport,
    OfficeFigures,
    Outcome,
    lead_bucket,
)
from reports.functions import (
    JapanDay,
    JapanWeekMinute,
    MinutesBetween,
    SpanIndex,
    day_from_number,
    japan_day_number,
)
from reports.periods import Period, month_after, trend_months

# Who cancels when the event says "applicant": the person, online, from their booking page.
PERSON_ACTORS = ("applicant",)

# Bookings that gave their counselor's time back; all others kept it (a no-show too) and
# count as booked minutes.
RELEASED_STATUSES = (BookingStatus.CANCELLED, BookingStatus.EXPIRED)

# Closures are read this far before the compared period: lead times reach back as far as
# the longest booking horizon (366 days), and business days are counted over them.
_LEAD_MARGIN = timedelta(days=400)


def outcome_of(status: str, cancelled_by: str | None, cancelled_from: str | None) -> str:
    """A booking's Outcome from its status and, if cancelled, its cancelling event."""
    if status in (BookingStatus.COMPLETED, BookingStatus.IN_PROGRESS):
        return Outcome.HELD
    if status == BookingStatus.CANCELLED:
        if cancelled_by in PERSON_ACTORS:
            return Outcome.CANCELLED_BY_PERSON
        if cancelled_from == BookingStatus.REQUESTED:
            return Outcome.DECLINED
        return Outcome.CANCELLED_BY_OFFICE
    return _OUTCOME_BY_STATUS.get(status, Outcome.SCHEDULED)


_OUTCOME_BY_STATUS = {
    BookingStatus.SWITCHED_TO_PHONE: Outcome.SWITCHED_TO_PHONE,
    BookingStatus.NO_SHOW: Outcome.NO_SHOW,
    BookingStatus.EXPIRED: Outcome.EXPIRED,
}


def cancel_event() -> FilteredRelation:
    # A cancellation is final, so a booking has at most one such event: the join adds no row.
    return FilteredRelation("events", condition=Q(events__to_status=BookingStatus.CANCELLED))


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
    """Within the block (one transaction), PostgreSQL may hash the groups in memory."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{_WORK_MEM}'")
        yield


def _rows(queryset) -> list[tuple]:
    """
    A grouped query's rows as the database sends them: plain ints and strings, without
    the ORM's per-row conversion (a year of an office is tens of thousands of rows).
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _bookings(office_ids: list[int], start: datetime, end: datetime):
    return Booking.objects.filter(office_id__in=office_ids, start__gte=start, start__lt=end)


def _boundaries(*periods: Period, months: Sequence[date] = ()) -> list[datetime]:
    """The moments that cut the months and periods into spans lying wholly inside each."""
    points = set()
    for period in periods:
        points.update((period.start, period.end))
    for month in months:
        points.add(datetime.combine(month, time.min, tzinfo=JST))
        points.add(datetime.combine(month_after(month), time.min, tzinfo=JST))
    return sorted(points)


def _status_query(office_ids: list[int], boundaries: list[datetime]):
    return (
        _bookings(office_ids, boundaries[0], boundaries[-1])
        .annotate(span=SpanIndex("start", boundaries=boundaries[1:-1]))
        .values_list("office_id", "service_id", "channel", "status", "span")
        .annotate(n=Count("id"))
        .order_by()
    )


def _cancellation_query(office_ids: list[int], boundaries: list[datetime]):
    return (
        _bookings(office_ids, boundaries[0], boundaries[-1])
        .filter(status=BookingStatus.CANCELLED)
        .annotate(cancel_event=cancel_event(), span=SpanIndex("start", boundaries=boundaries[1:-1]))
        .values_list("office_id", "service_id", "channel", "cancel_event__actor_label",
                     "cancel_event__from_status", "span")
        .annotate(n=Count("id"))
        .order_by()
    )  # fmt: skip


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
    Two queries. Bookings by status per span between the boundaries (the months and the
    periods; from the covering index alone): (office, span, channel, status) -> bookings,
    for the months. And, within `periods` (contiguous), (office, period index, service,
    channel, outcome) -> bookings, where the cancelled ones are joined to their cancelling
    event to tell who cancelled; a cancellation without such an event (none is written
    so) counts as the office's.
    """
    where = _where(boundaries, periods)
    outcomes: Counter = Counter()
    statuses: Counter = Counter()
    cancelled: Counter = Counter()
    for office_id, service_id, channel, status, span, n in _rows(
        _status_query(office_ids, boundaries)
    ):
        statuses[office_id, span, channel, status] += n
        index = where[span]
        if index is None:
            continue
        if status == BookingStatus.CANCELLED:
            cancelled[office_id, index, service_id, channel] += n
        else:
            outcomes[office_id, index, service_id, channel, outcome_of(status, None, None)] += n
    cuts = _boundaries(*periods)
    cut_where = _where(cuts, periods)
    for office_id, service_id, channel, by, since, span, n in _rows(
        _cancellation_query(office_ids, cuts)
    ):
        index = cut_where[span]
        outcome = outcome_of(BookingStatus.CANCELLED, by, since)
        if index is None or by is None or outcome == Outcome.CANCELLED_BY_OFFICE:
            continue
        outcomes[office_id, index, service_id, channel, outcome] += n
        cancelled[office_id, index, service_id, channel] -= n
    for (office_id, index, service_id, channel), n in cancelled.items():
        if n:
            outcomes[office_id, index, service_id, channel, Outcome.CANCELLED_BY_OFFICE] += n
    return outcomes, statuses


def _use_rows(office_ids: list[int], start: datetime, end: datetime, current: Period):
    """
    Booked time by counselor and time of the week: (office, counselor, in the current
    period, minute of the week the session starts, its length in minutes, bookings).
    Sessions start on a grid, so the rows stay few, and Python splits each session exactly
    across the hours it covers. One query.
    """
    return (
        _bookings(office_ids, start, end)
        .exclude(status__in=RELEASED_STATUSES)
        .annotate(
            current=_in_current(current),
            week_minute=JapanWeekMinute("start"),
            minutes=MinutesBetween("start", "end"),
        )
        .values_list("office_id", "counselor_id", "current", "week_minute", "minutes")
        .annotate(n=Count("id"))
        .order_by()
    )


def _lead_rows(office_ids: list[int], start: datetime, end: datetime):
    """(office, service, day booked, day of the session, bookings), Japan days: one query."""
    return (
        _bookings(office_ids, start, end)
        .exclude(status=BookingStatus.EXPIRED)
        .annotate(made=JapanDay("created_at"), day=JapanDay("start"))
        .values_list("office_id", "service_id", "made", "day")
        .annotate(n=Count("id"))
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
    for all of `offices` added together (`figures[None]`). Nine queries (and a `SET LOCAL`
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
        outcomes, statuses = _outcome_counts(office_ids, boundaries, [previous, period])
        use_rows = _rows(_use_rows(office_ids, previous.start, period.end, period))
        lead_rows = _rows(_lead_rows(office_ids, previous.start, period.end))
    for (office_id, in_current, service_id, channel, outcome), n in outcomes.items():
        counts(office_id, in_current).bookings[service_id, channel, outcome] += n
    span_months = [begins.astimezone(JST).date().replace(day=1) for begins in boundaries[:-1]]
    for (office_id, span, channel, status), n in statuses.items():
        month = span_months[span]
        if month in months:
            figures[office_id].months.setdefault(month, Counter())[channel, status] += n

    starts: Counter = Counter()  # (office, current, minute of the week, length) -> bookings
    for office_id, counselor_id, current, week_minute, minutes, n in use_rows:
        counts(office_id, current).booked_minutes[counselor_id] += minutes * n
        starts[office_id, current, week_minute, minutes] += n
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

    figures[None] = _added_up(figures[pk] for pk in office_ids)
    return Dashboard(
        period=period, previous=previous, months=months, now=now, offices=offices,
        services=services, counselors=counselors, figures=figures,
        device_checks=device_check_problems(offices=offices, period=period),
    )  # fmt: skip


def _added_up(each) -> OfficeFigures:
    total = OfficeFigures(office=None)
    for figures in each:
        total.current.add(figures.current)
        total.previous.add(figures.previous)
        for month, counter in figures.months.items():
            total.months.setdefault(month, Counter()).update(counter)
        total.barred_now += figures.barred_now
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


def device_check_problems(*, offices: Sequence[Office], period: Period):
    """
    Hook for the device check's results (problems found before a session, by kind: no
    camera, no microphone, browser too old, ...). Nothing records a device check yet, so
    there is nothing to count and this answers None: the dashboard then leaves the figure
    out rather than show an empty or invented one. When a check is recorded (a model with
    office, checked_at and problem kind), count it here in one grouped query over the
    period and return [(kind label, count)], most frequent first; the dashboard shows it
    as a bar chart with its table.
    """
    return None


def monthly_report(*, offices: Sequence[Office], period: Period, now: datetime) -> MonthlyReport:
    """The month's bookings per office, service, channel and outcome: three queries."""
    offices = list(offices)
    office_ids = [office.pk for office in offices]
    services = list(
        Service.objects.filter(office_id__in=office_ids).order_by("office_id", "position", "slug")
    )
    bookings: dict[int, Counter] = {pk: Counter() for pk in office_ids}
    outcomes, _statuses = _outcome_counts(office_ids, _boundaries(period), [period])
    for (office_id, _index, service_id, channel, outcome), n in outcomes.items():
        bookings[office_id][service_id, channel, outcome] += n
    return MonthlyReport(
        period=period, now=now, offices=offices, services=services, bookings=bookings
    )
