"""The .ics file of a booking (RFC 5545, via icalendar), for the person's calendar."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from bookings.models import Booking, BookingStatus


def booking_ics(booking: Booking) -> str:
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
        event.add(
            "description",
            _("Booking reference %(reference)s. Platform: %(platform)s.")
            % {"reference": booking.reference, "platform": booking.office.get_platform_display()},
        )
        event.add(
            "status", "CANCELLED" if booking.status == BookingStatus.CANCELLED else "CONFIRMED"
        )
        calendar.add_component(event)
    return calendar.to_ical().decode()
