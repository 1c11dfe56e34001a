"""
How a booking becomes final, in the person's words, for each path a service is booked by
(offices.rules.BookingPath): the office page's "Confirmation", the booking flow's confirm
pages, and by when a counselor answers a request (the rule `request_decide_by` computes).
"""

from django.conf import settings
from django.utils.translation import gettext as _

from offices.display import format_duration
from offices.rules import BookingPath, BookingRules, booking_path, open_booking_path


def confirmation_text(rules: BookingRules, service=None) -> str:
    """How a booking becomes final, for each path the service is booked by (`service`; none:
    the open online booking of the booking pages). At a staff-approval office an open request
    is held (the email-check window, else `REQUEST_CONFIRM_MINUTES`) until the person sends it
    from the email, by the button the email's page names (issue 26, major 1); a counselor's
    invitation is final at once, a booking by phone during the call (issue 26: the office
    page described the email step at offices that book by invitation or phone only)."""
    path = open_booking_path(rules) if service is None else booking_path(service, rules)
    if path == BookingPath.PHONE:
        return _("A booking made by phone is confirmed during the call.")
    if path == BookingPath.INVITATION:
        text = _(
            "A booking made online with your counselor's personal invitation is confirmed "
            "as soon as you send it, and the meeting link follows."
        )
    else:
        text = _open_confirmation_text(rules, path)
        if service is not None and service.accepts_invitations and path != BookingPath.OPEN_AT_ONCE:
            text += " " + _(
                "A booking made with your counselor's personal invitation is confirmed as "
                "soon as you send it."
            )
    if service is not None and service.accepts_phone:
        text += " " + _("A booking made by phone is confirmed during the call.")
    return text


def confirmation_asks_to_phone(rules: BookingRules, service=None) -> bool:
    """Whether `confirmation_text` ends by asking to phone the office (its page puts the
    office's number, a tel: link, right after it)."""
    path = open_booking_path(rules) if service is None else booking_path(service, rules)
    return path == BookingPath.OPEN_STAFF_APPROVAL


def answer_time_text(rules: BookingRules) -> str:
    """By when a counselor answers a request sent from the email: the rule that
    `bookings.services.holds.request_decide_by` computes for each request (issue 26 walk:
    Kawagoe's page said the next business day while its booking pages said the start)."""
    days = rules.request_decision_business_days
    if days == 1:
        return _(
            "A counselor answers by the end of the session hours on the next business day "
            "after you send your request, or by the session's start if that is earlier. If "
            "no email arrives by then, please phone the office."
        )
    if days:
        return _(
            "A counselor answers by the end of the session hours on business day %(days)d "
            "after you send your request, or by the session's start if that is earlier. If no "
            "email arrives by then, please phone the office."
        ) % {"days": days}
    return _(
        "A counselor answers within %(duration)s of your sending the request, or by the "
        "session's start if that is earlier. If no email arrives by then, please phone the "
        "office."
    ) % {"duration": format_duration(rules.request_decision_hours * 60)}


def _open_confirmation_text(rules: BookingRules, path: BookingPath) -> str:
    if path == BookingPath.OPEN_STAFF_APPROVAL:
        return (
            _(
                "After you apply, open the link in the email we send and press “%(button)s” on "
                "that page within %(minutes)s; otherwise the request lapses and the time is freed. "
                "Then a counselor confirms your time, or offers another, by email. The meeting "
                "link follows in that email."
            )
            % {
                "button": _("Send my request"),
                "minutes": format_duration(
                    rules.email_verification_minutes or settings.REQUEST_CONFIRM_MINUTES
                ),
            }
            + " "
            + answer_time_text(rules)
        )
    if path == BookingPath.OPEN_EMAIL_CHECK:
        return _(
            "After you apply, open the link in the email we send and press the button "
            "“%(button)s” on that page within %(minutes)d minutes. Only then is your "
            "booking complete; otherwise it lapses and the time is freed."
        ) % {"minutes": rules.email_verification_minutes, "button": _("Complete my booking")}
    return _("Your booking is confirmed as soon as you apply, and the meeting link follows.")
