"""
The secret link to a booking's page, issued again.

NOTE for the merge with issue 19 (random manage tokens stored as hashes, revocable, "send
a new link"): this module is the one place that issues a booking's manage link for the
"find my booking" page. Under the present scheme a manage token is derived from the
booking's UUID and SECRET_KEY (`bookings.tokens`), so "a new link" is the same link
again and nothing is stored; issue 19 replaces this function's body with one that makes
a new random token, stores its hash and revokes the old one, keeping the signature.
"""

from datetime import datetime

from bookings.models import Booking
from bookings.tokens import MANAGE, booking_token


def booking_manage_link_renew(booking: Booking, now: datetime) -> str:
    """
    Issues a manage token for `booking` and returns it (the caller builds the link and
    emails it; the token is never shown on a page). Runs inside the caller's transaction
    when the scheme stores anything; today it stores nothing.
    """
    return booking_token(booking.uuid, MANAGE)
