"""
Issue 26, the walk: an email whose step is to open its own link says "this email's link",
not "the email we sent" (which sends the person looking for another email); the page
still points to the email. The calendar file, read long after, says what the event is
and where the booking page is, with no deadline that goes stale once it has passed.
"""

import re
from datetime import time

import pytest
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from bookings.emails.applicant import booking_message
from bookings.emails.ics import booking_ics
from bookings.next_steps import booking_story
from bookings.state import EmailKind
from offices import display
from tests.factories import office_with
from tests.helpers import LINKS, book, jst, manage_token

pytestmark = pytest.mark.django_db

SAT = jst(2026, 11, 28, 9, 30)
THU = jst(2026, 11, 26, 9, 30)


@pytest.fixture
def evening():
    """Final once the person presses the button behind the email's link (within an hour),
    as Sasebo's evening/Saturday service."""
    return office_with(
        weekdays=(5,), hours=(time(9, 30), time(12, 30)), slot_minutes=45,
        confirmation_mode="instant", email_verification_minutes=60,
    ).services.get()  # fmt: skip


@pytest.fixture
def kawagoe():
    """A request is sent to the counselors from the email's link, as at Kawagoe."""
    return office_with(confirmation_mode="staff_approval").services.get()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _description(ics: str) -> str:
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    return str(event["DESCRIPTION"])


@pytest.mark.parametrize(("service", "start"), [("evening", SAT), ("kawagoe", THU)])
def test_the_email_points_to_its_own_link(client, request, service, start):
    booking = book(request.getfixturevalue(service), start).booking
    message = booking_message(booking, EmailKind.CREATED, links=LINKS)
    for text in (message.text, _text(message.html)):
        assert "このメールのリンクを開き" in text
        assert "お送りしたメール" not in text
    page = client.get(reverse("booking-manage", args=[manage_token(booking)])).content.decode()
    assert "お送りしたメールのリンクを開き" in _text(page)  # the page: another place, the email

    booking.language = "en"
    message = booking_message(booking, EmailKind.CREATED, links=LINKS)
    assert "Open the link in this email" in message.text and "email we sent" not in message.text


@pytest.mark.parametrize(("service", "start"), [("evening", SAT), ("kawagoe", THU)])
def test_the_calendar_file_keeps_no_deadline_and_says_where_the_booking_page_is(
    request, service, start
):
    booking = book(request.getfixturevalue(service), start).booking
    with translation.override("ja"):
        deadline = display.format_datetime(booking.verification_expires_at)
    description = _description(booking_ics(booking, manage_url=LINKS["manage_url"]))
    assert deadline not in description
    assert "までに" not in description and "お送りしたメール" not in description
    assert "予約ページ" in description and LINKS["manage_url"] in description
    with translation.override("ja"):
        assert booking_story(booking).title in description  # what the event is
