"""Helpers of the counselor's-day tests: the person sends a request from its email, a
counselor presses a button of the day's schedule, one booking's block of the schedule."""

from bookings.services import public
from bookings.services.links import booking_link_issue
from tests.helpers import NOW


def confirm_from_email(booking, now=NOW):
    public.booking_verify(token=booking_link_issue(booking=booking, purpose="verify"), now=now)


def act(client, booking, action, **data):
    response = client.post(
        f"/admin/bookings/booking/{booking.pk}/act/", {"action": action, **data}, follow=True
    )
    booking.refresh_from_db()
    return response, [str(m) for m in response.context["messages"]]


def block_of(page: str, booking) -> str:
    start = page.index(f'id="booking-{booking.pk}"')
    return page[start : page.index("</article>", start)]
