"""The emails about a booking, rendered in the language the person booked in."""

from datetime import timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from bookings.accommodation import accommodation_lines
from bookings.emails.ics import booking_ics
from bookings.models import Booking, BookingStatus
from bookings.next_steps import booking_story, open_request_step
from bookings.selectors.bookings import meeting_for, meeting_for_person
from bookings.selectors.consent import booking_needs_reconsent
from bookings.state import OFFICE_NOTICES, EmailKind
from notifications.services import Attachment, Message
from offices import display
from offices.accommodation import joined
from offices.content import content_name
from offices.plain import plain_summary_for
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


# The emails whose subject is the stage's title (the others name their event).
STORY_SUBJECTS = ("verify", "requested", "confirmed", "cancelled", "expired", "proposed", "no_show")
# About the person's access or a correction, not the booking's stage: no stage lines.
NO_STORY = ("barred", "bar_withdrawn", "no_show_withdrawn")
# The emails that carry the calendar file: the event appears, moves, or goes.
ICS_TEMPLATES = ("confirmed", "rescheduled", "cancelled", "cancelled_for_closure")
# The emails about a session still to come: they end with the office's rules in short, where
# the office chose a plain-language summary (offices.plain).
PLAIN_TEMPLATES = ("verify", "requested", "confirmed", "proposed", "rescheduled")


def _plain(booking: Booking) -> dict:
    """The rules in short and the accommodation asked for, for an email about `booking`."""

    rules = rules_for_service(booking.service, booking.office)
    return {
        "plain": plain_summary_for(
            booking.office,
            rules,
            staff_decides=booking.status == BookingStatus.REQUESTED,
            email_check=booking.status == BookingStatus.PENDING_VERIFICATION,
        ),
        "accommodation": joined(accommodation_lines(booking)),
    }


def _ics_attachment(booking: Booking, manage_url: str) -> Attachment:

    return Attachment(
        "booking.ics",
        booking_ics(booking, manage_url=manage_url, meeting=meeting_for_person(booking)),
        "text/calendar; charset=utf-8",
    )


def booking_template(booking: Booking, kind: EmailKind) -> str | None:
    """The email this event sends (a template name), or None when it sends nothing."""
    templates = {
        EmailKind.CREATED: {
            BookingStatus.PENDING_VERIFICATION: "verify",
            BookingStatus.REQUESTED: "requested",
            BookingStatus.CONFIRMED: "confirmed",
        }.get(booking.status),
        EmailKind.REQUESTED: "requested",
        EmailKind.CONFIRMED: "confirmed",
        EmailKind.CANCELLED: "cancelled",
        EmailKind.EXPIRED: "expired",
        EmailKind.NO_SHOW: "no_show",
        EmailKind.NO_SHOW_WITHDRAWN: "no_show_withdrawn",
        EmailKind.BARRED: "barred",
        EmailKind.BAR_WITHDRAWN: "bar_withdrawn",
        EmailKind.PROPOSED: "proposed",
        EmailKind.SWITCHED_TO_PHONE: "switched_to_phone",
        EmailKind.CANCELLED_FOR_CLOSURE: "cancelled_for_closure",
        EmailKind.RESCHEDULED: "rescheduled",
        EmailKind.CHANGE_REQUESTED: "change_requested",
        EmailKind.CHANGE_DECLINED: "change_declined",
        EmailKind.NEW_LINK: "new_link",
    }
    return templates.get(EmailKind(kind))


def booking_message(
    booking: Booking,
    kind: EmailKind,
    *,
    links: dict[str, str],
    occurrence: str = "",
    extra: dict | None = None,
) -> Message | None:
    """
    The message for this event, or None when the event sends nothing. `links` are this
    email's own secret links (`manage_url`, `verify_url`, `device_check_url`), issued by
    the caller; `occurrence` names the change of time an email is about.
    """
    template = booking_template(booking, kind)
    if template is None:
        return None
    change = None
    if template in ("change_requested", "change_declined"):
        change = booking.changes.get(pk=int(occurrence.split(":")[0]))  # "<change>[:<n>]"
    person_meeting = meeting_for_person(booking) if booking.is_active else None
    with translation.override(booking.language):
        office = booking.office
        rules = rules_for_service(booking.service, office)
        context = {
            "booking": booking,
            "office_name": content_name(office, booking.language),
            "service_name": _service_name(booking),
            "when": display.format_session(booking.start, booking.end),
            "platform": office.get_platform_display(),
            "phone": office.phone,
            "verify_window": display.format_duration(rules.email_verification_minutes),
            "verify_until": display.format_datetime(booking.verification_expires_at)
            if booking.verification_expires_at
            else "",
            "cancellation": display.cancellation_text(rules),
            "cancel_online": rules.online_cancel_allowed,  # its booking page cancels
            "preparation": display.platform_guidance(office.platform)
            + display.common_preparation(),
            "rules": display.session_rules(grace_minutes=office.no_show_grace_minutes),
            "change": {
                "to": display.format_session(change.to_start, change.to_end),
                "from": display.format_session(change.from_start, change.from_end),
            }
            if change
            else None,
            **links,
            "office_url": _absolute(reverse("office-detail", args=[office.slug])),
            "book_again_url": _absolute(reverse("booking-start", args=[office.slug])),
            # The first lines: the booking's stage and the person's next step.
            "story": None
            if template in NO_STORY
            else booking_story(booking, join_link=person_meeting is not None),
            "join_link": person_meeting is not None,
            **(_plain(booking) if template in PLAIN_TEMPLATES else {}),
            **(extra or {}),
        }
        if context.get("notice") in OFFICE_NOTICES:  # worded now, in the person's language
            context["reason"] = str(OFFICE_NOTICES[context["notice"]])
        subjects = {
            "verify": _("Please confirm your email address to complete your booking"),
            "requested": _("We received your booking request"),
            "confirmed": _("Your booking is confirmed"),
            "cancelled": _("Your booking was cancelled"),
            "expired": _("Your booking request lapsed"),
            "no_show": _("Your session was counted as a no-show"),
            "barred": _("Online booking is no longer available to you"),
            "proposed": _("The office proposes another time"),
            "rescheduled": _("Your booking was moved to a new time"),
            "change_requested": _("We received your request to change the time"),
            "change_declined": _("Your booking keeps its time"),
            "no_show_withdrawn": _("Correction: your session is not counted as a no-show"),
            "bar_withdrawn": _("Correction: you can book online again"),
            "switched_to_phone": _("Your session continues by phone"),
            "cancelled_for_closure": _("Your booking was cancelled: the office is closed that day"),
            "new_link": _("A new link to your booking"),
        }
        if template in STORY_SUBJECTS:
            subjects[template] = context["story"].subject
        if template == "cancelled" and context.get("on_request"):
            subjects["cancelled"] = _("Your booking was cancelled as you asked")
        elif template == "cancelled" and context.get("declined"):
            subjects["cancelled"] = _("The office could not accept your booking request")
        elif template == "cancelled" and context.get("by_office"):
            subjects["cancelled"] = _("The office cancelled your booking")
        subject = f"[{context['office_name']}] {subjects[template]} ({booking.reference})"
        attachments = []
        if template in ICS_TEMPLATES:
            attachments.append(_ics_attachment(booking, context["manage_url"]))
        return _message(f"booking_{template}", subject, context, attachments)


def terms_change_message(booking: Booking, version) -> Message:
    with translation.override(booking.language):
        office_name = content_name(booking.office, booking.language)
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


def _session_title(booking: Booking) -> str:
    """A seat's group session by its title (in English when the person reads English and
    it has one), else "" (a booking of its own)."""
    if not booking.group_session_id:
        return ""
    session = booking.group_session
    return (
        session.title_en if booking.language != "ja" and session.title_en else session.display_title
    )


def _service_name(booking: Booking) -> str:
    """The service as the emails name it; for a seat, with its session's title."""
    service = booking.service
    name = content_name(service, booking.language)
    title = _session_title(booking)
    return f"{name}{_(': ')}{title}" if title and title != name else name


def meeting_issued_message(booking: Booking, meeting, *, links: dict[str, str]) -> Message:
    """The join link (with the meeting ID and passcode where the platform joins by them);
    never the host link. Opens with the booking's stage, as every booking email, and
    carries the calendar file with the link (the event replaces the confirmation's)."""

    person = meeting_for_person(booking, meeting)
    with translation.override(booking.language):
        office_name = content_name(booking.office, booking.language)
        context = {
            "booking": booking,
            "office_name": office_name,
            "phone": booking.office.phone,
            "platform": booking.office.get_platform_display(),
            "when": display.format_session(booking.start, booking.end),
            "session_title": _session_title(booking),
            "service_name": _service_name(booking) if booking.group_session_id else "",
            **(person or {}),
            **links,
            "story": booking_story(booking, join_link=person is not None),
            **_plain(booking),
        }
        subject = (
            f"[{office_name}] "
            + _("How to join your online consultation")
            + f" ({booking.reference})"
        )
        attachments = [_ics_attachment(booking, links.get("manage_url", ""))]
        return _message("meeting_issued", subject, context, attachments)


def reminder_message(booking: Booking, kind: str, *, now, links: dict[str, str]) -> Message:
    """The day-before reminder, or the short one just before the start (with the join link)."""

    meeting = meeting_for(booking)
    # An employer who must agree to changed terms first gets the booking page, not the link.
    must_agree = booking_needs_reconsent(booking, now=now)
    issued = meeting is not None and meeting.status == "issued" and not must_agree
    with translation.override(booking.language):
        office_name = content_name(booking.office, booking.language)
        context = {
            "booking": booking,
            "office_name": office_name,
            "phone": booking.office.phone,
            "platform": booking.office.get_platform_display(),
            "when": display.format_session(booking.start, booking.end),
            **((meeting_for_person(booking, meeting) if issued else None) or {}),
            "rules": display.session_rules(grace_minutes=booking.office.no_show_grace_minutes),
            "must_agree": must_agree,
            "cancel_online": rules_for_service(booking.service).online_cancel_allowed,
            **links,
            "story": booking_story(booking, join_link=issued),
            **_plain(booking),
        }
        title = (
            _("Reminder: your online consultation is coming up")
            if kind == "reminder_day_before"
            else _("Your online consultation starts soon")
        )
        subject = f"[{office_name}] {title} ({booking.reference})"
        return _message(
            kind, subject, context, [_ics_attachment(booking, links.get("manage_url", ""))]
        )


def booking_link_message(booking: Booking, *, manage_url: str) -> Message:
    """The link to the booking's page, asked for again on the "find my booking" page."""
    with translation.override(booking.language):
        office_name = content_name(booking.office, booking.language)
        context = {
            "booking": booking,
            "office_name": office_name,
            "phone": booking.office.phone,
            "when": display.format_session(booking.start, booking.end),
            "manage_url": manage_url,
        }
        subject = f"[{office_name}] " + _("The link to your booking") + f" ({booking.reference})"
        return _message("booking_link", subject, context)


def booking_links_message(
    bookings: list[Booking], *, language: str, tokens: dict[int, str]
) -> Message:
    """The links to a person's upcoming bookings at one office (asked for by address);
    `tokens` are the new manage links' tokens, by booking id, issued for this email."""
    with translation.override(language):
        office = bookings[0].office
        office_name = content_name(office, language)
        context = {
            "booking": bookings[0],
            "office_name": office_name,
            "phone": office.phone,
            "items": [
                {
                    "reference": booking.reference,
                    "when": display.format_session(booking.start, booking.end),
                    "status": booking.get_status_display(),
                    "manage_url": _absolute(reverse("booking-manage", args=[tokens[booking.pk]])),
                }
                for booking in bookings
            ],
        }
        subject = f"[{office_name}] " + _("The links to your bookings")
        return _message("booking_links", subject, context)


def open_request_message(
    *, service, start, name: str, url: str, minutes: int, language: str
) -> Message:
    """The link that turns an open request without a proof of work into a booking."""

    with translation.override(language):
        office = service.office
        office_name = content_name(office, language)
        rules = rules_for_service(service, office)
        context = {
            "booking": {"name": name},
            "name": name,
            "office_name": office_name,
            "phone": office.phone,
            "when": display.format_session(start, start + timedelta(minutes=rules.slot_minutes)),
            "url": url,
            "window": display.format_duration(minutes),
            "step": open_request_step(rules),
        }
        subject = f"[{office_name}] " + context["step"].subject
        return _message("open_request", subject, context)


def open_request_refused_message(
    *, service, start, name: str, refused: str, max_upcoming: int, language: str
) -> Message:
    """An open request's link was opened and the person's checks refused it: "overlap"
    (the address holds that time) or "limit" (its most upcoming bookings)."""

    with translation.override(language):
        office = service.office
        office_name = content_name(office, language)
        rules = rules_for_service(service, office)
        context = {
            "booking": {"name": name},
            "office_name": office_name,
            "phone": office.phone,
            "when": display.format_session(start, start + timedelta(minutes=rules.slot_minutes)),
            "refused": refused,
            "max_upcoming": max_upcoming,
            "book_again_url": _absolute(reverse("booking-start", args=[office.slug])),
        }
        subject = f"[{office_name}] " + _("Your request was not booked")
        return _message("open_request_refused", subject, context)
