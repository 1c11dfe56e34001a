"""
Emails to an office's counselors: a request waiting for their approval, and a meeting
that needs them (it failed to issue, the platform account is missing, or the platform
takes a link pasted by hand). Each names the booking by reference and time and links to
it in the admin; the person's name and contact stay behind the staff login.
"""

from django.db import transaction

from bookings.emails.staff import staff_message
from bookings.models import (
    Booking,
    BookingStatus,
)
from notifications.services import notification_queue
from offices.models import User
from offices.roles import COUNSELORS

STAFF_KINDS = ("staff_request_waiting", "staff_meeting_needs_action")


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
    from notifications.tasks import send_after_commit

    assert kind in STAFF_KINDS
    message = staff_message(booking, kind, meeting=meeting)
    queued = 0
    for user_id, email in office_counselor_emails(booking.office_id):
        notification, created = notification_queue(
            dedupe_key=f"booking:{booking.pk}:{kind}{dedupe_suffix}:user:{user_id}",
            kind=kind,
            recipient=email,
            language="ja",
            message=message,
            office_id=booking.office_id,
        )
        if created:
            queued += 1
            transaction.on_commit(lambda pk=notification.pk: send_after_commit(pk))
    return queued


def booking_notify(booking: Booking, kind: str, *, extra: dict | None = None) -> None:
    """
    Writes the email for this event to the outbox in the current transaction and hands
    it to a worker after commit; a mail or broker failure never fails the booking.
    `extra` is more for the email (the office's reason for a cancellation).
    """
    from bookings.emails.applicant import booking_message
    from notifications.services import notification_queue
    from notifications.tasks import send_after_commit

    if booking.status == BookingStatus.REQUESTED and kind == "created":
        from bookings.selectors.bookings import session_before_next_business_day

        soon = session_before_next_business_day(booking, booking.created_at)
        extra = {**(extra or {}), "session_before_next_business_day": soon}
    message = booking_message(booking, kind, extra=extra)
    if message is None:
        return
    notification, created = notification_queue(
        dedupe_key=f"booking:{booking.pk}:{kind}:{booking.status}",
        kind=f"booking_{kind}",
        recipient=booking.email,
        language=booking.language,
        message=message,
        office_id=booking.office_id,
    )
    if created:
        transaction.on_commit(lambda: send_after_commit(notification.pk))
    if booking.status == BookingStatus.REQUESTED:
        staff_notify(booking, "staff_request_waiting")
