"""
Emails to an office's counselors: a request waiting for their approval, and a meeting
that needs them (it failed to issue, the platform account is missing, or the platform
takes a link pasted by hand). Each names the booking by reference and time and links to
it in the admin; the person's name and contact stay behind the staff login.
"""

from bookings.emails.staff import staff_message
from bookings.models import (
    Booking,
    BookingStatus,
)
from notifications.services import notification_enqueue
from offices.models import User
from offices.roles import COUNSELORS

STAFF_KINDS = ("staff_request_waiting", "staff_meeting_needs_action", "staff_change_waiting")


def office_counselor_emails(office_id: int) -> list[tuple[int, str]]:
    """(user id, email) of the office's active counselors who have an email address."""
    return list(
        User.objects.filter(
            office_id=office_id, is_active=True, is_staff=True, groups__name=COUNSELORS
        )
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", "email")
        .distinct()
    )


def staff_notify(booking: Booking, kind: str, *, meeting=None, dedupe_suffix: str = "") -> int:
    """
    Queues the notice for each counselor of the booking's office, once per booking, kind
    and counselor (inside the caller's transaction). Returns how many were queued now.
    """
    if kind not in STAFF_KINDS:
        raise ValueError(f"not a staff notice: {kind}")
    queued = 0
    for user_id, email in office_counselor_emails(booking.office_id):
        queued += (
            notification_enqueue(
                dedupe_key=f"booking:{booking.pk}:{kind}{dedupe_suffix}:user:{user_id}",
                kind=kind,
                recipient=email,
                language="ja",
                render=lambda: staff_message(booking, kind, meeting=meeting),
                office_id=booking.office_id,
            )
            is not None
        )
    return queued


def booking_notify(booking: Booking, kind: str) -> None:
    """
    Writes the email for this event to the outbox in the current transaction and hands
    it to a worker after commit; a mail or broker failure never fails the booking.
    """
    from bookings.emails.applicant import booking_message

    notification_enqueue(
        dedupe_key=f"booking:{booking.pk}:{kind}:{booking.status}",
        kind=f"booking_{kind}",
        recipient=booking.email,
        language=booking.language,
        render=lambda: booking_message(booking, kind),
        office_id=booking.office_id,
    )
    if booking.status == BookingStatus.REQUESTED:
        staff_notify(booking, "staff_request_waiting")
