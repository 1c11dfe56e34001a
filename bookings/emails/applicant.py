"""The emails about a booking, rendered in the language the person booked in."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from bookings.emails.ics import booking_ics
from bookings.models import Booking, BookingStatus
from bookings.tokens import MANAGE, VERIFY, booking_token
from notifications.services import Attachment, Message
from offices import display
from offices.rules import rules_for_service


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _message(name: str, subject: str, context: dict, attachments=()) -> Message:
    """The plain-text and HTML bodies of one email, from `emails/<name>.txt` and `.html`."""
    context = {**context, "subject": subject}
    return Message(
        subject=subject,
        text=render_to_string(f"emails/{name}.txt", context),
        html=render_to_string(f"emails/{name}.html", context),
        attachments=list(attachments),
    )


def booking_links(booking: Booking) -> dict[str, str]:
    return {
        "manage_url": _absolute(
            reverse("booking-manage", args=[booking_token(booking.uuid, MANAGE)])
        ),
        "verify_url": _absolute(
            reverse("booking-verify", args=[booking_token(booking.uuid, VERIFY)])
        ),
    }


def booking_message(booking: Booking, kind: str, *, extra: dict | None = None) -> Message | None:
    """The message for this event, or None when the event sends nothing."""
    templates = {
        "created": {
            BookingStatus.PENDING_VERIFICATION: "verify",
            BookingStatus.REQUESTED: "requested",
            BookingStatus.CONFIRMED: "confirmed",
        }.get(booking.status),
        BookingStatus.REQUESTED: "requested",
        BookingStatus.CONFIRMED: "confirmed",
        "cancelled": "cancelled",
        "expired": "expired",
        "no_show": "no_show",
        "barred": "barred",
        "proposed": "proposed",
    }
    template = templates.get(kind.split(":")[0])
    if template is None:
        return None
    with translation.override(booking.language):
        office = booking.office
        rules = rules_for_service(booking.service, office)
        context = {
            "booking": booking,
            "office_name": office.name_en if booking.language == "en" else office.name,
            "service_name": booking.service.name_en
            if booking.language == "en"
            else booking.service.name,
            "when": display.format_session(booking.start, booking.end),
            "platform": office.get_platform_display(),
            "phone": office.phone,
            "verify_window": display.format_duration(rules.email_verification_minutes),
            "verify_until": display.format_datetime(booking.verification_expires_at)
            if booking.verification_expires_at
            else "",
            "cancellation": display.cancellation_text(rules),
            "preparation": display.platform_guidance(office.platform)
            + display.common_preparation(),
            "rules": display.session_rules(grace_minutes=office.no_show_grace_minutes),
            "office_url": _absolute(reverse("office-detail", args=[office.slug])),
            "book_again_url": _absolute(reverse("booking-start", args=[office.slug])),
            **booking_links(booking),
            **(extra or {}),
        }
        subjects = {
            "verify": _("Please confirm your email address to complete your booking"),
            "requested": _("We received your booking request"),
            "confirmed": _("Your booking is confirmed"),
            "cancelled": _("Your booking was cancelled"),
            "expired": _("Your booking request lapsed"),
            "no_show": _("Your session was counted as a no-show"),
            "barred": _("Online booking is no longer available to you"),
            "proposed": _("The office proposes another time"),
        }
        if template == "cancelled" and context.get("declined"):
            subjects["cancelled"] = _("The office could not accept your booking request")
        elif template == "cancelled" and context.get("by_office"):
            subjects["cancelled"] = _("The office cancelled your booking")
        subject = f"[{context['office_name']}] {subjects[template]} ({booking.reference})"
        attachments = []
        if template == "confirmed":
            attachments.append(
                Attachment(
                    "booking.ics",
                    booking_ics(booking, manage_url=context["manage_url"]),
                    "text/calendar; charset=utf-8",
                )
            )
        return _message(f"booking_{template}", subject, context, attachments)


def terms_change_message(booking: Booking, version) -> Message:
    with translation.override(booking.language):
        office_name = booking.office.name_en if booking.language == "en" else booking.office.name
        summary = (
            version.change_summary_en
            if booking.language == "en" and version.change_summary_en
            else version.change_summary
        )
        context = {
            "booking": booking,
            "office_name": office_name,
            "phone": booking.office.phone,
            "version": version.version,
            "effective": display.format_effective(version.effective_from),
            "summary": summary,
            "terms_url": _absolute(
                reverse("terms-version", args=[booking.office.slug, version.pk])
            ),
            "when": display.format_session(booking.start, booking.end),
        }
        subject = f"[{office_name}] " + _("The terms of use have changed")
        return _message("terms_changed", subject, context)


def meeting_issued_message(booking: Booking, meeting) -> Message:
    """The join link (with Zoom's meeting ID and passcode); never the host link."""
    with translation.override(booking.language):
        office_name = booking.office.name_en if booking.language == "en" else booking.office.name
        context = {
            "booking": booking,
            "office_name": office_name,
            "phone": booking.office.phone,
            "platform": booking.office.get_platform_display(),
            "when": display.format_session(booking.start, booking.end),
            "join_url": meeting.join_url,
            "meeting_number": meeting.meeting_number if booking.office.platform == "zoom" else "",
            "passcode": meeting.passcode if booking.office.platform == "zoom" else "",
            **booking_links(booking),
        }
        subject = (
            f"[{office_name}] "
            + _("How to join your online consultation")
            + f" ({booking.reference})"
        )
        return _message("meeting_issued", subject, context)


def reminder_message(booking: Booking, kind: str, *, now) -> Message:
    """The day-before reminder, or the short one just before the start (with the join link)."""
    from bookings.selectors.bookings import meeting_for
    from bookings.selectors.consent import booking_needs_reconsent

    meeting = meeting_for(booking)
    # An employer who must agree to changed terms first gets the booking page, not the link.
    must_agree = booking_needs_reconsent(booking, now=now)
    issued = meeting is not None and meeting.status == "issued" and not must_agree
    with translation.override(booking.language):
        office_name = booking.office.name_en if booking.language == "en" else booking.office.name
        context = {
            "booking": booking,
            "office_name": office_name,
            "phone": booking.office.phone,
            "platform": booking.office.get_platform_display(),
            "when": display.format_session(booking.start, booking.end),
            "join_url": meeting.join_url if issued else "",
            "meeting_number": meeting.meeting_number
            if issued and booking.office.platform == "zoom"
            else "",
            "passcode": meeting.passcode if issued and booking.office.platform == "zoom" else "",
            "rules": display.session_rules(grace_minutes=booking.office.no_show_grace_minutes),
            "must_agree": must_agree,
            **booking_links(booking),
        }
        title = (
            _("Reminder: your online consultation is coming up")
            if kind == "reminder_day_before"
            else _("Your online consultation starts soon")
        )
        subject = f"[{office_name}] {title} ({booking.reference})"
        return _message(kind, subject, context)


def booking_links_message(bookings: list[Booking], *, language: str) -> Message:
    """The links to a person's upcoming bookings at one office (asked for by address)."""
    with translation.override(language):
        office = bookings[0].office
        office_name = office.name_en if language == "en" else office.name
        context = {
            "booking": bookings[0],
            "office_name": office_name,
            "phone": office.phone,
            "items": [
                {
                    "reference": booking.reference,
                    "when": display.format_session(booking.start, booking.end),
                    "status": booking.get_status_display(),
                    "manage_url": booking_links(booking)["manage_url"],
                }
                for booking in bookings
            ],
        }
        subject = f"[{office_name}] " + _("The links to your bookings")
        return _message("booking_links", subject, context)
