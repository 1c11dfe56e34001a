"""Readings over the kanji of the headings in やさしい日本語, where the office chooses."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from offices.ruby import add_ruby
from tests.factories import office_with

pytestmark = pytest.mark.django_db


# The fixed headings (<h1>, <h2>) of the person's pages, by msgid.
HEADINGS = [
    "All versions", "Battery", "Book again", "Book an online consultation", "Book this time",
    "Cancel your booking", "Cancellation", "Change your booking time", "Check your email",
    "Checklist for the day", "Choose a time", "Confirm your booking", "Connection", "Contact",
    "Device check", "Find your booking", "How to join", "How to prepare",
    "Please agree to the new terms of use before your session", "Please check",
    "Please correct the following", "Rules of the session", "Summary", "Terms of use",
    "This booking request lapsed", "This invitation no longer books", "Upcoming closures",
    "What changed in this version", "Your booking is confirmed", "Your details",
    "Your invitation to book a session", "Your session continues by phone",
    "The rules in short", "Accommodation you need",
    # the booking's stage, the booking page's <h1> (bookings.next_steps)
    "Your booking is not complete yet", "Your request is not complete yet",
    "Your request is waiting for a counselor", "Your session is under way",
    "Your session took place", "Your booking is cancelled",
]  # fmt: skip
KANJI = re.compile(r"[\u4e00-\u9fff]")


def _bare(html: str) -> str:
    """The text left outside the <ruby> elements."""
    return re.sub(r"<ruby>.*?</ruby>", "", html)


@pytest.mark.parametrize("msgid", HEADINGS)
def test_every_kanji_of_each_fixed_heading_gets_its_reading(msgid):
    with translation.override("ja-x-easy"):
        text = translation.gettext(msgid)
    assert text != msgid
    html = add_ruby(f"<h1>{text}</h1>")
    assert not KANJI.findall(_bare(html)), html


def test_readings_are_added_to_headings_only():
    html = add_ruby('<h1 class="x">予約の時間</h1><p>予約の時間</p><h2><a href="/">予約</a></h2>')
    assert html == (
        '<h1 class="x"><ruby>予約<rt>よやく</rt></ruby>の<ruby>時間<rt>じかん</rt></ruby></h1>'
        '<p>予約の時間</p><h2><a href="/"><ruby>予約<rt>よやく</rt></ruby></a></h2>'
    )


def _page(client, office, language):
    client.cookies["django_language"] = language
    return client.get(reverse("booking-start", args=[office.slug])).content.decode()


def test_the_office_switch_puts_ruby_on_its_plain_japanese_pages_only(client):
    office = office_with()
    assert "<ruby>" not in _page(client, office, "ja-x-easy")  # off by default
    office.ruby = True
    office.save()
    html = _page(client, office, "ja-x-easy")
    assert "<h1><ruby>時間<rt>じかん</rt></ruby>を<ruby>選<rt>えら</rt></ruby>ぶ</h1>" in html
    assert "<ruby>" not in _page(client, office, "ja")
    assert "<ruby>" not in _page(client, office, "vi")
