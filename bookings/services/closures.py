"""
A closure added on a day that already has bookings: the office page lists them and the
manager cancels them (each person told) or keeps them, in the same step as the closure.
"""

from datetime import date, datetime, time, timedelta

from bookings.models import TIME_HOLDING_STATUSES, Booking, BookingStatus
from bookings.services.locking import booking_lock, booking_transaction
from bookings.services.notify import booking_notify
from bookings.services.transitions import booking_transition
from bookings.state import Actor, EmailKind, Reason
from common.clock import JST
from offices.models import Office, User


def bookings_on_day(*, office: Office, day: date) -> list[Booking]:
    """The bookings of `office` that hold a counselor's time on `day`, by start."""
    start = datetime.combine(day, time.min, tzinfo=JST)
    return list(
        Booking.objects.filter(
            office=office,
            status__in=TIME_HOLDING_STATUSES,
            start__gte=start,
            start__lt=start + timedelta(days=1),
        ).order_by("start", "pk")
    )


def bookings_cancel_for_closure(
    *, office: Office, day: date, by: User, now: datetime
) -> list[Booking]:
    """
    Cancels the bookings of a day the office closes, each with an event and an email to
    the person; runs inside the caller's transaction (the office page's save).
    """
    if not (by.is_superuser or by.office_id == office.pk):
        return []
    cancelled = []
    for found in bookings_on_day(office=office, day=day):
        with booking_transaction():
            booking = booking_lock(found.pk)
            if booking.status not in TIME_HOLDING_STATUSES:
                continue
            booking.office = office
            booking_transition(
                booking, BookingStatus.CANCELLED, at=now, actor=by, actor_label=Actor.STAFF,
                reason_code=Reason.CANCELLED_FOR_CLOSURE,
                reason_params={"closed_day": day.isoformat()},
            )  # fmt: skip
            booking_notify(booking, EmailKind.CANCELLED_FOR_CLOSURE)
            cancelled.append(booking)
    return cancelled
