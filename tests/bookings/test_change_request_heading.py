"""
A change of time asked for at an office whose counselors confirm it (issue 26 walk, item
E): after 「この日時への変更を申し込む」 at Kawagoe the page's heading read 「予約が確定しました」
and gave no deadline. It now says the change was requested, that the booking keeps its time
until a counselor answers, by when (the office's rule for requests, as its page says), and
the office's number.
"""

import re

import pytest
from django.urls import reverse

from bookings.models import Booking, BookingStatus
from tests.factories import kawagoe_like
from tests.helpers import book, jst, manage_token

pytestmark = pytest.mark.django_db

THURSDAY = jst(2026, 11, 26, 9, 30)
LATER = jst(2026, 11, 27, 10, 0)


def test_the_page_after_a_change_request_says_it_was_requested_and_by_when(client):
    office = kawagoe_like(phone="049-242-0197", request_decision_business_days=1)
    booking = book(office.services.get(), THURSDAY).booking
    Booking.objects.filter(pk=booking.pk).update(
        status=BookingStatus.CONFIRMED, verification_expires_at=None
    )
    token = manage_token(booking)
    response = client.post(
        reverse("booking-change", args=[token]), {"start": LATER.isoformat()}, follow=True
    )
    page = response.content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert "確定しました" not in heading
    assert "変更を申し込みました" in heading
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    # Sent on Sunday 22; Monday 23 is a holiday: Tuesday 24 at the end of the hours.
    assert "2026年11月24日(火) 16:00までに" in text
    assert "上の日時のまま" in text
    assert 'href="tel:0492420197"' in page
