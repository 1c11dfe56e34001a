"""A counselor declines a burst of requests in one action (bookings.selectors.bursts)."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from bookings.exceptions import BookingInvalid
from bookings.selectors.bursts import booking_bursts
from bookings.services.staff import booking_cancel_by_staff
from offices.models import Office, User


def burst_decline(
    *, office: Office, network: str, by: User, reason: str, message: str = "", now: datetime
) -> int:
    """
    Declines every booking of the office's burst from `network` still undecided (waiting
    for its email check or for a counselor), each with the same `reason` (the staff's note)
    and `message` (what each person reads, beside the office's phone): each person is
    emailed, each booking gets its event. All or nothing. Returns how many were declined.
    """
    if not reason.strip():
        raise BookingInvalid({"reason": [_("Say why these requests are declined.")]})
    bursts = booking_bursts(office=office, now=now, network=network)
    undecided = bursts[0].undecided if bursts else []
    with transaction.atomic():
        for booking in undecided:
            booking_cancel_by_staff(booking=booking, by=by, reason=reason, message=message, now=now)
    return len(undecided)
