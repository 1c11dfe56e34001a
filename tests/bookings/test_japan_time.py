"""
Issue 26, minor: English times without "Japan time". Wherever a time is shown in a language
but Japanese (pages, emails), its block says the time zone once, never on every slot; in
Japanese nothing is added. Data built here (tests.factories.office_with).
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import office_with
from tests.helpers import book, jst, manage_token

pytestmark = pytest.mark.django_db

ZONE = "(Japan time)"


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_time_page_says_japan_time_once_for_its_times_in_english(client):
    office = office_with(counselors=1)
    html = _english(client).get(reverse("booking-start", args=[office.slug])).content.decode()
    times = html.split('<p class="period">')[1].split('class="actions actions--sticky"')[0]
    assert _text(times).count(ZONE) == 1  # the period line, not each of the slots
    assert re.search(r"\d:\d\d–\d+:\d\d", _text(times))
    japanese = client.get(reverse("booking-start", args=[office.slug]), HTTP_COOKIE="")
    assert "日本の時間" not in japanese.content.decode() and ZONE not in japanese.content.decode()


def test_the_office_page_says_japan_time_once_for_its_hours_in_english(client):
    office = office_with(counselors=1, lead_time_days=1, lead_time_cutoff="17:00")
    html = _english(client).get(reverse("office-detail", args=[office.slug])).content.decode()
    hours = html.split("<dt>Hours</dt>")[1].split("</dd>")[0]
    assert "9:30–12:00" in hours and _text(hours).count(ZONE) == 1
    booking = html.split("<dt>How to book</dt>")[1].split("</dd>")[0]
    assert re.search(r"until 17:00 that day\) \(Japan time\)\.", _text(booking))


def test_the_change_steps_say_japan_time_once_in_english(client):
    office = office_with(counselors=1)
    booking = book(office.services.get(), jst(2026, 11, 26, 9, 30)).booking
    token = manage_token(booking)
    step = _english(client).get(
        reverse("booking-change-confirm", args=[token]), {"start": "2026-11-26T10:30:00+09:00"}
    )
    question = _text(step.content.decode().split('<p class="lead">')[1].split("</p>")[0])
    assert "Thu 26 Nov 2026, 9:30–10:00 to Thu 26 Nov 2026, 10:30–11:00 (Japan time)?" in question
    times = client.get(reverse("booking-change", args=[token])).content.decode()
    assert _text(times.split('<p class="period">')[1].split("</fieldset>")[0]).count(ZONE) == 1


def test_waitlist_emails_say_japan_time_with_the_times_and_the_offer_s_deadline():
    from tests.waitlist.helpers import at, join, waitlist_office
    from waitlist.emails import entry_facts

    env = waitlist_office()
    entry = join(env, earliest=at(9, 30), latest=at(11, 0))
    with translation.override("en"):
        assert entry_facts(entry)["times"] == "09:30–11:00 (Japan time)"
    with translation.override("ja"):
        assert entry_facts(entry)["times"] == "09:30〜11:00"
