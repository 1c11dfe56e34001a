"""The .ics file of a booking (RFC 5545, via icalendar), for the person's calendar."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from bookings.models import Booking, BookingStatus


def booking_ics(booking: Booking, *, manage_url: str, join_url: str = "") -> str:
    """The event, with the join link once issued and the booking page's link."""
    with translation.override(booking.language):
        office = booking.office.name_en if booking.language == "en" else booking.office.name
        calendar = Calendar()
        calendar.add("prodid", "-//online-consultation//booking//JA")
        calendar.add("version", "2.0")
        calendar.add("method", "PUBLISH")
        event = Event()
        event.add("uid", f"{booking.uuid}@{settings.SITE_URL.split('//')[-1].split('/')[0]}")
        event.add("dtstamp", booking.updated_at or booking.created_at)
        # The same UID with a higher SEQUENCE: calendars replace the earlier copy.
        event.add("sequence", booking.sequence)
        event.add("dtstart", booking.start)
        event.add("dtend", booking.end)
        event.add(
            "summary",
            _("Online consultation: %(office)s") % {"office": office},
        )
        lines = [
            _("Booking reference %(reference)s. Platform: %(platform)s.")
            % {"reference": booking.reference, "platform": booking.office.get_platform_display()}
        ]
        if join_url:
            lines.append(_("Join: %(url)s") % {"url": join_url})
        lines.append(_("Your booking page (to see or cancel): %(url)s") % {"url": manage_url})
        event.add("description", "\n".join(lines))
        event.add("url", join_url or manage_url)
        if join_url:
            event.add("location", join_url)
        event.add(
            "status", "CANCELLED" if booking.status == BookingStatus.CANCELLED else "CONFIRMED"
        )
        calendar.add_component(event)
    return calendar.to_ical().decode()
