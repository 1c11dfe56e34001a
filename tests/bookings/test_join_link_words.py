"""
The join link's words on every surface (issue 26 walk, items C and D).

C: 「参加用のリンクは、発行されると予約ページに表示されます。」 was said next to the link itself: in
the email 「予約が確定しました」 whose .ics had the link, in 「オンライン相談への参加方法」 before
「参加用リンクができました。」, on the booking page above 「相談に参加する」, and in the change
email beside 「参加用のリンクは変わりません」. It is said only while the booking has no link.

D: 「…17:15になったら、予約ページから参加してください。」 beside 「開始の数分前には参加してください。」,
and the device check's 「メールのリンクから参加してください」: one instruction, one route (the
booking page), in one sentence.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from bookings.emails.applicant import booking_message, meeting_issued_message
from bookings.models import Booking, BookingStatus
from bookings.next_steps import booking_story
from bookings.state import EmailKind
from conferencing.models import OnlineMeeting
from tests.factories import office_with
from tests.helpers import LINKS, book, jst, manage_token

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)
NOT_YET = "発行されると"
NOT_YET_EN = "once it is issued"


def _confirmed(*, issued: bool, language: str = "ja"):
    office = office_with(confirmation_mode="instant", platform="teleoffice")
    booking = book(office.services.get(), THU).booking
    Booking.objects.filter(pk=booking.pk).update(
        status=BookingStatus.CONFIRMED, verification_expires_at=None, language=language
    )
    booking.refresh_from_db()
    meeting = None
    if issued:
        meeting = OnlineMeeting.objects.create(
            booking_uuid=booking.uuid, office_id=booking.office_id, status="issued",
            join_url="https://meet.example/j/1", host_url="https://meet.example/host/1",
        )  # fmt: skip
    return booking, meeting


def _page(client, booking) -> str:
    return client.get(reverse("booking-manage", args=[manage_token(booking)])).content.decode()


@pytest.mark.parametrize(("language", "words"), [("ja", NOT_YET), ("en", NOT_YET_EN)])
def test_the_booking_page_says_the_link_is_to_come_only_while_there_is_none(
    client, language, words
):
    booking, _meeting = _confirmed(issued=False, language=language)
    client.cookies["django_language"] = language
    assert words in _page(client, booking)
    OnlineMeeting.objects.create(
        booking_uuid=booking.uuid, office_id=booking.office_id, status="issued",
        join_url="https://meet.example/j/1", host_url="https://meet.example/host/1",
    )  # fmt: skip
    page = _page(client, booking)
    assert "https://meet.example/j/1" in page
    assert words not in page


@pytest.mark.parametrize(("language", "words"), [("ja", NOT_YET), ("en", NOT_YET_EN)])
def test_no_email_with_the_link_says_the_link_is_to_come(language, words):
    booking, meeting = _confirmed(issued=True, language=language)
    confirmed = booking_message(booking, EmailKind.CONFIRMED, links=LINKS)
    assert "https://meet.example/j/1" in confirmed.attachments[0].content
    assert words not in confirmed.text and words not in confirmed.html
    joining = meeting_issued_message(booking, meeting, links=LINKS)
    assert "https://meet.example/j/1" in joining.text
    assert words not in joining.text and words not in joining.html
    moved = booking_message(booking, EmailKind.RESCHEDULED, links=LINKS)
    assert words not in moved.text and words not in moved.html


def test_the_confirmation_without_a_link_yet_says_it_is_to_come():
    booking, _meeting = _confirmed(issued=False)
    confirmed = booking_message(booking, EmailKind.CONFIRMED, links=LINKS)
    assert NOT_YET in confirmed.text
    moved = booking_message(booking, EmailKind.RESCHEDULED, links=LINKS)
    assert "変わりません" not in moved.text  # no link to stay the same


def test_one_instruction_to_join_a_few_minutes_early_from_the_booking_page(client):
    booking, _meeting = _confirmed(issued=True)
    with translation.override("ja"):
        step = booking_story(booking, join_link=True).step
    assert step == "2026年11月26日(木) 9:30の開始の数分前に、予約ページから参加してください。"
    page = _page(client, booking)
    assert "になったら" not in page
    check = client.get(
        reverse("booking-device-check", args=[manage_token(booking)])
    ).content.decode()
    assert "メールのリンクから参加" not in check
