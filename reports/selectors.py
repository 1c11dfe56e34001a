"""
The office's figures, read with aggregate queries: the database groups and counts, and
Python only adds up the few hundred or thousand grouped rows. A dashboard takes nine
queries whatever the period, the number of offices or the number of bookings (services;
counselors with their absences; opening hours; closures; then outcomes, months,
utilisation, lead times and bars, each one grouped query); the monthly report two. The
indexes they use are created by `reports/migrations/0002_indexes.py`.

A booking belongs to the period in which its session starts, in Japan time. Its outcome
comes from its status, and for a cancellation from the cancelling BookingEvent: the person
(`actor_label` "applicant", online), a request declined (staff, from `requested`), or the
office (staff, otherwise; this includes a cancellation a person phoned in, which the event
does not tell apart).
"""

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    FilteredRelation,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import (
    ExtractHour,
    ExtractIsoWeekDay,
    ExtractMinute,
    TruncDate,
    TruncMonth,
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
from reports.periods import Period, trend_months

# Database functions need the zone by name; Japan's fixed UTC+9 (`JST`) is the same zone.
TOKYO = ZoneInfo("Asia/Tokyo")

# Who cancels when the event says "applicant": the person, online, from their booking page.
PERSON_ACTORS = ("applicant",)

# Bookings that kept their counselor's time (a no-show too): the booked minutes.
BOOKED_STATUSES = (
    BookingStatus.PENDING_VERIFICATION,
    BookingStatus.REQUESTED,
    BookingStatus.CONFIRMED,
    BookingStatus.IN_PROGRESS,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
    BookingStatus.SWITCHED_TO_PHONE,
)

# Closures are read this far before the compared period: lead times reach back as far as
# the longest booking horizon (366 days), and business days are counted over them.
_LEAD_MARGIN = timedelta(days=400)


def outcome_expression() -> Case:
    """A booking's Outcome, in SQL; needs the `cancel_event` relation (below) annotated."""
    return Case(
        When(
            status__in=[BookingStatus.COMPLETED, BookingStatus.IN_PROGRESS],
            then=Value(Outcome.HELD),
        ),
        When(status=BookingStatus.SWITCHED_TO_PHONE, then=Value(Outcome.SWITCHED_TO_PHONE)),
        When(status=BookingStatus.NO_SHOW, then=Value(Outcome.NO_SHOW)),
        When(status=BookingStatus.EXPIRED, then=Value(Outcome.EXPIRED)),
        When(
            status=BookingStatus.CANCELLED,
            cancel_event__actor_label__in=PERSON_ACTORS,
            then=Value(Outcome.CANCELLED_BY_PERSON),
        ),
        When(
            status=BookingStatus.CANCELLED,
            cancel_event__from_status=BookingStatus.REQUESTED,
            then=Value(Outcome.DECLINED),
        ),
        When(status=BookingStatus.CANCELLED, then=Value(Outcome.CANCELLED_BY_OFFICE)),
        default=Value(Outcome.SCHEDULED),
        output_field=CharField(),
    )


def cancel_event() -> FilteredRelation:
    # A cancellation is final, so a booking has at most one such event: the join adds no row.
    return FilteredRelation("events", condition=Q(events__to_status=BookingStatus.CANCELLED))


def _in_current(period: Period) -> Case:
    return Case(
        When(start__gte=period.start, then=Value(1)), default=Value(0), output_field=IntegerField()
    )


def _bookings(office_ids: list[int], start: datetime, end: datetime):
    return Booking.objects.filter(office_id__in=office_ids, start__gte=start, start__lt=end)


def _outcome_rows(office_ids: list[int], start: datetime, end: datetime, current: Period):
    """(office, service, channel, outcome, in the current period, bookings): one query."""
    return (
        _bookings(office_ids, start, end)
        .annotate(
            cancel_event=cancel_event(), outcome=outcome_expression(), current=_in_current(current)
        )
        .values_list("office_id", "service_id", "channel", "outcome", "current")
        .annotate(n=Count("id"))
        .order_by()
    )


def _month_rows(office_ids: list[int], months: list[date], end: datetime):
    """(office, month, channel, status, bookings) over the months shown: one query."""
    start = datetime.combine(months[0], time.min, tzinfo=JST)
    return (
        _bookings(office_ids, start, end)
        .annotate(month=TruncMonth("start", tzinfo=TOKYO, output_field=DateField()))
        .values_list("office_id", "month", "channel", "status")
        .annotate(n=Count("id"))
        .order_by()
    )


def _use_rows(office_ids: list[int], start: datetime, end: datetime, current: Period):
    """
    Booked time by counselor, weekday and time of day: (office, counselor, in the current
    period, ISO weekday, start hour, start minute, end hour, end minute, bookings). Grouping
    by the clock times keeps the rows few (sessions start on a grid) and lets Python split a
    session exactly across the hours it covers. One query.
    """
    return (
        _bookings(office_ids, start, end)
        .filter(status__in=BOOKED_STATUSES)
        .annotate(
            current=_in_current(current),
            weekday=ExtractIsoWeekDay("start", tzinfo=TOKYO),
            start_hour=ExtractHour("start", tzinfo=TOKYO),
            start_minute=ExtractMinute("start", tzinfo=TOKYO),
            end_hour=ExtractHour("end", tzinfo=TOKYO),
            end_minute=ExtractMinute("end", tzinfo=TOKYO),
        )
        .values_list(
            "office_id",
            "counselor_id",
            "current",
            "weekday",
            "start_hour",
            "start_minute",
            "end_hour",
            "end_minute",
        )
        .annotate(n=Count("id"))
        .order_by()
    )


def _lead_rows(office_ids: list[int], start: datetime, end: datetime):
    """(office, service, day booked, day of the session, bookings), Japan dates: one query."""
    return (
        _bookings(office_ids, start, end)
        .exclude(status=BookingStatus.EXPIRED)
        .annotate(made=TruncDate("created_at", tzinfo=TOKYO), day=TruncDate("start", tzinfo=TOKYO))
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
    for all of `offices` added together (`figures[None]`). Nine queries.
    """
    offices = list(offices)
    office_ids = [office.pk for office in offices]
    previous = period.previous()
    months = trend_months(period)
    figures: dict[int | None, OfficeFigures] = {o.pk: OfficeFigures(office=o) for o in offices}
    figures[None] = OfficeFigures(office=None)

    def counts(office_id: int, in_current: int) -> tuple[Counts, Counts]:
        mine, everyone = figures[office_id], figures[None]
        if in_current:
            return mine.current, everyone.current
        return mine.previous, everyone.previous

    services = list(
        Service.objects.filter(office_id__in=office_ids).order_by("office_id", "position", "slug")
    )
    counselors, capacity = _capacity(office_ids, previous.first, period.last)

    for office_id, service_id, channel, outcome, current, n in _outcome_rows(
        office_ids, previous.start, period.end, period
    ):
        for target in counts(office_id, current):
            target.bookings[service_id, channel, outcome] += n

    for office_id, month, channel, status, n in _month_rows(office_ids, months, period.end):
        for target in (figures[office_id], figures[None]):
            target.months.setdefault(month, Counter())[channel, status] += n

    for (
        office_id,
        counselor_id,
        current,
        weekday,
        hour,
        minute,
        end_hour,
        end_minute,
        n,
    ) in _use_rows(office_ids, previous.start, period.end, period):
        start, end = hour * 60 + minute, end_hour * 60 + end_minute
        if end <= start:
            end += 24 * 60  # a session past midnight
        for target in counts(office_id, current):
            target.booked_minutes[counselor_id] += (end - start) * n
            for at, overlap in hour_overlaps(start, min(end, 24 * 60)):
                target.heat_booked[weekday, at] += overlap * n

    for office_id in office_ids:
        for span, in_current in ((period, 1), (previous, 0)):
            per_counselor, per_hour = capacity[office_id].offered(span)
            for target in counts(office_id, in_current):
                target.offered_minutes.update(per_counselor)
                target.heat_offered.update(per_hour)

    _add_lead_times(
        _lead_rows(office_ids, previous.start, period.end),
        offices=offices,
        services=services,
        capacity=capacity,
        period=period,
        counts=counts,
    )

    for office_id, barred, barred_before, lifted, lifted_before, barred_now in _bar_rows(
        office_ids, period, previous, now
    ):
        for target in counts(office_id, 1):
            target.barred += barred
            target.lifted += lifted
        for target in counts(office_id, 0):
            target.barred += barred_before
            target.lifted += lifted_before
        figures[office_id].barred_now += barred_now
        figures[None].barred_now += barred_now

    return Dashboard(
        period=period,
        previous=previous,
        months=months,
        now=now,
        offices=offices,
        services=services,
        counselors=counselors,
        figures=figures,
        device_checks=device_check_problems(offices=offices, period=period),
    )


def _add_lead_times(rows, *, offices, services, capacity, period: Period, counts) -> None:
    """Business days ahead, and whether on the last day the service's rules allowed."""
    rows = list(rows)
    if not rows:
        return
    by_office = {office.pk: office for office in offices}
    rules = {s.pk: rules_for_service(s, by_office[s.office_id]) for s in services}
    first = min(made for _o, _s, made, _d, _n in rows)
    last = max(day for _o, _s, _m, day, _n in rows)
    counters = {
        pk: BusinessDayCount(capacity[pk].calendar, min(first, period.first), last)
        for pk in by_office
    }
    last_days: dict[tuple[int, date], date] = {}
    for office_id, service_id, made, day, n in rows:
        made = min(made, day)
        ahead = counters[office_id].ahead(made, day)
        key = (service_id, day)
        if key not in last_days:
            last_days[key] = last_booking_day(day, rules[service_id], capacity[office_id].calendar)
        for target in counts(office_id, period.contains(day)):
            target.lead[lead_bucket(ahead)] += n
            if made == last_days[key]:
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
    """The month's bookings per office, service, channel and outcome: two queries."""
    offices = list(offices)
    office_ids = [office.pk for office in offices]
    services = list(
        Service.objects.filter(office_id__in=office_ids).order_by("office_id", "position", "slug")
    )
    bookings: dict[int, Counter] = {pk: Counter() for pk in office_ids}
    for office_id, service_id, channel, outcome, _current, n in _outcome_rows(
        office_ids, period.start, period.end, period
    ):
        bookings[office_id][service_id, channel, outcome] += n
    return MonthlyReport(
        period=period, now=now, offices=offices, services=services, bookings=bookings
    )
