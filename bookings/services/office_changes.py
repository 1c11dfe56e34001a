"""
What becomes of bookings an office change leaves wrong (`selectors.office_changes`), as
the manager chose on the office's or the counselor's page: cancelled with notice (each
person emailed, or put on the phone list without email: `booking_cancel_by_staff`), or
given to another counselor at the same time (`booking_change_counselor`'s guard). Each
booking is its own transaction inside the page's save; one that cannot be changed is
reported back with why, never a 500.
"""

from datetime import datetime

from django.utils.translation import gettext as _

from bookings.models import Booking
from bookings.services.counselor_change import booking_change_counselor, counselor_free_for
from bookings.services.staff import booking_cancel_by_staff
from common.errors import DomainError
from offices.models import User


def bookings_cancel_with_notice(
    *, bookings: list[Booking], by: User, reason: str, notice: str, now: datetime
) -> tuple[list[Booking], list[tuple[Booking, str]]]:
    """Cancels each booking (the person told why by `notice`, a key of
    `state.OFFICE_NOTICES`, worded in their language); returns those cancelled and those
    refused."""
    done, refused = [], []
    for booking in bookings:
        try:
            done.append(
                booking_cancel_by_staff(
                    booking=booking, by=by, reason=reason, notice=notice, now=now
                )
            )
        except DomainError as error:
            refused.append((booking, error.message))
    return done, refused


def bookings_move_to_free_counselors(
    *, bookings: list[Booking], by: User, reason: str, now: datetime
) -> tuple[list[Booking], list[tuple[Booking, str]]]:
    """Gives each booking to the counselor a new booking at its time would get; returns
    those moved and those that could not be (nobody free, or refused by the guard)."""
    done, refused = [], []
    for booking in bookings:
        counselor_id = counselor_free_for(booking, now=now)
        if counselor_id is None:
            refused.append((booking, _("no other counselor is free at that time")))
            continue
        try:
            done.append(
                booking_change_counselor(
                    booking=booking, by=by, counselor_id=counselor_id, reason=reason, now=now
                )
            )
        except DomainError as error:
            refused.append((booking, error.message))
    return done, refused
