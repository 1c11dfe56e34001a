"""
The one writer of `BookingEvent`: every change of a booking, and every note on it that
changes no status, is recorded here with a `Reason` code (translated when shown), who made
it (`Actor`, and the staff account) and, apart, what a person typed. A static test
(`tests/test_one_way.py`) refuses any other creation of an event.
"""

from datetime import datetime

from bookings.models import Booking, BookingEvent
from bookings.state import Actor, Reason
from common.text import text_refuse_hidden
from offices.models import User


def booking_event_record(
    booking: Booking,
    *,
    at: datetime,
    actor_label: Actor,
    reason_code: Reason,
    actor: User | None = None,
    reason_params: dict | None = None,
    reason: str = "",
    from_status: str | None = None,
    to_status: str | None = None,
) -> BookingEvent:
    """
    Records one event of `booking` at `at`. `from_status`/`to_status` default to the
    booking's status (a note that changes none); `reason` is text a person typed (kept apart
    from the code: it is erased on the retention schedule). Raises ValueError for an actor or
    a reason that is not one of the codes, HiddenCharacter for a hidden character in `reason`.
    """
    text_refuse_hidden(reason=reason)  # shown to staff on the booking's history
    status = booking.status
    return BookingEvent.objects.create(
        booking=booking,
        at=at,
        from_status=status if from_status is None else from_status,
        to_status=status if to_status is None else to_status,
        actor=actor,
        actor_label=Actor(actor_label),
        reason_code=Reason(reason_code),
        reason_params=reason_params or {},
        reason=reason[:300],
    )
