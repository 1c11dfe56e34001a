"""
Finding a booking again (予約の確認): the person gives the booking reference and their
email address; when both match one booking, a link to its page is emailed to the address
on file. The caller shows the same answer whether or not they matched, and every request
is counted against the address and the reference (matched or not), so the page can
neither confirm that a booking exists nor be used to guess references.
"""

import hashlib
import logging
import unicodedata
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings.emails.applicant import booking_link_message
from bookings.exceptions import BookingInvalid
from bookings.models import Booking
from bookings.services.create import rate_check
from bookings.services.links import booking_manage_link_renew
from common.queue import enqueue_after_commit
from notifications.services import notification_enqueue

logger = logging.getLogger(__name__)


def normalize_reference(value: str) -> str:
    """Full-width letters and digits, spaces, hyphens and case do not matter."""
    text = unicodedata.normalize("NFKC", value or "").upper()
    return "".join(c for c in text if c.isalnum())


def _email_key(email: str) -> str:
    # Rate-limit keys live in the cache: a hash, never the address itself.
    return hashlib.sha256(email.encode()).hexdigest()[:32]


def booking_link_resend(
    *, reference: str, email: str, ip_address: str | None, now: datetime
) -> None:
    """
    Hands `reference` and `email` to a task that emails a fresh link to the booking's page
    when they match a booking (whose personal data was not purged), and otherwise does
    nothing. Raises BookingInvalid for an empty or malformed field, RateLimited past the
    limits; the rest of the request is the same work for a match and a miss.
    """
    reference = normalize_reference(reference)
    email = unicodedata.normalize("NFKC", email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not (6 <= len(reference) <= 12):
        errors["reference"] = [
            _("Enter the booking reference as it appears in your email (8 letters and digits).")
        ]
    if "@" not in email or len(email) > 254:
        errors["email"] = [_("Enter the email address you booked with, e.g. taro@example.jp.")]
    if errors:
        raise BookingInvalid(errors)
    rate_check(
        "find-ip", [f"ip:{ip_address}"] if ip_address else [], settings.RATE_LIMIT_FIND_BOOKING_IP
    )
    rate_check(
        "find",
        [f"email:{_email_key(email)}", f"reference:{reference}"],
        settings.RATE_LIMIT_FIND_BOOKING,
    )
    # The look-up and the email happen in a task: the request does the same work and
    # answers the same, byte for byte and in time, whether or not anything matched.
    enqueue_after_commit("bookings.tasks.send_booking_link", reference, email, what="booking link")


def booking_link_send(*, reference: str, email: str, now: datetime) -> bool:
    """The task's half: emails a fresh link to the booking that `reference` and `email`
    (normalized) match, if any. True when one was sent."""

    booking = (
        Booking.objects.select_related("office", "service")
        .filter(reference=reference, email__iexact=email, personal_data_purged_at__isnull=True)
        .first()
    )
    if booking is None:
        logger.info("booking link asked for: no match")
        return False
    with transaction.atomic():
        token = booking_manage_link_renew(booking, now)
        url = settings.SITE_URL.rstrip("/") + reverse("booking-manage", args=[token])
        notification_enqueue(
            dedupe_key=f"booking:{booking.pk}:link:{now.timestamp():.0f}",
            kind="booking_link",
            recipient=booking.email,
            language=booking.language,
            render=lambda: booking_link_message(booking, manage_url=url),
            office_id=booking.office_id,
        )
    logger.info("booking link sent for booking id=%s", booking.pk)
    return True
