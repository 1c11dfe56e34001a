"""The emails to an office's counselors: they name the booking's reference and time, never
the person; the accommodation asked for by its means (bookings.accommodation)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from bookings.accommodation import accommodation_lines_for_email
from bookings.models import (
    Booking,
)
from notifications.services import Message
from offices import display
from offices.accommodation import joined


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
            "accommodation": joined(accommodation_lines_for_email(booking)),
        }
        title = {
            "staff_request_waiting": _("A booking request is waiting for approval"),
            "staff_change_waiting": _("A change of time is waiting for approval"),
            "staff_accommodation": _("Accommodation asked for"),
        }.get(kind, _("A meeting needs your action"))
        subject = f"[{office.name}] {title} ({booking.reference})"
        context["subject"] = subject
        return Message(
            subject=subject,
            text=render_to_string("emails/staff_notice.txt", context),
            html=render_to_string("emails/staff_notice.html", context),
        )
