"""
The person changes the accommodation they asked for (offices.accommodation) from their
booking page, until the session starts.

Ticking "more time" where the office gives it minutes lengthens the booking, through the
guard of every change of time: the office's booking lock, the counselor's other bookings
read under it, and PostgreSQL's no-overlap constraint; unticking it frees those minutes.
The meeting and the calendar file follow the new end. The office's counselors are emailed
the new accommodation (bookings.accommodation), once the booking is one they know of.

Lock order (bookings.services.locking): the office's booking lock, then the booking's row.
"""

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings.accommodation import STAFF_KIND
from bookings.exceptions import BookingInvalid, NotAllowedNow, SlotTaken
from bookings.models import TIME_HOLDING_STATUSES, Booking, BookingStatus, is_overlap_violation
from bookings.services.events import booking_event_record
from bookings.services.locking import booking_lock, booking_transaction, office_booking_lock
from bookings.services.notify import awaits_staff, staff_notify
from bookings.state import Actor, Reason
from bookings.validation import Errors, validate_accommodations
from common.queue import enqueue_after_commit
from offices.accommodation import extra_minutes_for

logger = logging.getLogger(__name__)

CHANGEABLE_STATUSES = (
    BookingStatus.PENDING_VERIFICATION,
    BookingStatus.REQUESTED,
    BookingStatus.CONFIRMED,
)


def accommodation_change_refusal(booking: Booking, now: datetime) -> str | None:
    """Why the person cannot change the accommodation online now, or None when they can."""
    if booking.status not in CHANGEABLE_STATUSES:
        return _("This booking is no longer active, so nothing can be changed.")
    if booking.start <= now:
        return _("The session has started: please tell the counselor directly.")
    return None


def _more_time_refused() -> SlotTaken:
    return SlotTaken(
        _(
            "The counselor has another booking right after your session, so more time cannot "
            "be added to this booking. Untick “More time”, or choose another time for your "
            "booking."
        ),
        alternatives=[],
    )


@booking_transaction()
def booking_accommodation_change(*, booking: Booking, data: dict, now: datetime) -> Booking:
    """
    Sets the accommodation of `booking` to what `data` asks for (`accommodations`, a list of
    codes the office offers; `accommodation_other`, the person's words). Raises
    BookingInvalid (field errors), NotAllowedNow (started, or no longer active) or
    SlotTaken (more time: the counselor is booked in the added minutes). Nothing changed:
    nothing written.
    """
    office_booking_lock(booking.office)
    booking = booking_lock(booking.pk)
    refusal = accommodation_change_refusal(booking, now)
    if refusal:
        raise NotAllowedNow(refusal)
    errors = Errors()
    codes, other = validate_accommodations(data, office=booking.office, errors=errors)
    if errors:
        raise BookingInvalid(errors)
    # A seat keeps its group session's time: more time is then the counselor's to allow.
    extra = 0 if booking.group_session_id else extra_minutes_for(booking.office, codes)
    unchanged = (codes, other, extra) == (
        booking.accommodations,
        booking.accommodation_other,
        booking.extra_minutes,
    )
    if unchanged:
        return booking
    fields = ["accommodations", "accommodation_other", "updated_at"]
    end_moves = extra != booking.extra_minutes
    if end_moves:
        new_end = booking.end + timedelta(minutes=extra - booking.extra_minutes)
        if new_end > booking.end and _counselor_busy(booking, new_end):
            raise _more_time_refused()
        booking.end, booking.extra_minutes = new_end, extra
        booking.sequence += 1  # the calendar file's event changes
        fields += ["end", "extra_minutes", "sequence"]
    booking.accommodations, booking.accommodation_other = codes, other
    try:
        with transaction.atomic():
            booking.save(update_fields=fields)
    except IntegrityError as error:
        if not is_overlap_violation(error):
            raise
        raise _more_time_refused() from error
    booking_event_record(
        booking, at=now, actor_label=Actor.APPLICANT, reason_code=Reason.ACCOMMODATION_CHANGED
    )
    if end_moves and booking.status == BookingStatus.CONFIRMED:
        enqueue_after_commit(
            "bookings.tasks.update_meeting", booking.pk,
            what=f"meeting end of booking id={booking.pk}",
        )  # fmt: skip
    # Counselors hear of a booking they know of: confirmed, or a request waiting for them
    # (one still waiting for its email check reaches them later, with its accommodation).
    if booking.status == BookingStatus.CONFIRMED or awaits_staff(booking):
        staff_notify(booking, STAFF_KIND, dedupe_suffix=f":changed:{now.timestamp():.0f}")
    logger.info("booking id=%s accommodation changed by the person", booking.pk)
    return booking


def _counselor_busy(booking: Booking, new_end: datetime) -> bool:
    """Whether the counselor holds another booking in the minutes added (under the lock)."""
    return (
        Booking.objects.filter(
            counselor_id=booking.counselor_id, status__in=TIME_HOLDING_STATUSES,
            start__lt=new_end, end__gt=booking.end,
        )
        .exclude(pk=booking.pk)
        .exists()
    )  # fmt: skip
