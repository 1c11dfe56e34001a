"""
The accommodation a booking asks for (offices.accommodation), as staff and the person read it,
and when the office's counselors are emailed about it.

Counselors learn of it with the booking they would hear of anyway (the request waiting for
them: `staff_request_waiting` lists it); a booking confirmed without them (an invitation, an
office that confirms at once) sends them `staff_accommodation` once; a change on the
booking page sends it again. A booking a counselor entered (phone, in a session) sends
nothing: they heard it themselves. Emails name the means, never the person; the words under
"Other" stay behind the staff login.
"""

from django.utils.translation import gettext as _

from bookings.models import Booking, BookingChannel, BookingStatus
from bookings.state import EmailKind
from offices.accommodation import Means, means_labels

STAFF_KIND = "staff_accommodation"
_ENTERED_BY_STAFF = (BookingChannel.PHONE, BookingChannel.SESSION)


def accommodation_lines(booking: Booking) -> list[str]:
    """The means asked for, one line each ("Other" with the person's words), and the
    minutes more time added to the booking, in the active language."""
    lines = means_labels(booking.accommodations, booking.accommodation_other)
    if booking.extra_minutes and Means.MORE_TIME in booking.accommodations:
        index = [c for c in Means.values if c in booking.accommodations].index(Means.MORE_TIME)
        lines[index] = _("%(means)s (booked %(minutes)d minutes longer)") % {
            "means": lines[index],
            "minutes": booking.extra_minutes,
        }
    return lines


def accommodation_lines_for_email(booking: Booking) -> list[str]:
    """As `accommodation_lines`, but "Other" without the person's words (an email leaves
    the staff login behind): the booking's page in the admin has them."""
    lines = accommodation_lines(booking)
    if Means.OTHER in booking.accommodations and booking.accommodation_other:
        lines[-1] = _("Other (the words are on the booking's page in the admin)")
    return lines


def tells_counselors_at(booking: Booking, kind: EmailKind) -> bool:
    """Whether this email of the person's also sends the counselors `staff_accommodation`:
    a booking with accommodation confirmed without a counselor's answer."""
    if not booking.accommodations or booking.channel in _ENTERED_BY_STAFF:
        return False
    if booking.status != BookingStatus.CONFIRMED:
        return False
    # Created confirmed (an invitation, an office that confirms at once), or confirmed from
    # the email at an office that confirms at once; a counselor's own confirmation is an
    # answer to the request notice, which listed the accommodation already.
    return kind == EmailKind.CREATED or (
        kind == EmailKind.CONFIRMED and booking.verification_expires_at is None
        and not booking.events.filter(to_status=BookingStatus.REQUESTED).exists()
    )  # fmt: skip
