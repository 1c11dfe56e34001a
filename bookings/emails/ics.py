"""
The .ics file of a booking (RFC 5545 and, for its METHOD, RFC 5546; via icalendar), for
the person's calendar. What it says follows the booking's stage (`bookings.next_steps`):
`STATUS:TENTATIVE` until the booking is confirmed, `METHOD:CANCEL` once it is cancelled or
lapsed, so a calendar that has the event removes it. One UID per booking and one
`SEQUENCE` (`Booking.sequence`, one more with every change), so each file replaces the one
before. Times are in `Asia/Tokyo` with its VTIMEZONE, so every calendar shows Japan time.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from bookings.models import Booking
from bookings.next_steps import booking_story
from offices import display
from offices.content import content_name

TOKYO = ZoneInfo("Asia/Tokyo")


def booking_ics(booking: Booking, *, manage_url: str, meeting: dict | None = None) -> str:
    """
    The event: the booking's stage, the join link with the meeting ID and passcode where
    the platform joins by them (`meeting` is `meeting_for_person`'s answer, shown only
    while the booking is active), and the booking page's link.
    """
    with translation.override(booking.language):
        office = content_name(booking.office, booking.language)
        meeting = meeting if booking.is_active else None
        story = booking_story(booking, join_link=meeting is not None)
        calendar = Calendar()
        calendar.add("prodid", "-//online-consultation//booking//JA")
        calendar.add("version", "2.0")
        calendar.add("method", story.ics_method)
        event = Event()
        event.add("uid", f"{booking.uuid}@{settings.SITE_URL.split('//')[-1].split('/')[0]}")
        # When this copy was made: the booking's last change (the same file for one state).
        event.add("dtstamp", booking.updated_at or booking.created_at)
        event.add("sequence", booking.sequence)
        organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
        organizer.params["cn"] = vText(office)
        event.add("organizer", organizer)
        event.add("dtstart", booking.start.astimezone(TOKYO))
        event.add("dtend", booking.end.astimezone(TOKYO))
        event.add("summary", _("Online consultation: %(office)s") % {"office": office})
        lines = [
            story.calendar_text,
            _("Booking reference %(reference)s. Platform: %(platform)s.")
            % {"reference": booking.reference, "platform": booking.office.get_platform_display()},
        ]
        join_url = (meeting or {}).get("join_url", "")
        if join_url:
            lines.append(_("Join: %(url)s") % {"url": join_url})
        if meeting and meeting.get("meeting_number"):
            lines.append(
                _("Meeting ID: %(number)s")
                % {"number": display.format_meeting_id(meeting["meeting_number"])}
            )
        if meeting and meeting.get("passcode"):
            lines.append(_("Passcode: %(passcode)s") % {"passcode": meeting["passcode"]})
        lines.append(_("Your booking page: %(url)s") % {"url": manage_url})
        event.add("description", "\n".join(lines))
        if manage_url or join_url:
            event.add("url", join_url or manage_url)
        if join_url:
            event.add("location", join_url)
        event.add("status", story.ics_status)
        calendar.add_component(event)
        calendar.add_missing_timezones()
    return calendar.to_ical().decode()
