"""
Every hold lapses (issue 23): a request confirmed from its email used to wait for a
counselor "unexpiring", and was no longer counted by the per-day cap, so 14 requests
emptied Toyooka's 2026-12-14 for good; and the fixed cap of 4 refused Sasebo's 5th and
6th people of an hour while 32 free times a day were listed. Now a confirmed request lapses
when no counselor answers by the office's deadline, and the cap counts every undecided
request and scales with the day's places.
"""

import json
from datetime import time, timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings

from bookings.models import Booking, BookingStatus
from bookings.services.holds import requests_lapse_undecided
from bookings.services.links import booking_link_issue
from bookings.state import Reason
from notifications.models import Notification
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, delivered, email_checked, jst, person

DAY = "2026-11-26"  # a Thursday; Monday 23 is a holiday
LIMITS = {"HOLD_LIMIT_PER_ADDRESS": "3/d", "HOLD_MAX_UNCONFIRMED_PER_DAY": 4,
          "TRUSTED_PROXIES": ["10.0.0.1"]}  # fmt: skip
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("limits")]


@pytest.fixture
def limits():
    with override_settings(**LIMITS):
        yield


def free_times(client, office):
    cache.clear()  # its version is bumped after commit, which a test's transaction never is
    body = client.get(f"/api/v1/offices/{office.slug}/slots?from={DAY}&to={DAY}").json()
    return [slot["start"] for slot in body["slots"]]


def request(client, office, start, n):
    body = {
        "start": start, "terms_version": terms_in_force(office=office, at=NOW).pk,
        "agree_terms": True,
        **person(name=f"申込 {n}", job_seeker_number=f"9{n:04d}-{n}", email=f"x{n}@catchall.example"),
    }  # fmt: skip
    return client.post(
        f"/api/v1/offices/{office.slug}/bookings", json.dumps(body),
        content_type="application/json",
        REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
    )  # fmt: skip


def confirm_from_email(client, booking):
    token = booking_link_issue(booking=booking, purpose="verify")
    assert client.post(f"/verify/{token}/").status_code == 302


def toyooka_like():
    """14 places a day, one counselor, requests held until a counselor confirms."""
    return office_with(hours=(time(9, 0), time(16, 0)), confirmation_mode="staff_approval")


def test_fourteen_requests_confirmed_from_their_emails_no_longer_empty_a_day(client):
    office = toyooka_like()
    times = free_times(client, office)
    assert len(times) == 14
    answers = []
    for n, start in enumerate(times):
        answer = request(client, office, start, n)
        answers.append(answer)
        if answer.status_code == 201:
            confirm_from_email(client, Booking.objects.get(reference=answer.json()["reference"]))
    codes = [a.status_code for a in answers]
    assert codes.count(201) == 7  # half the day's places
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"holds_busy"}
    assert len(free_times(client, office)) == 7


def test_the_fifth_and_sixth_people_of_an_hour_are_not_refused_on_a_day_of_32_places(client):
    office = office_with(hours=(time(9, 0), time(17, 0)), counselors=2,
                         confirmation_mode="staff_approval")  # fmt: skip
    times = free_times(client, office)
    assert len(times) == 16  # 32 places: 16 times, two counselors each
    codes = [request(client, office, times[n], n).status_code for n in range(6)]
    assert codes == [201] * 6


def test_a_request_confirmed_from_its_email_lapses_when_no_counselor_answers(client, frozen):
    office = toyooka_like()
    start = free_times(client, office)[0]
    assert request(client, office, start, 1).status_code == 201
    booking = Booking.objects.get()
    confirm_from_email(client, booking)
    booking.refresh_from_db()
    assert booking.decide_by == min(NOW + timedelta(hours=72), booking.start)
    assert requests_lapse_undecided(now=booking.decide_by - timedelta(minutes=1)) == 0
    frozen.move_to(booking.decide_by)
    assert requests_lapse_undecided(now=booking.decide_by) == 1
    assert requests_lapse_undecided(now=booking.decide_by) == 0  # idempotent
    booking.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED
    assert booking.events.filter(reason_code=Reason.REQUEST_UNDECIDED).count() == 1
    assert start in free_times(client, office)
    told = delivered(Notification.objects.get(kind="booking_expired"))
    assert told.recipient == "x1@catchall.example"
    assert f"/offices/{office.slug}/book/" in told.body_text  # offered to book again
    assert "期限内に申込みにお答えできなかった" in told.body_text


def test_the_deadline_is_the_offices_and_never_after_the_session_start(client):
    office = toyooka_like()
    office.request_decision_hours = 24
    office.save()
    start = free_times(client, office)[0]  # Thursday 9:00, 95 hours away
    request(client, office, start, 1)
    booking = Booking.objects.get()
    confirm_from_email(client, booking)
    booking.refresh_from_db()
    assert booking.decide_by == NOW + timedelta(hours=24)
    office.request_decision_hours = 200
    office.save()
    request(client, office, free_times(client, office)[1], 2)
    second = Booking.objects.exclude(pk=booking.pk).get()
    confirm_from_email(client, second)
    second.refresh_from_db()
    assert second.decide_by == second.start


def test_a_request_a_counselor_answered_does_not_lapse(client):
    from bookings.services.staff import booking_confirm
    from offices.models import User

    office = toyooka_like()
    request(client, office, free_times(client, office)[0], 1)
    booking = Booking.objects.get()
    confirm_from_email(client, booking)
    counselor = User.objects.get(counselor__office=office)
    booking_confirm(booking=email_checked(booking), by=counselor, now=NOW)
    assert requests_lapse_undecided(now=jst(2026, 11, 26, 8, 0)) == 0
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert not Notification.objects.filter(kind="booking_expired").exists()


def test_the_time_step_offers_no_time_of_a_day_whose_undecided_requests_reached_the_cap(client):
    """A small day (8 places: the cap is 4): once four requests wait, the page no longer
    offers its other times, rather than the fifth person typing everything and being refused
    at the last step; a decision frees the day again."""
    office = office_with(hours=(time(9, 0), time(11, 0)), counselors=2,
                         confirmation_mode="staff_approval")  # fmt: skip
    service = office.services.get()

    def offered():
        cache.clear()
        page = client.get(f"/offices/{office.slug}/book/?service={service.slug}")
        return page.content.decode().count(f'value="{DAY}T')

    assert offered() == 4  # four times, two counselors each
    for n in range(4):
        assert request(client, office, f"{DAY}T09:00:00+09:00" if n < 2 else
                       f"{DAY}T09:30:00+09:00", n).status_code == 201  # fmt: skip
    assert offered() == 0  # four places left, and none offered
    answer = request(client, office, f"{DAY}T10:00:00+09:00", 5)
    assert answer.status_code == 409 and answer.json()["code"] == "holds_busy"
    Booking.objects.filter(start=jst(2026, 11, 26, 9, 0)).update(
        status=BookingStatus.CONFIRMED, verification_expires_at=None
    )  # two decided by a counselor
    assert offered() == 2  # 10:00 and 10:30 again
