"""
What this browser sent at an office, kept in its session, so that Back (or a reload) to the
step that sent it says so and shows where it stands (issue 26), instead of the step's form
again or a draft that "lapsed": the booking or request made (the done page, which links its
booking page), or the request waiting behind the link emailed to the person when the proof
of work was not solved (the "check your email" page). The steps that send are the confirm
page, the seat page and the emailed link's page; each asks `already_sent` first, as does the
"check your email" page once its request was booked from the link.
"""

import hashlib

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from bookings.models import Booking

DONE_KEY = "booking_done"  # the booking the done page shows
DONE_LINK_KEY = "booking_done_token"  # its booking page's link, shown once
# The bookings made from this browser session (ids), so a second overlapping one can link
# the first without telling anyone else that an address has bookings.
BOOKED_KEY = "bookings_made"
PARKED_KEY = "open_request_sent"  # the office whose request waits behind an emailed link
PARKED_SERVICE_KEY = "open_request_sent_service"  # its service (the page names its button)
LINK_USED_KEY = "open_request_used"  # the emailed link this browser booked from (a digest)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def record_booked(request: HttpRequest, booking, manage_token: str, *, link: str = "") -> None:
    """A booking (or request) was made from this browser; `link` is the emailed link's
    token when it was made from that link's page."""
    session = request.session
    session[DONE_KEY] = booking.pk
    session[DONE_LINK_KEY] = manage_token
    session[BOOKED_KEY] = [*session.get(BOOKED_KEY, [])[-9:], booking.pk]
    if session.get(PARKED_KEY) == booking.office.slug:
        del session[PARKED_KEY]  # the latest sent at this office is this booking
    if link:
        session[LINK_USED_KEY] = _digest(link)


def record_parked(request: HttpRequest, slug: str, service) -> None:
    """A request was parked behind a link emailed to the person (no proof of work)."""
    request.session[PARKED_KEY] = slug
    request.session[PARKED_SERVICE_KEY] = service.slug


def already_sent(
    request: HttpRequest, slug: str, *, group_session=None, link: str = ""
) -> HttpResponse | None:
    """
    Back to a step after it sent from this browser: the page that says where it stands,
    with "You already sent this"; None where this browser sent nothing from that step. The
    confirm page asks it without a draft (the draft ends when it is sent), the seat page
    with its `group_session`, the emailed link's page with its `link` once the link is used.
    """
    if link and request.session.get(LINK_USED_KEY) != _digest(link):
        return None
    if not (link or group_session) and request.session.get(PARKED_KEY) == slug:
        target = "booking-open-request-sent"
    else:
        booking = (
            Booking.objects.filter(pk=request.session.get(DONE_KEY), office__slug=slug)
            .only("pk", "group_session_id")
            .first()
        )
        if booking is None:
            return None
        if group_session is not None and booking.group_session_id != group_session.pk:
            return None
        target = "booking-done"
    messages.info(request, _("You already sent this. Where it stands is below."))
    return redirect(target, slug=slug)
