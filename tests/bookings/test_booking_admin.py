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


def test_the_history_outbox_and_consents_read_in_japanese_with_times_in_jst(client, offices):
    from bookings.services.staff import booking_confirm, booking_propose_time

    office = offices["kawagoe"]
    user = UserFactory(office=office, is_staff=True, is_superuser=True)
    client.force_login(user)
    client.cookies["django_language"] = "ja"
    booking = book(service("kawagoe"), jst(2026, 11, 26, 9, 30)).booking
    booking_propose_time(
        booking=booking, by=user, start=jst(2026, 11, 27, 13, 0), now=jst(2026, 11, 22, 10, 0)
    )
    booking_confirm(booking=booking, by=user, now=jst(2026, 11, 22, 10, 5))
    page = client.get(reverse("admin:bookings_booking_change", args=[booking.pk])).content
    page = page.decode()
    for japanese in ("変更前の状態", "確定待ち", "確定", "申込者", "職員", "ウェブで予約",
                     "別の日時を提案（元の日時：2026年11月26日(木) 9:30）",
                     "2026年11月22日(日) 10:05"):  # fmt: skip
        assert japanese in page, japanese
    for raw in (">requested<", ">confirmed<", ">applicant<", "booked via", "開始日"):
        assert raw not in page, raw
    outbox = client.get(reverse("admin:notifications_notification_changelist")).content.decode()
    assert "別の日時の提案" in outbox and ">booking_proposed<" not in outbox
    consents = client.get(reverse("admin:terms_consent_changelist")).content.decode()
    assert "2026年11月22日(日) 10:00" in consents
