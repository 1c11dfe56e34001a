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
from bookings.state import EmailKind
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


def booking_notify(
    booking: Booking, kind: EmailKind, *, occurrence: str = "", extra: dict | None = None
) -> None:
    """
    Writes the email for this event to the outbox in the current transaction and hands
    it to a worker after commit; a mail or broker failure never fails the booking.
    `occurrence` tells apart emails of one kind that may be sent more than once (each
    proposed time); it goes into the dedupe key only. `extra` is more for the email (the
    office's reason for a cancellation).
    """
    kind = EmailKind(kind)
    from bookings.emails.applicant import booking_message, booking_template
    from bookings.services.links import booking_email_links

    if not booking.email:  # a person without email is told by phone
        if booking.status == BookingStatus.REQUESTED:
            staff_notify(booking, "staff_request_waiting")
        return
    if booking.status == BookingStatus.REQUESTED and kind == EmailKind.CREATED:
        from bookings.selectors.bookings import session_before_next_business_day

        soon = session_before_next_business_day(booking, booking.created_at)
        extra = {**(extra or {}), "session_before_next_business_day": soon}
    if booking_template(booking, kind) is not None:
        # Each email carries links of its own (random, stored as hashes), issued only for
        # an email written now (`notification_enqueue` renders only a new one).
        notification_enqueue(
            dedupe_key=f"booking:{booking.pk}:{_dedupe_kind(kind, occurrence)}:{booking.status}",
            kind=f"booking_{kind.value}",
            recipient=booking.email,
            language=booking.language,
            render=lambda: booking_message(
                booking,
                kind,
                occurrence=occurrence,
                extra=extra,
                links=booking_email_links(booking),
            ),
            office_id=booking.office_id,
        )
    if booking.status == BookingStatus.REQUESTED:
        staff_notify(booking, "staff_request_waiting")


def _dedupe_kind(kind: EmailKind, occurrence: str) -> str:
    # The keys written before the enum read `proposed:<timestamp>`: kept, so no email repeats.
    return f"{kind.value}:{occurrence}" if occurrence else kind.value


def register_email_kinds() -> None:
    """Names this app's email kinds for the admin's outbox (called once, at start-up)."""
    from django.utils.translation import gettext_lazy as _

    from notifications.kinds import kind_labels_register

    kind_labels_register(
        {
            **{f"booking_{kind.value}": kind.label for kind in EmailKind},
            "staff_request_waiting": _("To counselors: a request waits"),
            "staff_meeting_needs_action": _("To counselors: a meeting needs action"),
            "staff_change_waiting": _("To counselors: a change of time waits"),
            "record_link": _("Was this booking yours? (to the address on record)"),
            "booking_link": _("The link to a booking, asked for again"),
            "meeting_issued": _("Meeting link"),
            "reminder_day_before": _("Reminder the business day before"),
            "reminder_soon": _("Reminder shortly before"),
            "terms_changed": _("Terms of use changed"),
        }
    )
