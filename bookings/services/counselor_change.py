"""
A counselor off sick, or any other reason: a booking moves to another counselor of the
office at the same time, through the guard of a new booking at that moment (the office's
booking lock, the session within the service's hours, the new counselor active, present
that day and free, PostgreSQL's exclusion constraint last). The change is recorded with
its reason; the person is not emailed, since nothing they see changes (the meeting is the
office's, its link and time stay, and counselors' names are never shown to the public).
"""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings.exceptions import BookingInvalid, NotAllowedNow, SlotTaken
from bookings.models import Booking, is_overlap_violation
from bookings.selectors.counselors import booking_within_hours, counselor_choices
from bookings.selectors.slots import counselor_choose, counselor_preference
from bookings.services.events import booking_event_record
from bookings.services.locking import booking_lock, booking_transaction, office_booking_lock
from bookings.state import Action, Actor, Reason, refusal
from offices.models import User

logger = logging.getLogger(__name__)


def booking_change_counselor_locked(
    booking: Booking, *, counselor_id: int | None, by: User, reason: str, now: datetime,
    counselor_ids: list[int],
) -> Booking:  # fmt: skip
    """
    The change itself, for callers that already hold the office's booking lock
    (`counselor_ids`, its active counselors) and the booking's row (an absence's "move to
    another counselor" moves several in one save). Raises BookingInvalid, NotAllowedNow or
    SlotTaken; nothing is written then.
    """
    refused = refusal(Action.CHANGE_COUNSELOR, booking, Actor.STAFF, now)
    if refused:
        raise NotAllowedNow(refused)
    if not reason.strip():
        raise BookingInvalid({"reason": [_("Say why the counselor changes.")]})
    if counselor_id is None or counselor_id not in counselor_ids:
        raise BookingInvalid({"counselor": [_("Choose an active counselor of this office.")]})
    if counselor_id == booking.counselor_id:
        raise BookingInvalid({"counselor": [_("This counselor already has the booking.")]})
    if not booking_within_hours(booking):
        raise NotAllowedNow(
            _(
                "This session is outside the service's hours that day, so it cannot be "
                "given to another counselor. Propose another time or cancel it."
            )
        )
    choice = next(c for c in counselor_choices(booking, now=now) if c.counselor.pk == counselor_id)
    if choice.refusal:
        raise SlotTaken(
            _("%(counselor)s cannot take this booking: %(why)s. Choose another counselor.")
            % {"counselor": choice.counselor.display_name, "why": choice.refusal},
            alternatives=[],
        )
    was = booking.counselor.display_name
    booking.counselor = choice.counselor
    try:
        with transaction.atomic():
            booking.save(update_fields=["counselor", "updated_at"])
    except IntegrityError as error:
        if not is_overlap_violation(error):
            raise
        raise SlotTaken(
            _("%(counselor)s was just given another booking at this time. Choose another.")
            % {"counselor": choice.counselor.display_name},
            alternatives=[],
        ) from error
    booking_event_record(
        booking, at=now, actor=by, actor_label=Actor.STAFF, reason_code=Reason.COUNSELOR_CHANGED,
        reason_params={"was": was, "now": choice.counselor.display_name}, reason=reason,
    )  # fmt: skip
    logger.info("booking id=%s given to counselor id=%s", booking.pk, counselor_id)
    return booking


def booking_change_counselor(
    *, booking: Booking, by: User, counselor_id: int | None, reason: str, now: datetime
) -> Booking:
    """Gives the booking to another counselor of its office at the same time."""
    with booking_transaction():
        counselor_ids = office_booking_lock(booking.office)
        booking = booking_lock(booking.pk, by=by)
        return booking_change_counselor_locked(
            booking, counselor_id=counselor_id, by=by, reason=reason, now=now,
            counselor_ids=counselor_ids,
        )  # fmt: skip


def counselor_free_for(booking: Booking, *, now: datetime) -> int | None:
    """The free counselor a new booking at this time would get (the person's previous
    counselor when free, else the least busy that day), or None when nobody is free."""
    free = tuple(c.counselor.pk for c in counselor_choices(booking, now=now) if c.refusal is None)
    if not free:
        return None
    previous, counts = counselor_preference(booking.applicant, free, booking.start)
    return counselor_choose(free, previous, counts)
