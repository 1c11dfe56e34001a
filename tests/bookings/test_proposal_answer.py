"""
Issue 26, the walk at Kawagoe: a counselor proposes another time (schedule → "Propose
another time…"). The person's email, their booking page and the counselor's schedule give
the one deadline the proposal lapses at (`decide_by`), and the email and the page say the
one next step in the same words, naming both buttons as the page shows them.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from bookings.emails.applicant import booking_message
from bookings.models import Booking
from bookings.services.staff import booking_propose_time
from bookings.state import EmailKind
from offices import display
from tests.bookings.staff_day_helpers import block_of, confirm_from_email
from tests.factories import office_with
from tests.helpers import LINKS, NOW, book, jst, manage_token, service

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)
FRI = jst(2026, 11, 27, 11, 30)
SCHEDULE = "/admin/bookings/booking/schedule/"


@pytest.fixture
def kawagoe(db):
    """Counselors answer each request (staff approval); the person has the model's default
    48 hours to answer a proposal, so its deadline comes days before the proposed time."""
    return office_with(slug="kawagoe", confirmation_mode="staff_approval", counselors=2)


@pytest.fixture
def proposed(kawagoe, counselor):
    booking = book(service("kawagoe"), THU).booking
    confirm_from_email(booking, NOW)
    booking_propose_time(
        booking=Booking.objects.get(pk=booking.pk), by=counselor, start=FRI, now=NOW
    )
    return Booking.objects.get(pk=booking.pk)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _email(booking) -> tuple[str, str]:
    message = booking_message(booking, EmailKind.PROPOSED, links=LINKS)
    return message.text, _text(message.html)


def _page(client, booking) -> str:
    return _text(
        client.get(reverse("booking-manage", args=[manage_token(booking)])).content.decode()
    )


def test_the_person_is_given_the_deadline_the_proposal_lapses_at(client, staff_client, proposed):
    assert proposed.decide_by < proposed.start  # 48 hours from now, days before the time
    with translation.override("ja"):
        deadline = display.format_datetime(proposed.decide_by)
        too_late = display.format_datetime(proposed.start)
    page = _page(client, proposed)
    for text in (*_email(proposed), page):
        assert f"{deadline}より前" in text
        assert f"{too_late}より前" not in text
    schedule = staff_client.get(SCHEDULE, {"date": "2026-11-27"}).content.decode()
    assert f"{proposed.decide_by.astimezone(display.JST):%-m/%-d %-H:%M}まで" in block_of(
        schedule, proposed
    )


def test_the_email_and_the_page_say_the_next_step_in_the_same_words(client, proposed):
    text, html = _email(proposed)
    page = _page(client, proposed)
    step = (
        "予約ページで「この日時で予約する」を押してください。都合が合わない場合は"
        "「この日時は都合が合わない」を押してください。事業所から別の日時をご提案します。"
    )
    for surface in (text, html, page):
        assert step in surface
        assert "承諾" not in surface  # the step's one name is its button's
        assert "取り消すか" not in surface and "お電話ください" not in surface


def test_the_page_shows_both_buttons_the_step_names(client, proposed):
    html = client.get(reverse("booking-manage", args=[manage_token(proposed)])).content.decode()
    assert re.search(r"<button[^>]*>\s*この日時で予約する\s*</button>", html)
    assert re.search(r"<button[^>]*>\s*この日時は都合が合わない\s*</button>", html)
