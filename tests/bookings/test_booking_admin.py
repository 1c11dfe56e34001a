"""Counselors confirm or decline requests in the admin, for their own office only."""

from datetime import time

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from bookings.models import BookingStatus
from offices.roles import COUNSELORS
from tests.factories import OpeningHoursFactory, UserFactory, office_with
from tests.helpers import book, email_checked, jst, person, service

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)


@pytest.fixture
def kawagoe(db):
    """An office whose counselors answer each request (staff approval), open weekdays
    9:30-12:00 and 13:00-16:00 (a time proposed for an afternoon)."""
    office = office_with(slug="kawagoe", confirmation_mode="staff_approval")
    for weekday in range(5):
        OpeningHoursFactory(
            service=office.services.get(), weekday=weekday, start=time(13), end=time(16)
        )
    return office


def counselor_client(client, office):
    user = UserFactory(office=office, username=f"c-{office.slug}")
    user.groups.add(Group.objects.get(name=COUNSELORS))
    client.force_login(user)
    return client


def test_counselor_confirms_a_request_and_the_person_is_emailed(
    client, kawagoe, frozen, django_capture_on_commit_callbacks
):
    booking = email_checked(book(service("kawagoe"), THU).booking)
    counselor_client(client, kawagoe)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:bookings_booking_changelist"),
            {"action": "confirm_requests", "_selected_action": [booking.pk]},
        )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.events.last().actor.username == "c-kawagoe"
    assert "予約が確定しました" in mail.outbox[0].subject


def test_declining_asks_for_a_reason_then_cancels(client, kawagoe, frozen):
    booking = book(service("kawagoe"), THU).booking
    counselor_client(client, kawagoe)
    url = reverse("admin:bookings_booking_changelist")
    page = client.post(url, {"action": "decline_requests", "_selected_action": [booking.pk]})
    assert page.status_code == 200 and booking.reference in page.content.decode()
    client.post(
        url,
        {
            "action": "decline_requests",
            "_selected_action": [booking.pk],
            "reason": "本人確認が取れず（職員メモ）",
            "asked_by": "office",
            "message": "担当者不在のため、お受けできません。",
        },
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.events.last().reason == "本人確認が取れず（職員メモ）"


def test_the_decline_form_says_truly_which_words_reach_the_person(
    client, kawagoe, frozen, django_capture_on_commit_callbacks
):
    """Issue 22: the form said the reason was never sent, and it was emailed."""
    booking = book(service("kawagoe"), THU).booking
    counselor_client(client, kawagoe)
    url = reverse("admin:bookings_booking_changelist")
    page = client.post(url, {"action": "decline_requests", "_selected_action": [booking.pk]})
    assert "申込者には送られません" in page.content.decode()  # the staff note's label
    assert "メールで送られます" in page.content.decode()  # the message's label
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "action": "decline_requests",
                "_selected_action": [booking.pk],
                "reason": "職員メモ：重複申込み",
                "asked_by": "office",
                "message": "同じ日に別のご予約があるため、お受けできません。",
            },
        )
    body = mail.outbox[-1].body
    assert "同じ日に別のご予約があるため" in body and "職員メモ" not in body


def test_a_counselor_never_sees_or_acts_on_another_offices_bookings(client, kawagoe, frozen):
    # A request at another staff-approval office, sent from its email: one its own counselors
    # could confirm (unsent, it would stay a request whoever asked).
    other = office_with(confirmation_mode="staff_approval").services.get()
    other_booking = email_checked(
        book(other, jst(2026, 11, 24, 9, 30), data=person(email="t@example.jp")).booking
    )
    counselor_client(client, kawagoe)
    listing = client.get(reverse("admin:bookings_booking_changelist"))
    assert other_booking.reference not in listing.content.decode()
    detail = client.get(reverse("admin:bookings_booking_change", args=[other_booking.pk]))
    assert detail.status_code in (302, 404)
    client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "confirm_requests", "_selected_action": [other_booking.pk]},
    )
    other_booking.refresh_from_db()
    assert other_booking.status == BookingStatus.REQUESTED


def test_the_history_outbox_and_consents_read_in_japanese_with_times_in_jst(client, kawagoe):
    from bookings.services.public import booking_accept_proposal
    from bookings.services.staff import booking_propose_time

    user = UserFactory(office=kawagoe, is_staff=True, is_superuser=True)
    client.force_login(user)
    client.cookies["django_language"] = "ja"
    booking = email_checked(book(service("kawagoe"), jst(2026, 11, 26, 9, 30)).booking)
    booking_propose_time(
        booking=booking, by=user, start=jst(2026, 11, 27, 13, 0), now=jst(2026, 11, 22, 10, 0)
    )
    booking.refresh_from_db()
    booking_accept_proposal(booking=booking, now=jst(2026, 11, 22, 10, 5))
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


def test_the_history_of_a_change_of_time_and_a_linked_record_reads_in_japanese(client, kawagoe):
    """Each event names what happened in the admin's language, never English free text."""
    from bookings.services.reschedule import (
        booking_change_decline,
        booking_reschedule_by_applicant,
    )
    from bookings.services.staff import booking_confirm

    user = UserFactory(office=kawagoe, is_staff=True, is_superuser=True)
    client.force_login(user)
    client.cookies["django_language"] = "ja"
    booking = booking_confirm(booking=email_checked(book(service("kawagoe"), THU).booking), by=user,
                              now=jst(2026, 11, 22, 10, 0))  # fmt: skip
    change = booking_reschedule_by_applicant(
        booking=booking, start=jst(2026, 11, 26, 10, 30), now=jst(2026, 11, 22, 10, 1)
    ).change
    booking_change_decline(change=change, by=user, now=jst(2026, 11, 22, 10, 2))
    page = client.get(reverse("admin:bookings_booking_change", args=[booking.pk])).content
    page = page.decode()
    for japanese in ("2026年11月26日(木) 10:30への変更を申込み", "日時変更のお断り"):
        assert japanese in page, japanese
    for english in ("asked to move", "change of time declined", "Change of time declined"):
        assert english not in page, english


def test_the_lists_cancel_asks_whose_decision_and_counts_the_persons_request_as_theirs(
    client, kawagoe, frozen, django_capture_on_commit_callbacks
):
    """Issue 27: the list's bulk cancel offers "at the person's request", as the
    schedule's cancel does: recorded and counted as the person's, and the email says so."""
    booking = book(service("kawagoe"), THU).booking
    counselor_client(client, kawagoe)
    url = reverse("admin:bookings_booking_changelist")
    chosen = {
        "action": "decline_requests",
        "_selected_action": [booking.pk],
        "reason": "電話で依頼",
    }
    page = client.post(url, chosen).content.decode()
    assert "本人の依頼" in page and 'name="asked_by"' in page
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED  # not chosen: nothing happens
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**chosen, "asked_by": "person"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.events.latest("pk").reason_code == "cancelled_on_request"
    assert "ご依頼により" in mail.outbox[-1].subject


@pytest.mark.parametrize("typed", ["やまだ", "ヤマダ", "ﾔﾏﾀﾞ"])
@pytest.mark.parametrize("stored", ["ヤマダ ハナコ", "やまだ はなこ"])
def test_a_kana_name_is_found_typed_in_hiragana_or_katakana(client, kawagoe, frozen, typed, stored):
    """Issue 27 (minor): フリガナ are typed both ways; a search finds either."""
    booking = book(service("kawagoe"), THU, data=person(name_kana=stored)).booking
    counselor_client(client, kawagoe)
    for name in ("bookings_booking_changelist", "bookings_applicant_changelist"):
        page = client.get(reverse(f"admin:{name}"), {"q": typed}).content.decode()
        assert booking.name in page, (name, typed, stored)
