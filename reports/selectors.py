"""
The office's figures, read with aggregate queries: the database groups and counts, and
Python only adds up the few hundred or thousand grouped rows. A dashboard takes eleven
queries whatever the period, the number of offices or the number of bookings (services;
counselors with their absences; opening hours; closures; then outcomes per span, booked
minutes by counselor, booked minutes by weekday and hour, lead times, group sessions,
bars and device checks, each one grouped query of `reports.grouped`), and on PostgreSQL
one `SET LOCAL` of working memory; the monthly report three. None scans the bookings of
the period: the outcomes, lead times and booked minutes come from the daily roll-ups the
database keeps in step with every booking (`reports.rollups`), group sessions from their
own rows, device checks from the checks (joined to their bookings).

A booking belongs to the period in which its session starts, in Japan time. Its outcome is
`Booking.outcome`, set with every change of its state from the change itself
(`bookings.outcomes`): a phone switch then completed stays a phone switch, a closure is
the office's cancellation, a cancellation at the person's request is the person's.
"""

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime

from django.db.models import FilteredRelation, Q

from common.clock import JST
from offices.models import Closure, Counselor, Office, OpeningHours, Service
from reports import grouped, lead_times
from reports.capacity import OfficeCapacity, hour_overlaps
from reports.device_checks import device_checks_by_office
from reports.figures import (
    CounselorRow,
    Counts,
    Dashboard,
    MonthlyReport,
    OfficeFigures,
)
from reports.lead_times import lead_tally
from reports.periods import Period, trend_months


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
        office_id__in=office_ids, date__gte=first - lead_times.MARGIN, date__lte=last
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

    boundaries = grouped.boundaries(period, previous, months=months)
    with grouped.grouping_memory():
        outcomes, by_span = grouped.outcome_counts(office_ids, boundaries, [previous, period])
        minutes_rows = grouped.rows(
            grouped.minutes_rows(office_ids, previous.start, period.end, period)
        )
        hour_rows = grouped.rows(grouped.hour_rows(office_ids, previous.start, period.end, period))
        lead = lead_tally(
            offices=offices, services=services, capacity=capacity, period=period,
            previous=previous,
        )  # fmt: skip
        seat_rows = grouped.rows(grouped.seat_rows(office_ids, previous.start, period.end, period))
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

    _add_lead_times(lead, counts)

    for office_id, barred, barred_before, lifted, lifted_before, barred_now in grouped.bar_rows(
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


def _add_lead_times(tally: Counter, counts) -> None:
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
    outcomes, _by_span = grouped.outcome_counts(office_ids, grouped.boundaries(period), [period])
    for (office_id, _index, service_id, channel, outcome), n in outcomes.items():
        bookings[office_id][service_id, channel, outcome] += n
    return MonthlyReport(
        period=period, now=now, offices=offices, services=services, bookings=bookings,
        device_checks=device_checks_by_office(office_ids, period.start, period.end),
    )  # fmt: skip
