"""
Secret links to a booking (`BookingLink`): issued one per email or page that shows one,
ended one by one or all at once when a counselor sends the person a new link.
"""

from datetime import datetime

from django.conf import settings
from django.urls import reverse

from bookings.models import Booking, BookingLink, BookingStatus
from bookings.tokens import MANAGE, VERIFY, new_token, token_hash


def booking_link_issue(*, booking: Booking, purpose: str) -> str:
    """A new link's token (the only time it exists in clear); the row keeps its hash."""
    token = new_token()
    BookingLink.objects.create(booking=booking, purpose=purpose, token_hash=token_hash(token))
    return token


def booking_email_links(booking: Booking) -> dict[str, str]:
    """The absolute links one email carries: its own manage link, and its email check."""
    site = settings.SITE_URL.rstrip("/")
    manage = booking_link_issue(booking=booking, purpose=MANAGE)
    links = {
        "manage_url": site + reverse("booking-manage", args=[manage]),
        "device_check_url": site + reverse("booking-device-check", args=[manage]),
        "verify_url": "",
    }
    # The email check, or the confirmation a public request needs before it lapses.
    if booking.verification_expires_at is not None and booking.status in (
        BookingStatus.PENDING_VERIFICATION,
        BookingStatus.REQUESTED,
    ):
        token = booking_link_issue(booking=booking, purpose=VERIFY)
        links["verify_url"] = site + reverse("booking-verify", args=[token])
    return links


def booking_links_end(*, booking: Booking, now: datetime, purposes=(MANAGE, VERIFY)) -> int:
    """Ends every open link of the booking for these purposes; returns how many."""
    return BookingLink.objects.filter(
        booking=booking, purpose__in=purposes, ended_at__isnull=True
    ).update(ended_at=now)


def booking_link_end(*, link_id: int, booking: Booking, now: datetime) -> bool:
    return bool(
        BookingLink.objects.filter(pk=link_id, booking=booking, ended_at__isnull=True).update(
            ended_at=now
        )
    )


def booking_manage_link_renew(booking: Booking, now: datetime) -> str:
    """A new manage link's token for `booking`, asked for again on the "find my booking"
    page (the caller emails it; it is never shown). Earlier links stay valid: the person
    may still have them; a counselor's "send a new link" is what ends them."""
    return booking_link_issue(booking=booking, purpose=MANAGE)
