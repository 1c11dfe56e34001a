"""
A GET stores nothing (issue 23): every GET of an email-check link stored a new manage link.
The page's link to the booking page is now a button (a POST), which issues one.
"""

from datetime import time

import pytest

from bookings.models import BookingLink
from bookings.services.links import booking_link_issue
from tests.factories import office_with
from tests.helpers import book, jst

pytestmark = pytest.mark.django_db


def test_opening_an_email_check_link_again_and_again_stores_no_link(client):
    office = office_with(hours=(time(9, 0), time(12, 0)), email_verification_minutes=60)
    booking = book(office.services.get(), jst(2026, 11, 26, 9, 0)).booking
    token = booking_link_issue(booking=booking, purpose="verify")
    assert client.post(f"/verify/{token}/").status_code == 302
    stored = BookingLink.objects.count()
    for _ in range(5):
        page = client.get(f"/verify/{token}/")
        assert page.status_code == 200
    assert BookingLink.objects.count() == stored
    opened = client.post(f"/verify/{token}/")  # the page's button: one link, on a POST
    assert opened.status_code == 302 and "/bookings/" in opened["Location"]
    assert BookingLink.objects.count() == stored + 1
