"""
Issue 23, high: any web page could make its visitors' browsers book. The booking API took
a JSON body sent as text/plain, form-encoded or multipart and checked no Origin; now it
reads only `application/json` (else 415, JSON, in the language asked for), and every
booking or changing POST that a browser says came from another site books nothing (403).
The same attack in a real browser: tests/e2e/test_cross_site.py.
"""

import json

import pytest

from bookings.models import Booking, BookingStatus
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, book, manage_token, person

pytestmark = pytest.mark.django_db

EVIL = "https://evil.example"


@pytest.fixture
def office():
    return office_with(counselors=2)


def _body(office) -> dict:
    return {
        "start": "2026-11-24T09:30:00+09:00",
        "terms_version": terms_in_force(office=office, at=NOW).pk,
        "agree_terms": True,
        **person(),
    }


def _url(office) -> str:
    return f"/api/v1/offices/{office.slug}/bookings"


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"],
)
def test_a_json_body_sent_as_a_simple_form_type_books_nothing(client, office, content_type):
    answer = client.post(_url(office), json.dumps(_body(office)), content_type=content_type)
    assert answer.status_code == 415
    assert answer.json()["code"] == "unsupported_media_type"
    assert "Content-Type: application/json" in answer.json()["message"]
    assert not Booking.objects.exists()


def test_a_multipart_booking_books_nothing_and_says_why_in_english(client, office):
    fields = {k: v for k, v in _body(office).items() if not isinstance(v, bool)}
    answer = client.post(_url(office), fields, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 415
    assert answer.json() == {
        "code": "unsupported_media_type",
        "message": "Send the request body as JSON, with the header Content-Type: application/json.",
    }
    assert not Booking.objects.exists()


def test_the_refusal_is_in_japanese_by_default(client, office):
    answer = client.post(_url(office), json.dumps(_body(office)), content_type="text/plain")
    assert "JSON" in answer.json()["message"] and "送" in answer.json()["message"]


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": EVIL},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://sibling.testserver"},
        {"HTTP_ORIGIN": "null"},
    ],
)
def test_a_json_booking_a_browser_sent_from_another_site_books_nothing(client, office, headers):
    answer = client.post(
        _url(office), json.dumps(_body(office)), content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en", **headers,
    )  # fmt: skip
    assert answer.status_code == 403
    assert answer.json()["code"] == "cross_site"
    assert "another website" in answer.json()["message"]
    assert not Booking.objects.exists()


def test_the_sites_own_pages_and_api_clients_still_book(client, office):
    own = client.post(
        _url(office), json.dumps(_body(office)), content_type="application/json",
        HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin",
    )  # fmt: skip
    assert own.status_code == 201
    body = _body(office) | {"start": "2026-11-24T10:00:00+09:00", "email": "b@example.jp"}
    server = client.post(_url(office), json.dumps(body), content_type="application/json")
    assert server.status_code == 201
    assert Booking.objects.count() == 2


def test_the_web_forms_confirm_step_sent_from_another_site_books_nothing(client, office):
    service = office.services.get()
    start = "2026-11-24T09:30:00+09:00"
    details = client.post(
        f"/offices/{office.slug}/book/details/",
        {"service": service.slug, "start": start, **person()},
    )
    assert details.status_code == 302
    terms = terms_in_force(office=office, at=NOW)
    data = {"terms_version": terms.pk, "agree_terms": "on"}
    refused = client.post(
        f"/offices/{office.slug}/book/confirm/", data, HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert refused.status_code == 403
    assert "別のウェブサイト" in refused.content.decode()
    assert not Booking.objects.exists()
    booked = client.post(
        f"/offices/{office.slug}/book/confirm/", data, HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert booked.status_code == 302 and Booking.objects.count() == 1


def test_a_cancel_sent_from_another_site_changes_nothing(client, office):
    from tests.helpers import jst

    booking = book(office.services.get(), jst(2026, 11, 24, 9, 30)).booking
    token = manage_token(booking)
    answer = client.post(f"/bookings/{token}/cancel/", {}, HTTP_ORIGIN=EVIL)
    assert answer.status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
