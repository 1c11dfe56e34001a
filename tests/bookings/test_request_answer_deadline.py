"""
By when a counselor answers a request, one rule on every page (issue 26 walk, item B): at
Kawagoe the office's page said 「日程の連絡メールが翌営業日までに届かない場合はお電話ください。」
while the booking page, once the request was sent, said 「2026年12月9日(水) 9:30までに、相談員が
この日時を確定するか…」, 9:30 being the session's own start (72 hours from sending always
reached past it). An office may give its counselors business days
(`request_decision_business_days`): the deadline is the end of the service's hours on that
business day, never after the start, and the office page says the same rule, with its number.
"""

import re
from datetime import time

import pytest
from django.urls import reverse

from bookings.models import Booking
from offices.business_days import OfficeCalendar, request_answer_deadline
from tests.factories import kawagoe_like
from tests.helpers import book, email_checked, jst, manage_token

pytestmark = pytest.mark.django_db

THURSDAY = jst(2026, 11, 26, 9, 30)  # the first day two business days ahead of Sunday 22


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _kawagoe():
    return kawagoe_like(phone="049-242-0197", request_decision_business_days=1)


def test_the_booking_page_gives_the_next_business_days_end_and_not_the_sessions_start(client):
    office = _kawagoe()
    booking = email_checked(book(office.services.get(), THURSDAY).booking)
    # Sent on Sunday 22; Monday 23 is a national holiday (勤労感謝の日): Tuesday 24, at the
    # end of the service's hours (16:00).
    assert booking.decide_by == jst(2026, 11, 24, 16, 0)
    page = client.get(reverse("booking-manage", args=[manage_token(booking)])).content.decode()
    text = _text(page)
    assert "2026年11月24日(火) 16:00までに" in text
    assert "9:30までに" not in text
    assert 'href="tel:' in page


def test_the_deadline_is_never_after_the_sessions_start():
    hours = {d: [(time(9, 30), time(12)), (time(13), time(16))] for d in range(5)}
    friday_evening = jst(2026, 11, 27, 18, 0)
    # The next business day is Monday 30; its end is 16:00.
    assert request_answer_deadline(friday_evening, 1, OfficeCalendar(), hours) == jst(
        2026, 11, 30, 16, 0
    )
    office = _kawagoe()
    booking = book(office.services.get(), THURSDAY).booking
    Booking.objects.filter(pk=booking.pk).update(start=jst(2026, 11, 24, 9, 30))
    booking.refresh_from_db()
    assert email_checked(booking).decide_by == jst(2026, 11, 24, 9, 30)


def test_the_office_page_states_the_same_rule_with_the_offices_number(client):
    office = _kawagoe()
    page = client.get(reverse("office-detail", args=[office.slug])).content.decode()
    confirmation = re.search(r"<dt>予約の確定</dt><dd>(.*?)</dd>", page, re.S).group(1)
    assert "翌営業日" in confirmation
    assert '<a href="tel:' in confirmation and "049-242-0197" in confirmation
