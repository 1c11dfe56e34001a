"""
The bursts page (issue 23): it keyed devices by /24 plus the full browser string, so the
last 10 requests of the burst that emptied Toyooka's 2026-12-14, each with its own
browser string, were flagged by none. Bursts are now networks (IPv4 /24, IPv6 /48) whatever
the browser, and a counselor declines a burst's undecided requests in one action.
"""

import json
from datetime import time

import pytest
from django.test import override_settings
from django.urls import reverse

from bookings.models import Booking, BookingEvent, BookingStatus
from notifications.models import Notification
from offices.roles import COUNSELORS
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, person, staff

DAY = "2026-11-26"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("proxy")]
BURSTS = reverse("admin:bookings_booking_bursts")


@pytest.fixture
def proxy():
    with override_settings(TRUSTED_PROXIES=["10.0.0.1"], HOLD_LIMIT_PER_ADDRESS="50/d"):
        yield


def _office():
    return office_with(hours=(time(9, 0), time(17, 0)), counselors=2,
                       confirmation_mode="staff_approval")  # fmt: skip


def _request(client, office, n, address):
    times = client.get(f"/api/v1/offices/{office.slug}/slots?from={DAY}&to={DAY}").json()
    body = {
        "start": times["slots"][n % 16]["start"], "agree_terms": True,
        "terms_version": terms_in_force(office=office, at=NOW).pk,
        **person(name=f"架空 {n}", job_seeker_number=f"9{n:04d}-{n}", email=f"b{n}@catchall.example"),
    }  # fmt: skip
    answer = client.post(
        f"/api/v1/offices/{office.slug}/bookings", json.dumps(body),
        content_type="application/json", REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=address, HTTP_USER_AGENT=f"Mozilla/5.0 (burst {n})",
    )  # fmt: skip
    assert answer.status_code == 201, answer.content


def test_ten_requests_each_with_its_own_browser_string_are_one_burst(client):
    office = _office()
    for n in range(10):
        _request(client, office, n, f"198.51.100.{n + 1}")
    for n in range(10, 14):  # four /64s of one /48
        _request(client, office, n, f"2001:db8:7:{n}::1")
    client.force_login(staff(office, COUNSELORS, "counselor"))
    bursts = client.get(BURSTS).context["bursts"]
    assert sorted(b.count for b in bursts) == [4, 10]
    assert max(bursts, key=lambda b: b.count).device_types == 10


def test_a_counselor_declines_a_burst_in_one_action_each_person_emailed(client):
    office = _office()
    for n in range(5):
        _request(client, office, n, f"198.51.100.{n + 1}")
    _request(client, office, 9, "203.0.113.9")  # someone else, elsewhere
    counselor = staff(office, COUNSELORS, "counselor")
    client.force_login(counselor)
    burst = client.get(BURSTS).context["bursts"][0]
    asked = client.get(BURSTS, {"decline": burst.network})
    assert asked.context["declining"].network == burst.network
    assert "5" in asked.content.decode() and 'name="reason"' in asked.content.decode()
    refused = client.post(BURSTS, {"office": office.slug, "network": burst.network, "reason": ""})
    assert refused.status_code == 400
    assert not Booking.objects.filter(status=BookingStatus.CANCELLED).exists()
    done = client.post(
        BURSTS, {"office": office.slug, "network": burst.network, "reason": "架空の連続申込み"}
    )
    assert done.status_code == 302
    declined = Booking.objects.filter(status=BookingStatus.CANCELLED)
    assert declined.count() == 5
    assert Booking.objects.filter(status=BookingStatus.REQUESTED).count() == 1
    events = BookingEvent.objects.filter(booking__in=declined, to_status="cancelled")
    assert {(e.actor_id, e.reason) for e in events} == {(counselor.pk, "架空の連続申込み")}
    emails = Notification.objects.filter(kind="booking_cancelled")
    assert sorted(emails.values_list("recipient", flat=True)) == [
        f"b{n}@catchall.example" for n in range(5)
    ]


def test_another_offices_counselor_cannot_see_or_decline_the_burst(client):
    office = _office()
    for n in range(4):
        _request(client, office, n, f"198.51.100.{n + 1}")
    client.force_login(staff(office, COUNSELORS, "counselor"))
    network = client.get(BURSTS).context["bursts"][0].network
    other = office_with()
    client.force_login(staff(other, COUNSELORS, "elsewhere"))
    assert client.get(BURSTS).context["bursts"] == []
    assert client.get(BURSTS, {"office": office.slug}).status_code == 404
    client.post(BURSTS, {"office": office.slug, "network": network, "reason": "x"})
    answer = client.post(BURSTS, {"network": network, "reason": "x"})  # their own office
    assert answer.status_code == 302
    assert Booking.objects.filter(status=BookingStatus.REQUESTED).count() == 4
