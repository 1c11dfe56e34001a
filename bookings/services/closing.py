"""
Every booking that can no longer take place reaches a final status on schedule, so the
retention purge (services.retention), which skips open bookings, covers it too:

- a request or an email-check hold whose session has started, still undecided (a proposal
  the person never accepted, a request entered before deadlines existed): expired;
- a session checked in (`in_progress`) that nobody completed: completed, by the system,
  once `BOOKING_CLOSE_AFTER_DAYS` have passed since its end;
- a confirmed booking the no-show rule skips (contact noted, or someone joined the
  meeting) that nobody completed or marked by then: cancelled, by the system ("closed
  without an outcome"), so it counts neither as held nor as a no-show.

Each is one `booking_transition` (its event, the system as actor); no email, the session
being over. Periodic (daily), and run by the purge first. Safe to run twice or late.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from bookings.models import Booking, BookingStatus
from bookings.services.locking import booking_lock, booking_transaction
from bookings.services.transitions import booking_transition
from bookings.state import Actor, Reason

S = BookingStatus
UNDECIDED = (S.PENDING_VERIFICATION, S.REQUESTED)


def _final_for(booking: Booking, now: datetime) -> tuple[str, Reason] | None:
    """The final status due to `booking` at `now`, with its reason, or None."""
    late = now - timedelta(days=settings.BOOKING_CLOSE_AFTER_DAYS)
    if booking.status in UNDECIDED and booking.start <= now:
        return S.EXPIRED, Reason.UNDECIDED_AT_START
    if booking.status == S.IN_PROGRESS and booking.end <= late:
        return S.COMPLETED, Reason.CLOSED_COMPLETED
    if booking.status == S.CONFIRMED and booking.end <= late:
        return S.CANCELLED, Reason.CLOSED_WITHOUT_OUTCOME
    return None


def bookings_close_stale(*, now: datetime) -> int:
    """Gives each booking that can no longer take place its final status; returns how many."""
    late = now - timedelta(days=settings.BOOKING_CLOSE_AFTER_DAYS)
    ids = list(
        Booking.objects.filter(
            Q(status__in=UNDECIDED, start__lte=now)
            | Q(status__in=(S.IN_PROGRESS, S.CONFIRMED), end__lte=late)
        ).values_list("pk", flat=True)
    )
    closed = 0
    for booking_id in ids:
        with booking_transaction():
            booking = booking_lock(booking_id)
            final = _final_for(booking, now)
            if final is None:
                continue  # decided or completed meanwhile
            to, reason = final
            booking_transition(booking, to, at=now, actor_label=Actor.SYSTEM, reason_code=reason)
            closed += 1
    return closed
