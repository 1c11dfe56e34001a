"""
Free text that cannot be turned against people (issue 23): a name with a URL
("【重要】本人確認のため https://… で再認証") arrived from the office's own sender; invisible
and direction characters were refused in names only, not in notes or affiliations.
"""

import json
from datetime import time

import pytest

from bookings.models import Booking
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, person

pytestmark = pytest.mark.django_db


def _post(client, office, language="ja", **details):
    body = {
        "start": "2026-11-26T09:00:00+09:00", "agree_terms": True,
        "terms_version": terms_in_force(office=office, at=NOW).pk, **person(**details),
    }  # fmt: skip
    return client.post(
        f"/api/v1/offices/{office.slug}/bookings", json.dumps(body),
        content_type="application/json", HTTP_ACCEPT_LANGUAGE=language,
    )  # fmt: skip


@pytest.mark.parametrize(
    "name",
    [
        "【重要】本人確認のため https://evil.example/login で再認証",
        "山田 www.evil.example",
        "山田 taro@evil.example",
        "お電話ください 090-1234-5678",
        "山田 evil.com",
    ],
)
def test_a_name_with_a_web_address_email_or_phone_number_is_refused(client, name):
    office = office_with(hours=(time(9, 0), time(12, 0)))
    answer = _post(client, office, name=name)
    assert answer.status_code == 422
    assert "連絡先" in answer.json()["errors"]["name"][0]
    assert not Booking.objects.exists()
    english = _post(client, office, language="en", name=name).json()["errors"]["name"][0]
    assert "remove the web address" in english


def test_ordinary_names_still_book(client):
    office = office_with(hours=(time(9, 0), time(12, 0)), counselors=3)
    assert _post(client, office, name="山田 太郎").status_code == 201
    assert _post(client, office, name="J. Smith-Tanaka", email="j@example.jp").status_code == 201


@pytest.mark.parametrize(
    "details",
    [
        {"note": "よろしく\u202eお願いします"},
        {"note": "見えない\u200b文字"},
        {"attendees": [{"role": "helper", "name": "佐藤 花子", "affiliation": "支援\u202e機関"}]},
    ],
)
def test_invisible_and_direction_characters_are_refused_in_notes_and_affiliations(client, details):
    office = office_with(hours=(time(9, 0), time(12, 0)))
    answer = _post(client, office, **details)
    assert answer.status_code == 422
    assert "U+20" in json.dumps(answer.json()["errors"])
    assert not Booking.objects.exists()


def test_a_note_keeps_its_line_breaks(client):
    office = office_with(hours=(time(9, 0), time(12, 0)))
    assert _post(client, office, note="一行目\n二行目").status_code == 201
