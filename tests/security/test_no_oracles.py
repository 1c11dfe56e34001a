"""
No oracles (issue 23, 5): what an email address holds at an office is told to nobody but
the address's owner. `409 already_booked` ("…この時間にすでに予約があります") told anyone that an
address held a time, and the cap's "…これ以上予約できません（お一人 2 件まで）" that it held two
bookings. Now a request that holds a time until its email link is opened gets the answer
any booking gets, whatever the address holds; the person's checks run when the link is
opened, and the page behind the link and an email tell the address's owner what happened
and what to do. The cap exists once (`bookings.services.person_guard`), with one count.
"""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from bookings.models import Booking, BookingEvent, BookingStatus
from bookings.services.links import booking_link_issue
from bookings.state import Reason
from notifications.models import Notification
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, counselor_account, delivered, email_checked, jst, person

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)  # two counselors, requests held for a counselor
FRI = jst(2026, 11, 27, 9, 30)
VICTIM = person(name="川越 花子", email="hanako@example.jp", job_seeker_number="12345-7654321")


@pytest.fixture
def office():
    """ハローワーク川越 as these findings met it: two counselors who confirm each request."""
    return office_with(
        name="ハローワーク川越", name_en="Hello Work Kawagoe",
        confirmation_mode="staff_approval", counselors=2,
    )  # fmt: skip


def api_book(client, office, start, data, address="192.0.2.10"):
    body = {
        "start": start.isoformat(), **data, "agree_terms": True,
        "terms_version": terms_in_force(office=office, at=NOW).pk,
    }  # fmt: skip
    return client.post(
        f"/api/v1/offices/{office.slug}/bookings", json.dumps(body), content_type="application/json",
        REMOTE_ADDR=address,
    )  # fmt: skip


def holds(client, office, start, data, address="192.0.2.10") -> Booking:
    """A booking the person made, confirmed from its email, and a counselor confirmed."""
    from bookings.services.staff import booking_confirm

    response = api_book(client, office, start, data, address=address)
    assert response.status_code == 201, response.content
    booking = Booking.objects.get(reference=response.json()["reference"])
    counselor = counselor_account(office)
    return booking_confirm(booking=email_checked(booking), by=counselor, now=NOW)


def shape(response) -> tuple:
    """What the caller learns, less the values that differ for any two bookings."""
    body = response.json()
    return response.status_code, sorted(body), body.get("status"), body.get("code")


def open_email_link(client, booking):
    token = booking_link_issue(booking=booking, purpose="verify")
    return client.post(f"/verify/{token}/")


def test_the_api_answers_the_same_for_an_address_that_holds_the_time(client, office):
    holds(client, office, THU, VICTIM)
    # Kawagoe has two counselors: the address holds one at 09:30, the other is free.
    fresh = api_book(client, office, FRI, person(email="someone@example.jp"), address="192.0.2.20")
    probe = api_book(client, office, THU, VICTIM, address="192.0.2.30")
    assert shape(probe) == shape(fresh) == (201, shape(fresh)[1], "requested", None)
    assert "already_booked" not in probe.content.decode()
    assert "すでに予約" not in probe.content.decode()


def test_the_api_answers_the_same_for_an_address_at_the_cap(client, office):
    holds(client, office, THU, VICTIM)
    holds(client, office, FRI, VICTIM)
    fresh = api_book(
        client, office, FRI + timedelta(hours=1), person(email="x@example.jp"), address="192.0.2.20"
    )
    probe = api_book(client, office, FRI + timedelta(hours=2), VICTIM, address="192.0.2.30")
    assert shape(probe) == shape(fresh)
    assert "limit_reached" not in probe.content.decode()
    assert "2 件" not in probe.content.decode() and "これ以上" not in probe.content.decode()


def book_on_the_site(client, office, start, data):
    response = client.post(
        reverse("booking-details", args=[office.slug]),
        {"service": office.services.get().slug, "start": start.isoformat(), **data},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    page = client.get(reverse("booking-confirm", args=[office.slug])).content.decode()
    terms = page.split('name="terms_version" value="')[1].split('"')[0]
    return client.post(
        reverse("booking-confirm", args=[office.slug]),
        {"terms_version": terms, "agree_terms": "on"},
        follow=True,
    )


def test_the_web_form_answers_the_same_for_an_address_that_holds_the_time_or_the_cap(
    client, office, django_user_model
):
    from django.test import Client

    holds(client, office, THU, VICTIM)
    holds(client, office, FRI, VICTIM)
    fresh = book_on_the_site(
        Client(), office, THU + timedelta(hours=2), person(email="x@example.jp")
    )
    for start in (THU, FRI + timedelta(hours=1)):  # the time it holds; a third booking
        probe = book_on_the_site(Client(), office, start, VICTIM)
        assert probe.redirect_chain[-1][0] == fresh.redirect_chain[-1][0]
        assert probe.redirect_chain[-1][0] == reverse("booking-done", args=[office.slug])
        html = probe.content.decode()
        for told in ("すでに予約", "これ以上予約", "2 件まで", "上限"):
            assert told not in html


def test_the_owner_learns_of_the_double_booking_when_opening_the_email_link(client, office):
    first = holds(client, office, THU, VICTIM)
    probe = api_book(client, office, THU, VICTIM, address="192.0.2.30")
    second = Booking.objects.get(reference=probe.json()["reference"])
    page = open_email_link(client, second)
    assert page.status_code == 409
    assert "この時間にすでに予約があります" in page.content.decode()
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == BookingStatus.EXPIRED and first.status == BookingStatus.CONFIRMED
    event = BookingEvent.objects.filter(booking=second).order_by("-pk").first()
    assert event.reason_code == Reason.SAME_PERSON_HOLDS_TIME
    email = delivered(Notification.objects.get(kind="booking_expired", recipient=VICTIM["email"]))
    assert "この時間にすでにご予約があるため" in email.body_text
    assert email.body_text.splitlines()[0] == "ハローワーク川越からのお知らせです。"


def test_the_owner_learns_of_the_cap_when_opening_the_email_link(client, office):
    holds(client, office, THU, VICTIM)
    holds(client, office, FRI, VICTIM)
    probe = api_book(client, office, FRI + timedelta(hours=2), VICTIM, address="192.0.2.30")
    third = Booking.objects.get(reference=probe.json()["reference"])
    page = open_email_link(client, third)
    assert page.status_code == 409 and "（2 件）" in page.content.decode()
    third.refresh_from_db()
    assert third.status == BookingStatus.EXPIRED
    email = delivered(Notification.objects.get(kind="booking_expired", recipient=VICTIM["email"]))
    assert "（2 件）" in email.body_text and "取り消" in email.body_text


def test_holds_a_stranger_made_with_the_address_never_count_against_its_owner(client, office):
    for n, start in enumerate((THU, FRI, FRI + timedelta(hours=1))):  # never confirmed
        assert (
            api_book(client, office, start, VICTIM, address=f"192.0.2.{40 + n}").status_code == 201
        )
    own = api_book(client, office, THU + timedelta(hours=1), VICTIM, address="192.0.2.30")
    booking = Booking.objects.get(reference=own.json()["reference"])
    assert open_email_link(client, booking).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED and booking.verification_expires_at is None


def test_the_cap_has_one_home_and_one_count():
    """The count by address in a view (`upcoming_count_for_email`) is gone; the cap is
    `person_guard`'s, and identity's refusal no longer counts bookings."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    users = [
        path.relative_to(root).as_posix()
        for path in root.glob("bookings/**/*.py")
        if "BOOKING_MAX_UPCOMING_PER_PERSON" in path.read_text()
    ]
    assert users == ["bookings/services/person_guard.py"]
    assert not any(
        "upcoming_count_for_email" in p.read_text() for p in root.glob("bookings/**/*.py")
    )
