"""
No oracles for seats (issue 23, 5, as `test_no_oracles.py` for times): a public request for
a seat in a group session, made with an address that already holds a seat in that session,
was answered at once with 409 `seat_held` ("この回の席はすでに予約済みです…"), on the API and
on the seat's page, so anyone who typed a stranger's address learned whether it held a seat.
Now a request that holds its seat until its email link is opened gets the answer any seat
request gets, whatever the address holds; the one-seat rule runs when the link is opened
(under the session's lock), and the page behind the link and an email tell the address's
owner. Both offices whose open requests wait for the link: one that confirms once the link
is opened (Sasebo's evening service), one whose counselors confirm each request (Kawagoe).
"""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from bookings.models import Booking, BookingEvent, BookingStatus
from bookings.selectors.group_sessions import seats_taken
from bookings.services.links import booking_link_issue
from bookings.state import Reason
from notifications.models import Notification
from terms.selectors import terms_in_force
from tests.bookings.seat_helpers import seminar
from tests.factories import office_with
from tests.helpers import NOW, delivered, email_checked, person

pytestmark = pytest.mark.django_db

VICTIM = person(name="川越 花子", email="hanako@example.jp", job_seeker_number="12345-7654321")
STRANGER = person(name="佐世保 次郎", email="jiro@example.jp", job_seeker_number="23456-7654321")

# Both ways an open request waits for its email link before it counts.
WAITING_OFFICES = {
    "email_check": {"email_verification_minutes": 60},
    "staff_approval": {"confirmation_mode": "staff_approval"},
}
WAITING_STATUS = {"email_check": "pending_verification", "staff_approval": "requested"}
# What the old answer said, in every form it took.
TOLD = ("seat_held", "すでに予約済み", "already have a seat")


@pytest.fixture(params=WAITING_OFFICES)
def office(request):
    """An office of the test's own, its slug the one `seminar` takes by default."""
    built = office_with(slug="kawagoe", **WAITING_OFFICES[request.param])
    built.waiting = request.param
    return built


def api_seat(client, session, data, address):
    body = {
        **data, "agree_terms": True,
        "terms_version": terms_in_force(office=session.office, at=NOW).pk,
    }  # fmt: skip
    return client.post(
        f"/api/v1/offices/{session.office.slug}/sessions/{session.uuid}/seats",
        json.dumps(body), content_type="application/json", REMOTE_ADDR=address,
    )  # fmt: skip


def holds_seat(client, session, data=VICTIM) -> Booking:
    """A seat the person requested and confirmed from its email: it counts as theirs."""
    response = api_seat(client, session, data, "192.0.2.10")
    assert response.status_code == 201, response.content
    return email_checked(Booking.objects.get(reference=response.json()["reference"]))


def shape(response) -> tuple:
    """What the caller learns, less the values that differ for any two seats."""
    body = response.json()
    return response.status_code, sorted(body), body.get("status"), body.get("code")


def test_the_api_answers_a_seat_request_the_same_for_an_address_that_holds_a_seat(office):
    session = seminar(capacity=5)
    holds_seat(Client(), session)
    fresh = api_seat(Client(), session, STRANGER, "192.0.2.20")
    probe = api_seat(Client(), session, VICTIM, "192.0.2.30")
    assert shape(probe) == shape(fresh) == (201, shape(fresh)[1], WAITING_STATUS[office.waiting],
                                            None)  # fmt: skip
    for told in TOLD:
        assert told not in probe.content.decode()


def seat_on_the_site(session, data):
    """The seat's page as a person fills it in, followed to where it lands."""
    return Client().post(
        reverse("seat-book", args=[session.office.slug, session.uuid]),
        {
            **data, "key": data["email"], "agree_terms": "on",
            "terms_version": terms_in_force(office=session.office, at=NOW).pk,
        },
        HTTP_ACCEPT_LANGUAGE="ja", follow=True,
    )  # fmt: skip


def _page_text(response, data) -> str:
    """The page less what differs for any two seats: the reference, the details typed, the
    secret link to the booking's page, the form's CSRF token."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", response.content.decode())
    html = re.sub(r"/bookings/[A-Za-z0-9_\-]+/", "/bookings/LINK/", html)
    booking = Booking.objects.filter(email=data["email"]).order_by("-pk").first()
    for value in (booking.reference, data["email"], data["name"]):
        html = html.replace(value, "SAME")
    return html


def test_the_seat_page_answers_the_same_for_an_address_that_holds_a_seat(office):
    session = seminar(capacity=5)
    holds_seat(Client(), session)
    fresh = seat_on_the_site(session, STRANGER)
    probe = seat_on_the_site(session, VICTIM)
    done = reverse("booking-done", args=[office.slug])
    assert probe.redirect_chain == fresh.redirect_chain == [(done, 302)]
    assert probe.status_code == fresh.status_code == 200
    text = _page_text(probe, VICTIM)
    for told in TOLD:
        assert told not in text
    assert text == _page_text(fresh, STRANGER)


def test_the_owner_learns_of_the_seat_they_hold_when_opening_the_requests_link(client, office):
    session = seminar(capacity=5)
    first = holds_seat(client, session)
    probe = api_seat(client, session, VICTIM, "192.0.2.30")
    second = Booking.objects.get(reference=probe.json()["reference"])
    assert seats_taken(session, now=NOW) == 2  # held until its link is opened, as any request
    token = booking_link_issue(booking=second, purpose="verify")
    page = client.post(f"/verify/{token}/", HTTP_ACCEPT_LANGUAGE="ja")
    assert page.status_code == 409
    html = page.content.decode()
    assert "この回の席はすでに予約済みのため、今回の申込みは予約にならず" in html
    assert "予約ページで確認できます" in html  # where to see the seat they hold
    assert "期限までに押されなかった" not in html  # not said to have lapsed
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == BookingStatus.EXPIRED and first.status in (
        BookingStatus.CONFIRMED, BookingStatus.REQUESTED,
    )  # fmt: skip
    assert seats_taken(session, now=NOW) == 1  # its seat back
    event = BookingEvent.objects.filter(booking=second).order_by("-pk").first()
    assert event.reason_code == Reason.SAME_PERSON_HOLDS_SEAT
    email = delivered(
        Notification.objects.get(kind="booking_expired", recipient=VICTIM["email"])
    )  # fmt: skip
    assert "この回の席はすでに予約済みのため" in email.body_text
    assert email.body_text.splitlines()[0].endswith("からのお知らせです。")


def test_a_request_another_person_made_with_the_address_does_not_take_the_owners_seat(office):
    """A stranger's request with the address, never opened, neither blocks the owner's own
    request nor counts when the owner confirms theirs."""
    session = seminar(capacity=5)
    stranger = api_seat(Client(), session, VICTIM, "192.0.2.30")
    assert stranger.status_code == 201
    owner = holds_seat(Client(), session)
    assert owner.status in (BookingStatus.CONFIRMED, BookingStatus.REQUESTED)
    assert owner.verification_expires_at is None


def test_seat_requests_of_one_address_count_toward_its_connections_holds(client, settings):
    settings.HOLD_LIMIT_PER_ADDRESS = "2/d"
    office_with(slug="kawagoe", email_verification_minutes=60)
    session = seminar(capacity=5)
    answers = [api_seat(client, session, VICTIM, "192.0.2.40").status_code for _ in range(3)]
    assert answers == [201, 201, 429]
    assert Booking.objects.filter(group_session=session).count() == 2
