"""Counselors confirm or decline requests in the admin, for their own office only."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from bookings.models import BookingStatus
from offices.roles import COUNSELORS
from tests.bookings.conftest import book, jst, person, service
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)


def counselor_client(client, office):
    user = UserFactory(office=office, username=f"c-{office.slug}")
    user.groups.add(Group.objects.get(name=COUNSELORS))
    client.force_login(user)
    return client


def test_counselor_confirms_a_request_and_the_person_is_emailed(
    client, offices, frozen, django_capture_on_commit_callbacks
):
    booking = book(service("kawagoe"), THU).booking
    counselor_client(client, offices["kawagoe"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:bookings_booking_changelist"),
            {"action": "confirm_requests", "_selected_action": [booking.pk]},
        )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.events.last().actor.username == "c-kawagoe"
    assert "予約が確定しました" in mail.outbox[0].subject


def test_declining_asks_for_a_reason_then_cancels(client, offices, frozen):
    booking = book(service("kawagoe"), THU).booking
    counselor_client(client, offices["kawagoe"])
    url = reverse("admin:bookings_booking_changelist")
    page = client.post(url, {"action": "decline_requests", "_selected_action": [booking.pk]})
    assert page.status_code == 200 and booking.reference in page.content.decode()
    client.post(
        url,
        {
            "action": "decline_requests",
            "_selected_action": [booking.pk],
            "reason": "担当者不在のため",
        },
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.events.last().reason == "担当者不在のため"


def test_a_counselor_never_sees_or_acts_on_another_offices_bookings(client, offices, frozen):
    toyooka_booking = book(
        service("toyooka"), jst(2026, 11, 24, 9, 30), data=person(email="t@example.jp")
    ).booking
    counselor_client(client, offices["kawagoe"])
    listing = client.get(reverse("admin:bookings_booking_changelist"))
    assert toyooka_booking.reference not in listing.content.decode()
    detail = client.get(reverse("admin:bookings_booking_change", args=[toyooka_booking.pk]))
    assert detail.status_code in (302, 404)
    client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "confirm_requests", "_selected_action": [toyooka_booking.pk]},
    )
    toyooka_booking.refresh_from_db()
    assert toyooka_booking.status == BookingStatus.REQUESTED
