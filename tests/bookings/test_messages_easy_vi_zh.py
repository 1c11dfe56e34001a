"""
The language a person booked in is the language of every message after: each kind of email
(about the booking, the reminders, the join link, the link asked for again, the links by
address, the changed terms, the open request's link, the invitation), rendered for a booking
made in Vietnamese, Simplified Chinese and やさしい日本語, is in that language from the
subject to the footer, and its HTML says so (`<html lang>`).
"""

import re
from datetime import timedelta

import pytest
from django.utils import translation

from bookings.emails.applicant import (
    booking_link_message,
    booking_links_message,
    booking_message,
    booking_template,
    meeting_issued_message,
    open_request_message,
    reminder_message,
    terms_change_message,
)
from bookings.models import Booking, BookingChange, BookingStatus
from bookings.state import EmailKind
from tests.factories import office_with
from tests.helpers import LINKS, NOW, book, jst

pytestmark = pytest.mark.django_db


THU = jst(2026, 11, 26, 9, 30)
# Each language's own words: the footer every email ends with, and one subject.
FOOTER = {
    "vi": "Email này được gửi tự động. Vui lòng không trả lời.",
    "zh-hans": "此邮件为自动发送。请勿回复。",
    "ja-x-easy": "このメールには返事ができません。",
}
CONFIRMED_SUBJECT = {
    "vi": "Lịch hẹn của bạn đã được xác nhận",
    "zh-hans": "您的预约已确定",
    "ja-x-easy": "予約ができました",
}
JAPANESE_FOOTER = "このメールは送信専用です。返信はできません。"
LANGUAGES = list(FOOTER)


def assert_in_language(message, language):
    assert FOOTER[language] in message.text, message.text[-400:]
    assert JAPANESE_FOOTER not in message.text
    assert f'<html lang="{language}">' in message.html
    assert FOOTER[language] in message.html or FOOTER[language] in re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", message.html)
    )


def booking_in(language, status=BookingStatus.CONFIRMED):
    created = book(office_with().services.get(), THU, language=language)
    Booking.objects.filter(pk=created.booking.pk).update(status=status)
    booking = Booking.objects.get(pk=created.booking.pk)
    assert booking.language == language
    return booking


def _occurrence(booking):
    change = BookingChange.objects.create(
        booking=booking, office=booking.office, from_start=booking.start, from_end=booking.end,
        to_start=booking.start + timedelta(days=1), to_end=booking.end + timedelta(days=1),
        requested_at=NOW,
    )  # fmt: skip
    return f"{change.pk}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(EmailKind), ids=str)
def test_every_email_about_a_booking_is_in_the_language_it_was_booked_in(db, language, kind):
    status = {
        EmailKind.CREATED: BookingStatus.PENDING_VERIFICATION,
        EmailKind.REQUESTED: BookingStatus.REQUESTED,
        EmailKind.PROPOSED: BookingStatus.REQUESTED,
        EmailKind.CANCELLED: BookingStatus.CANCELLED,
        EmailKind.CANCELLED_FOR_CLOSURE: BookingStatus.CANCELLED,
        EmailKind.EXPIRED: BookingStatus.EXPIRED,
        EmailKind.NO_SHOW: BookingStatus.NO_SHOW,
        EmailKind.SWITCHED_TO_PHONE: BookingStatus.SWITCHED_TO_PHONE,
    }.get(kind, BookingStatus.CONFIRMED)
    booking = booking_in(language, status)
    if kind == EmailKind.CREATED:
        Booking.objects.filter(pk=booking.pk).update(
            verification_expires_at=NOW + timedelta(minutes=30)
        )
        booking.refresh_from_db()
    occurrence = _occurrence(booking) if kind in (
        EmailKind.CHANGE_REQUESTED, EmailKind.CHANGE_DECLINED
    ) else ""  # fmt: skip
    extra = {"by_office": True} if kind == EmailKind.CANCELLED_FOR_CLOSURE else None
    assert booking_template(booking, kind) is not None
    # The worker sending it runs in the site's language (Japanese): the booking's wins.
    with translation.override("ja"):
        message = booking_message(booking, kind, links=LINKS, occurrence=occurrence, extra=extra)
    assert_in_language(message, language)
    if kind == EmailKind.CONFIRMED:
        assert CONFIRMED_SUBJECT[language] in message.subject


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["reminder_day_before", "reminder_soon"])
def test_both_reminders_are_in_the_language_it_was_booked_in(db, language, kind):
    booking = booking_in(language)
    with translation.override("ja"):
        message = reminder_message(booking, kind, now=NOW, links=LINKS)
    assert_in_language(message, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_join_link_email_is_in_the_language_it_was_booked_in(db, language):
    booking = booking_in(language)
    message = meeting_issued_message(booking, None, links=LINKS)
    assert_in_language(message, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_link_asked_for_again_is_in_the_language_it_was_booked_in(db, language):
    booking = booking_in(language)
    assert_in_language(booking_link_message(booking, manage_url=LINKS["manage_url"]), language)
    message = booking_links_message([booking], language=booking.language, tokens={booking.pk: "t"})
    assert_in_language(message, language)
    status = {"vi": "Đã xác nhận", "zh-hans": "已确定", "ja-x-easy": "予約ができています"}
    assert status[language] in message.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_changed_terms_email_is_in_the_language_it_was_booked_in(db, language):
    from terms.models import TermsVersion

    booking = booking_in(language)
    version = TermsVersion.objects.filter(office=booking.office).first()
    assert_in_language(terms_change_message(booking, version), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_open_requests_link_is_in_the_language_it_was_asked_in(db, language):
    message = open_request_message(
        service=office_with().services.get(), start=THU, name="Nguyễn Văn An",
        url="https://consult.example.jp/open/x/", minutes=30, language=language,
    )  # fmt: skip
    assert_in_language(message, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_invitation_is_in_the_language_the_counselor_chose(db, language):
    from invitations.emails import invitation_message
    from tests.helpers import invitation_office, invite

    invitation = invite(invitation_office(), language=language)
    assert invitation.language == language
    message = invitation_message(invitation, link_path="/invitations/x/", reminder=False)
    assert_in_language(message, language)
