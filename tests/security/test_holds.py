"""
Holds that cannot be abused (issue 13): the 15-request burst that held every time of
Toyooka's 2026-12-11 no longer empties the day, and an unconfirmed request lapses. Here at
an office like Toyooka that day: two counselors who confirm each request, seven times.
"""

import json
from datetime import time, timedelta

import pytest
from django.test import override_settings

from bookings.models import Booking, BookingStatus
from bookings.services.transitions import bookings_expire_unverified
from bookings.state import Reason
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, counselor_account, jst, person

pytestmark = pytest.mark.django_db

DAY = "2026-12-11"
LIMITS = {"HOLD_LIMIT_PER_ADDRESS": "3/d", "HOLD_MAX_UNCONFIRMED_PER_DAY": 4,
          "TRUSTED_PROXIES": ["10.0.0.1"]}  # fmt: skip


@pytest.fixture
def office():
    """Two counselors who confirm each request, seven times a day: 14 places."""
    return office_with(
        confirmation_mode="staff_approval", counselors=2, hours=(time(9, 30), time(13, 0))
    )


def free_times(client, office):
    body = client.get(f"/api/v1/offices/{office.slug}/slots?from={DAY}&to={DAY}").json()
    return [slot["start"] for slot in body["slots"]]


def request(client, office, start, n, **extra):
    terms = terms_in_force(office=office, at=NOW)
    body = {
        "start": start, "terms_version": terms.pk, "agree_terms": True,
        **person(name=f"架空 {n}", job_seeker_number=f"9{n:04d}-{n}", email=f"x{n}@invented.example"),
    }  # fmt: skip
    return client.post(f"/api/v1/offices/{office.slug}/bookings", json.dumps(body),
                       content_type="application/json", **extra)  # fmt: skip


def _burst(client, office, extra_for):
    times = free_times(client, office)
    assert len(times) >= 7
    answers = []
    for n in range(15):
        answers.append(request(client, office, times[n % len(times)], n, **extra_for(n)))
    return answers


@override_settings(**LIMITS)
def test_a_burst_from_one_address_no_longer_empties_the_day(client, office):
    answers = _burst(client, office, lambda n: {"REMOTE_ADDR": "203.0.113.5"})
    codes = [a.status_code for a in answers]
    assert codes.count(201) == 3 and codes.count(429) == 12
    assert free_times(client, office)  # the day still has free times
    assert Booking.objects.filter(status__in=["requested", "pending_verification"]).count() == 3


@override_settings(**LIMITS)
def test_a_burst_from_many_addresses_is_capped_per_office_day(client, office):
    answers = _burst(
        client,
        office,
        extra_for=lambda n: {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"},
    )
    codes = [a.status_code for a in answers]
    assert codes.count(201) == 7  # half the day's 14 places (issue 23)
    busy = [a.json() for a in answers if a.status_code == 409]
    assert busy and all(b["code"] == "holds_busy" for b in busy)
    assert len(free_times(client, office)) >= 7


def test_an_unconfirmed_request_lapses_on_its_own_and_frees_the_time(client, office, frozen):
    times = free_times(client, office)
    answer = request(client, office, times[0], 1)
    assert answer.status_code == 201 and answer.json()["status"] == "requested"
    booking = Booking.objects.get()
    assert booking.verification_expires_at == NOW + timedelta(minutes=60)
    frozen.shift(61 * 60)
    assert bookings_expire_unverified(now=NOW + timedelta(minutes=61)) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED
    assert times[0] in free_times(client, office)


def test_a_request_confirmed_from_the_email_waits_for_the_counselor(client, office, frozen):
    times = free_times(client, office)
    request(client, office, times[0], 1)
    booking = Booking.objects.get()
    from bookings.services.links import booking_link_issue

    token = booking_link_issue(booking=booking, purpose="verify")
    assert client.post(f"/verify/{token}/").status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED and booking.verification_expires_at is None
    assert booking.events.filter(reason_code=Reason.REQUEST_CONFIRMED).exists()
    assert bookings_expire_unverified(now=jst(2026, 11, 30, 10, 0)) == 0


@override_settings(**LIMITS)
def test_counselors_see_the_burst_and_another_office_does_not(client, office):
    from django.urls import reverse

    other = office_with()
    _burst(client, office, lambda n: {"REMOTE_ADDR": "203.0.113.5", "HTTP_USER_AGENT": "burst-bot"})
    client.force_login(counselor_account(office))
    page = client.get(reverse("admin:bookings_booking_bursts"))
    assert page.status_code == 200
    bursts = page.context["bursts"]
    assert len(bursts) == 1 and bursts[0].count == 3
    refs = set(Booking.objects.values_list("reference", flat=True))
    assert {b.reference for b in bursts[0].bookings} == refs
    client.force_login(counselor_account(other))
    assert client.get(reverse("admin:bookings_booking_bursts")).context["bursts"] == []
    assert (
        client.get(reverse("admin:bookings_booking_bursts") + f"?office={office.slug}").status_code
        == 404
    )
