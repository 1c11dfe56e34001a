"""
Free session starts of a service: four queries whatever the range or the number of
bookings (opening hours; the office's closures; counselors with their absences; active
bookings and group sessions), then interval arithmetic in Python.

A start is offered when the day is open (not a holiday, the year end or a closure, or it
is an extra opening), the session fits in a window of the service's hours for that
weekday (or of an extra opening), the lead-time deadline for that day has not passed, it
lies within the booking horizon, it starts after `now`, and at least one active counselor
is neither absent that day nor busy at that time: an active booking, or a commitment of
another kind (`bookings.hooks`: a group session, an interview they attend). A booking
waiting for its email check no longer holds its time once its window has passed.
"""

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F, FilteredRelation, FloatField, Func, Q

from bookings.hooks import commitment_sources
from bookings.models import TIME_HOLDING_STATUSES, Booking, BookingStatus
from common.dates import day_in_bounds
from offices.business_days import (
    JST,
    OfficeCalendar,
    calendar_from_closures,
    day_windows,
    earliest_bookable_day,
    latest_bookable_day,
)
from offices.models import Closure, Counselor, OpeningHours, Service
from offices.rules import BookingRules, rules_for_service

# Closures are read this far around the range, for lead times counted in business days.
_CALENDAR_MARGIN = timedelta(days=62)


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    counselor_ids: tuple[int, ...]

    @property
    def free(self) -> int:
        return len(self.counselor_ids)


class Epoch(Func):
    """A datetime column as POSIX seconds, computed by the database (no datetime parsing)."""

    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(strftime('%%%%s', %(expressions)s) AS REAL)",
            **extra,
        )


@dataclass
class _Busy:
    """One counselor's busy intervals as sorted POSIX seconds (cheap to compare)."""

    starts: list[float]
    ends: list[float]

    def overlaps(self, start: float, end: float) -> bool:
        # Intervals are sorted by start and, being one counselor's, do not overlap.
        index = bisect_left(self.starts, end)
        return index > 0 and self.ends[index - 1] > start


def _weekly_hours(services: list[Service]) -> dict[int, dict[int, list[tuple[time, time]]]]:
    """Service id -> weekday -> windows, for several services in one query."""
    weekly: dict[int, dict[int, list[tuple[time, time]]]] = {
        s.pk: defaultdict(list) for s in services
    }
    rows = OpeningHours.objects.filter(service__in=[s.pk for s in services]).values_list(
        "service_id", "weekday", "start", "end"
    )
    for service_id, weekday, start, end in rows:
        weekly[service_id][weekday].append((start, end))
    return weekly


def _open_windows(
    calendar: OfficeCalendar,
    extra_windows: dict[date, list[tuple[time, time]]],
    weekly: dict[int, list[tuple[time, time]]],
    first: date,
    last: date,
) -> dict[date, list[tuple[time, time]]]:
    """Day -> its windows (the office calendar's rule: `offices.business_days.day_windows`)."""
    days = {}
    day = first
    while day <= last:
        windows = day_windows(calendar, extra_windows, weekly, day)
        if windows:
            days[day] = sorted(set(windows))
        day += timedelta(days=1)
    return days


def _counselors(service: Service, first: date, last: date) -> dict[int, set[date]]:
    """Active counselors of the office -> the days they are absent within the range."""
    rows = (
        Counselor.objects.filter(office_id=service.office_id, is_active=True)
        .annotate(
            absence=FilteredRelation(
                "absences",
                condition=Q(absences__end_date__gte=first, absences__start_date__lte=last),
            )
        )
        .values_list("id", "absence__start_date", "absence__end_date")
    )
    absent: dict[int, set[date]] = {}
    for counselor_id, start, end in rows:
        days = absent.setdefault(counselor_id, set())
        if start is not None:
            day = max(start, first)
            while day <= min(end, last):
                days.add(day)
                day += timedelta(days=1)
    return absent


def _commitments(counselor_ids, start: datetime, end: datetime, exclude=None) -> list:
    """What else holds these counselors' time over [start, end) (group sessions, and what
    other apps register: `bookings.hooks`), each as (counselor id, start, end) in seconds."""
    return [
        source.filter(counselor_id__in=counselor_ids, start__lt=end, end__gt=start)
        .annotate(s=Epoch(F("start")), e=Epoch(F("end")))
        .values_list("counselor_id", "s", "e")
        .order_by()
        for source in commitment_sources(exclude=exclude)
    ]


def _busy(
    counselor_ids, start: datetime, end: datetime, now: datetime, exclude_booking_id: int | None,
    exclude=None,
) -> dict[int, _Busy]:  # fmt: skip
    """Active bookings and the counselors' other commitments (scheduled group sessions,
    which hold their counselor's time whether or not a seat is taken; the interviews they
    attend) over [start, end): one query, a UNION ALL."""
    bookings = (
        Booking.objects.filter(
            counselor_id__in=counselor_ids,
            status__in=TIME_HOLDING_STATUSES,
            start__lt=end,
            end__gt=start,
        )
        .exclude(status=BookingStatus.PENDING_VERIFICATION, verification_expires_at__lte=now)
        .exclude(pk=exclude_booking_id or 0)
        .annotate(s=Epoch(F("start")), e=Epoch(F("end")))
        .values_list("counselor_id", "s", "e")
        .order_by()
    )
    others = _commitments(counselor_ids, start, end, exclude)
    busy: dict[int, _Busy] = defaultdict(lambda: _Busy([], []))
    rows = bookings.union(*others, all=True).order_by("counselor_id", "s")
    for counselor_id, busy_start, busy_end in rows:
        # One counselor's rows of different kinds may overlap (never two of one kind):
        # merged, so that the bisect in `_Busy.overlaps` sees every interval.
        mine = busy[counselor_id]
        if mine.ends and busy_start < mine.ends[-1]:
            mine.ends[-1] = max(mine.ends[-1], busy_end)
        else:
            mine.starts.append(busy_start)
            mine.ends.append(busy_end)
    return busy


def slot_lists_for_services(
    *,
    services: list[Service],
    first_day: date,
    last_day: date,
    now: datetime,
    exclude_booking_id: int | None = None,
    ignore_bookings: bool = False,
) -> dict[int, list[Slot]]:
    """
    Free starts of several services of ONE office (service id -> slots, in order), from
    `first_day` to `last_day` (Japan dates, inclusive), in four queries whatever the
    number of services, days or bookings. `service.office` must be loaded. With
    `ignore_bookings`, the starts the office offers whoever is booked, each with the
    counselors present that day (three queries: what booking checks before its lock).
    """
    if not services:
        return {}
    if not (day_in_bounds(first_day) and day_in_bounds(last_day)):
        # No office opens at the ends of the calendar, and the margins below would
        # overflow there (common.dates): nothing is free.
        return {s.pk: [] for s in services}
    office_id = services[0].office_id
    if any(s.office_id != office_id for s in services):
        raise ValueError("slot_lists_for_services takes the services of one office at a time")
    rules = {s.pk: rules_for_service(s) for s in services}
    calendar_rows = list(
        Closure.objects.filter(
            office_id=office_id,
            date__gte=first_day - _CALENDAR_MARGIN,
            date__lte=last_day + _CALENDAR_MARGIN,
        ).values_list("date", "kind", "start", "end")
    )
    calendar, extra_windows = calendar_from_closures(calendar_rows)
    ranges = {}
    for service in services:
        earliest = max(first_day, earliest_bookable_day(now, rules[service.pk], calendar))
        latest = min(last_day, latest_bookable_day(now, rules[service.pk]))
        if earliest <= latest:
            ranges[service.pk] = (earliest, latest)
    result: dict[int, list[Slot]] = {s.pk: [] for s in services}
    if not ranges:
        return result
    overall_first = min(r[0] for r in ranges.values())
    overall_last = max(r[1] for r in ranges.values())
    weekly = _weekly_hours([s for s in services if s.pk in ranges])
    absent = _counselors(services[0], overall_first, overall_last)
    if not absent:
        return result
    range_start = datetime.combine(overall_first, time.min, tzinfo=JST)
    range_end = datetime.combine(overall_last + timedelta(days=1), time.min, tzinfo=JST)
    busy = (
        {}
        if ignore_bookings
        else _busy(list(absent), range_start, range_end, now, exclude_booking_id)
    )
    now_s = now.timestamp()
    for service in services:
        if service.pk not in ranges:
            continue
        earliest, latest = ranges[service.pk]
        windows = _open_windows(calendar, extra_windows, weekly[service.pk], earliest, latest)
        result[service.pk] = _slots(windows, absent, busy, rules[service.pk], now_s)
    return result


def _slots(windows, absent, busy, rules: BookingRules, now_s: float) -> list[Slot]:
    length = timedelta(minutes=rules.slot_minutes)
    length_s = length.total_seconds()
    slots = []
    for day in sorted(windows):
        present = [cid for cid, days in absent.items() if day not in days]
        if not present:
            continue
        seen: set[datetime] = set()
        for window_start, window_end in windows[day]:
            start = datetime.combine(day, window_start, tzinfo=JST)
            limit = datetime.combine(day, window_end, tzinfo=JST)
            while start + length <= limit:
                start_s = start.timestamp()
                if start_s > now_s and start not in seen:
                    seen.add(start)
                    end_s = start_s + length_s
                    free = tuple(
                        cid
                        for cid in present
                        if cid not in busy or not busy[cid].overlaps(start_s, end_s)
                    )
                    if free:
                        slots.append(Slot(start=start, end=start + length, counselor_ids=free))
                start += length
    slots.sort(key=lambda slot: slot.start)
    return slots


def slot_list_available(
    *,
    service: Service,
    first_day: date,
    last_day: date,
    now: datetime,
    exclude_booking_id: int | None = None,
    ignore_bookings: bool = False,
) -> list[Slot]:
    """Free starts of one service (see `slot_lists_for_services`); four queries."""
    return slot_lists_for_services(
        services=[service],
        first_day=first_day,
        last_day=last_day,
        now=now,
        exclude_booking_id=exclude_booking_id,
        ignore_bookings=ignore_bookings,
    )[service.pk]


def counselors_busy(
    *, counselor_ids, start: datetime, end: datetime, now: datetime,
    exclude_booking_id: int | None = None, exclude=None,
) -> set[int]:  # fmt: skip
    """Which of these counselors hold an active booking, or another commitment (a group
    session, an interview they attend), overlapping [start, end): one query (what booking
    checks under the office's lock). `exclude`: a commitment left out (one being moved)."""
    return set(_busy(counselor_ids, start, end, now, exclude_booking_id, exclude))


def counselors_committed(
    *, counselor_ids, start: datetime, end: datetime, exclude=None
) -> set[int]:
    """Which of these counselors have a commitment other than a booking over [start, end):
    one query."""
    found: set[int] = set()
    others = _commitments(counselor_ids, start, end, exclude)
    for counselor_id, _s, _e in others[0].union(*others[1:], all=True):
        found.add(counselor_id)
    return found
