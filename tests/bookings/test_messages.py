"""
Every email renders in Japanese and in English, as plain text and as HTML, with the facts
of its booking: reference, time in Japan, the office's phone, and what that message is for.
The HTML part escapes what the person typed.
"""

import re

import pytest
from django.core import mail

from bookings.emails.applicant import (
    booking_message,
    meeting_issued_message,
    reminder_message,
    terms_change_message,
)
from bookings.services.staff import booking_confirm
from common import clock
from conferencing.models import OnlineMeeting
from terms.selectors import terms_in_force
from tests.factories import counselors_reachable, office_with
from tests.helpers import LINKS, book, counselor_account, email_checked, jst, person

TUE_930 = jst(2026, 11, 24, 9, 30)
WHEN = {"ja": "2026年11月24日(火) 9:30〜10:00", "en": "Tue 24 Nov 2026, 9:30–10:00"}
NAME = "山田 <b>太郎</b>"
STAFF = ["counselor-1@example.invalid", "counselor-2@example.invalid"]


@pytest.fixture
def office(db):
    """Two counselors (with addresses, in the Counselors group) who confirm each request;
    the sessions on Zoom, from an account the server does not have; the office's phone,
    which the footer shows."""
    office = office_with(
        slug="on-zoom", confirmation_mode="staff_approval", counselors=2, phone="0796-00-0000",
        platform="zoom", platform_account="zoom:on-zoom",
    )  # fmt: skip
    assert counselors_reachable(office) == STAFF
    return office


@pytest.fixture
def confirmed(office):
    def make(language: str):
        created = book(office.services.get(), TUE_930, data=person(name=NAME), language=language)
        counselor = counselor_account(office)
        return booking_confirm(
            booking=email_checked(created.booking), by=counselor, now=clock.now()
        )

    return make


def _check_common(message, booking, language, *, with_time=True):
    assert booking.reference in message.subject
    if with_time:
        assert WHEN[language] in message.text and WHEN[language] in message.html
    phone = booking.office.phone
    assert (
        phone and phone in message.text and f'href="tel:{phone.replace("-", "")}"' in message.html
    )
    # What the person typed is escaped in HTML and kept as typed in the text part.
    assert NAME in message.text and "&lt;b&gt;太郎&lt;/b&gt;" in message.html
    assert "<b>太郎</b>" not in message.html
    assert f'<html lang="{language}">' in message.html
    assert 'name="viewport"' in message.html  # readable on a phone


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize(
    "kind, expect",
    [
        ("confirmed", {"ja": ["録画", "10分", "取り消"], "en": ["Recording", "10 minutes"]}),
        ("cancelled", {"ja": ["取り消しました"], "en": ["was cancelled"]}),
        ("no_show", {"ja": ["電話"], "en": ["no-show", "phone the office"]}),
        ("barred", {"ja": ["電話"], "en": ["can no longer book"]}),
    ],
)
def test_booking_messages_render_in_both_languages_with_their_facts(
    confirmed, language, kind, expect
):
    booking = confirmed(language)
    message = booking_message(booking, kind, links=LINKS)
    _check_common(message, booking, language, with_time=kind != "barred")
    for needle in expect[language]:
        assert needle in message.text, needle
    if kind == "confirmed":
        assert message.attachments[0].name == "booking.ics"
        manage_url = re.search(r"https?://\S+/bookings/\S+/", message.text).group(0)
        assert f'href="{manage_url}"' in message.html  # the booking page as a button


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_email_check_names_its_deadline(db, language):
    checking = office_with(email_verification_minutes=60)  # an hour from the booking at 10:00
    created = book(checking.services.get(), TUE_930, data=person(name=NAME), language=language)
    message = booking_message(created.booking, "created", links=LINKS)
    deadline = "11:00までに" if language == "ja" else "by Sun 22 Nov 2026 11:00"
    assert deadline in "\n".join(message.text.splitlines()[:5])  # in the first lines
    assert LINKS["verify_url"] in message.text
    assert f'href="{LINKS["verify_url"]}"' in message.html


@pytest.mark.parametrize("language", ["ja", "en"])
def test_join_link_messages_carry_the_zoom_meeting_id_and_passcode(confirmed, language):
    booking = confirmed(language)
    booking.office.platform = "zoom"
    meeting = OnlineMeeting(
        booking_uuid=booking.uuid, office_id=booking.office_id, status="issued",
        join_url="https://zoom.example/j/123", meeting_number="123 456 789", passcode="ab12",
    )  # fmt: skip
    message = meeting_issued_message(booking, meeting, links=LINKS)
    _check_common(message, booking, language)
    for text in (message.text, message.html):
        assert "https://zoom.example/j/123" in text and "123 456 789" in text and "ab12" in text


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("kind", ["reminder_day_before", "reminder_soon"])
def test_reminders_render_in_both_languages(confirmed, language, kind):
    booking = confirmed(language)
    message = reminder_message(booking, kind, now=clock.now(), links=LINKS)
    assert WHEN[language] in message.text and WHEN[language] in message.html
    assert "<b>太郎</b>" not in message.html


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_terms_change_notice_links_the_new_terms(confirmed, language):
    booking = confirmed(language)
    version = terms_in_force(office=booking.office, at=TUE_930)
    message = terms_change_message(booking, version)
    assert f"/offices/on-zoom/terms/{version.pk}/" in message.text
    assert f"/offices/on-zoom/terms/{version.pk}/" in message.html


def test_counselors_are_told_of_a_meeting_that_needs_them_once(
    office, settings, django_capture_on_commit_callbacks
):
    settings.CONFERENCING_FAKE = False  # the office's Zoom account is not configured here
    booking = email_checked(book(office.services.get(), TUE_930).booking)
    counselor = counselor_account(office)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_confirm(booking=email_checked(booking), by=counselor, now=clock.now())
    meeting = OnlineMeeting.objects.get(booking_uuid=booking.uuid)
    assert meeting.status == OnlineMeeting.Status.WAITING_FOR_ACCOUNT
    to_staff = [m for m in mail.outbox if m.to[0].endswith("@example.invalid")]
    assert sorted(m.to[0] for m in to_staff) == STAFF
    assert booking.reference in to_staff[0].subject and "山田" not in to_staff[0].body
    assert to_staff[0].alternatives[0][1] == "text/html"
    from bookings.services.meetings import meeting_issue

    with django_capture_on_commit_callbacks(execute=True):
        meeting_issue(
            booking_id=booking.pk, now=clock.now()
        )  # a re-run with the account still missing
    assert len([m for m in mail.outbox if m.to[0].endswith("@example.invalid")]) == 2
