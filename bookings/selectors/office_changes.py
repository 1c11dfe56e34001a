"""
The bookings a change to the office would leave wrong, read before the change is saved so
the manager can choose what becomes of them (as for a closure, `services.closures`):
hours shrunk from under a booked time, an absence over a counselor's booked day, and a
new session length. Only bookings still to come that hold a counselor's time count.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from bookings.models import TIME_HOLDING_STATUSES, Booking
from common.clock import JST

Window = tuple[time, time]


def _within(booking: Booking, windows: Iterable[Window]) -> bool:
    start, end = booking.start.astimezone(JST), booking.end.astimezone(JST)
    if start.date() != end.date() and end.time() != time.min:
        return False
    end_time = end.time() if end.time() != time.min else time.max
    return any(w_start <= start.time() and end_time <= w_end for w_start, w_end in windows)


def bookings_outside_new_hours(
    *, service_id: int, weekday: int, old: list[Window], new: list[Window], now: datetime
) -> list[Booking]:
    """Bookings of the service on that weekday, from `now`, that the `old` windows held and
    the `new` ones do not (a booking already outside the hours, kept after an earlier
    change or on an extra opening, is not the change's doing)."""
    found = (
        Booking.objects.filter(service_id=service_id, status__in=TIME_HOLDING_STATUSES, end__gt=now)
        .select_related("counselor")
        .order_by("start", "pk")
    )
    return [
        b
        for b in found
        if b.start.astimezone(JST).weekday() == weekday and _within(b, old) and not _within(b, new)
    ]


def bookings_during_absence(
    *, counselor_id: int, first: date, last: date, now: datetime
) -> list[Booking]:
    """The counselor's bookings still to come on the days `first` to `last` (inclusive)."""
    start = datetime.combine(first, time.min, tzinfo=JST)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=JST)
    return list(
        Booking.objects.filter(
            counselor_id=counselor_id,
            status__in=TIME_HOLDING_STATUSES,
            start__gte=start,
            start__lt=end,
            end__gt=now,
        )
        .select_related("counselor", "applicant", "office", "service")
        .order_by("start", "pk")
    )


def bookings_of_other_length(
    *, service_ids: list[int], minutes: int, now: datetime
) -> list[Booking]:
    """Bookings still to come of these services whose session is not `minutes` long."""
    return [
        b
        for b in Booking.objects.filter(
            service_id__in=service_ids, status__in=TIME_HOLDING_STATUSES, start__gt=now
        )
        .select_related("counselor")
        .order_by("start", "pk")
        if b.end - b.start != timedelta(minutes=minutes)
    ]
