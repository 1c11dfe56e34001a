"""
The outside review's five inputs that gave a 500, replayed through the page or the API
exactly as the review sent them: each is now a 4xx (or the page at a sensible default),
and nothing was written.

Replay: `.venv/bin/python -m pytest tests/production/test_review_inputs.py -q`.
"""

import json

import pytest
from django.urls import reverse

from bookings.models import Booking, BookingEvent, BookingStatus, DeviceCheck
from offices.models import User
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, book, jst, manage_token, person


@pytest.fixture
def lenient(client):
    client.raise_request_exception = False
    return client


@pytest.fixture
def office(db):
    """A counselor confirms each request: a booking waits as a request staff may answer
    with another time."""
    return office_with(confirmation_mode="staff_approval")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root-review", "root-review@example.jp", "pw-review")


def test_a_booking_at_the_end_of_time_through_the_api_is_a_422(lenient, office):
    terms = terms_in_force(office=office, at=NOW)
    body = {**person(), "start": "9999-12-31T23:59:59+09:00", "terms_version": terms.pk,
            "agree_terms": True}  # fmt: skip
    response = lenient.post(
        f"/api/v1/offices/{office.slug}/bookings",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid"
    assert not Booking.objects.exists()


def test_the_change_page_from_the_end_of_time_shows_the_times_from_today(lenient, office):
    booking = book(office.services.get(), jst(2026, 11, 26, 9, 30)).booking
    url = reverse("booking-change", args=[manage_token(booking)])
    for value in ("9999-12-31", "0001-01-01", "10000-01-01"):
        response = lenient.get(url, {"from": value})
        assert response.status_code in (200, 400), (value, response.status_code)


@pytest.mark.parametrize("value", ["1e999", "-1e999", "nan", "inf", "1e308"])
def test_a_device_check_result_with_an_infinite_round_trip_is_saved_without_the_figure(
    lenient, office, value
):
    booking = book(office.services.get(), jst(2026, 11, 26, 9, 30)).booking
    data = {"browser": "passed", "round_trip_ms": value, "download_kbps": value}
    response = lenient.post(reverse("booking-device-check", args=[manage_token(booking)]), data)
    assert response.status_code in (302, 400), response.status_code
    for check in DeviceCheck.objects.filter(booking=booking):
        assert check.round_trip_ms in (None, 60_000) and check.download_kbps in (None, 10_000_000)


def test_the_reports_for_the_year_one_are_a_form_error(lenient, office, superuser):
    lenient.force_login(superuser)
    response = lenient.get("/admin/reports/", {"first": "0001-01-01", "last": "0001-12-31"})
    assert response.status_code in (200, 400), response.status_code
    assert "2000" in response.content.decode()  # the error names the bounds


def test_a_proposal_at_the_start_of_time_is_refused_on_the_page(lenient, office, superuser):
    booking = book(office.services.get(), jst(2026, 11, 26, 9, 30)).booking
    assert booking.status == BookingStatus.REQUESTED  # a request, which staff may propose for
    events = BookingEvent.objects.filter(booking=booking).count()
    lenient.force_login(superuser)
    url = reverse("admin:bookings_booking_propose", args=[booking.pk])
    response = lenient.post(url, {"start": "0001-01-01T00:00:00+14:00"})
    assert response.status_code == 409, response.status_code
    assert BookingEvent.objects.filter(booking=booking).count() == events
