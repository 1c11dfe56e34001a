"""
Emails to an office's counselors: a request waiting for their approval, and a meeting
that needs them (it failed to issue, the platform account is missing, or the platform
takes a link pasted by hand). Each names the booking by reference and time and links to
it in the admin; the person's name and contact stay behind the staff login.
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from bookings.models import Booking
from notifications.services import Message, notification_queue
from offices import display
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


def staff_message(booking: Booking, kind: str, *, meeting=None) -> Message:
    with translation.override("ja"):
        office = booking.office
        admin_path = reverse("admin:bookings_booking_change", args=[booking.pk])
        context = {
            "booking": booking,
            "kind": kind,
            "office_name": office.name,
            "when": display.format_session(booking.start, booking.end),
            "service_name": booking.service.name,
            "platform": office.get_platform_display(),
            "meeting_status": meeting.get_status_display() if meeting else "",
            "admin_url": settings.SITE_URL.rstrip("/") + admin_path,
        }
        title = (
            _("A booking request is waiting for approval")
            if kind == "staff_request_waiting"
            else _("A meeting needs your action")
        )
        subject = f"[{office.name}] {title} ({booking.reference})"
        context["subject"] = subject
        return Message(
            subject=subject,
            text=render_to_string("emails/staff_notice.txt", context),
            html=render_to_string("emails/staff_notice.html", context),
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
