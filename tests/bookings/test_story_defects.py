"""
Issue 26, majors 1-4, replayed on the pages, the emails and the .ics files as a person
meets them (each failed before `bookings.next_steps`); the words' agreement across every
stage and surface is `test_story.py`.
"""

import re
from datetime import time

import pytest
from django.core import mail
from django.urls import reverse
from ical.calendar_stream import IcsCalendarStream

from bookings.emails.applicant import booking_message
from bookings.models import Booking, BookingStatus
from bookings.services.public import booking_cancel_by_applicant
from bookings.services.reschedule import booking_reschedule_by_applicant
from bookings.state import EmailKind
from conferencing.models import OnlineMeeting
from notifications.models import Notification
from tests.factories import office_with
from tests.helpers import LINKS, book, delivered, jst, link_token, manage_token, service

pytestmark = pytest.mark.django_db
EMAILS_SENT = pytest.mark.django_db(transaction=True)

THU = jst(2026, 11, 26, 9, 30)
LATER = jst(2026, 11, 26, 11, 0)
NOW = jst(2026, 11, 22, 10, 0)


@pytest.fixture
def kawagoe():
    """An office whose counselors answer each request (staff approval), a request held
    for the settings' 60 minutes (REQUEST_CONFIRM_MINUTES) until sent from its email; its
    slug the one the site is walked at."""
    return office_with(slug="kawagoe", confirmation_mode="staff_approval")


@pytest.fixture
def saturday():
    """A Saturday service of 45-minute times, final once the person opens the email's link
    (within an hour), as Sasebo's evening/Saturday one."""
    return office_with(
        weekdays=(5,), hours=(time(9, 30), time(12, 30)), slot_minutes=45,
        confirmation_mode="instant", email_verification_minutes=60,
    ).services.get()  # fmt: skip


@pytest.fixture
def zoom_office():
    """A staff-approval office whose meetings are on Zoom (the meeting ID read out)."""
    return office_with(platform="zoom", confirmation_mode="staff_approval").services.get()


def strict_ics(text: str):
    """`ical`'s strict RFC 5545 parse, and every TZID used defined by a VTIMEZONE."""
    calendar = IcsCalendarStream.calendar_from_ics(text)
    used = set(re.findall(r"TZID=([^:;]+)", text))
    defined = set(re.findall(r"^TZID:(.+?)\r?$", text, flags=re.M))
    assert used <= defined, f"TZID without VTIMEZONE: {used - defined}"
    return calendar


def _ics(client, booking) -> str:
    return client.get(reverse("booking-calendar", args=[manage_token(booking)])).content.decode()


def _attachment(message) -> str:
    (attachment,) = message.attachments
    return attachment.content


def _book_on_the_site(client, slug="kawagoe"):
    svc = service(slug)
    client.post(
        reverse("booking-details", args=[slug]),
        {"service": svc.slug, "start": THU.isoformat(), "name": "山田 太郎",
         "name_kana": "ヤマダ タロウ", "job_seeker_number": "12345-1234567",
         "email": "taro@example.jp", "phone": "090-1234-5678"},
    )  # fmt: skip
    page = client.get(reverse("booking-confirm", args=[slug])).content.decode()
    terms = page.split('name="terms_version" value="')[1].split('"')[0]
    return client.post(
        reverse("booking-confirm", args=[slug]), {"terms_version": terms, "agree_terms": "on"}
    )


# --- major 1: the request lapses in 60 minutes unless sent from the email ---------------


@EMAILS_SENT
def test_the_done_page_and_the_email_s_subject_say_the_request_must_be_sent_by_its_deadline(
    client, kawagoe
):
    _book_on_the_site(client)
    html = client.get(reverse("booking-done", args=["kawagoe"])).content.decode()
    step = "「申込みを送信する」ボタンを2026年11月22日(日) 11:00までに押してください"
    assert step in html
    assert "申込みはまだ完了していません" in html
    (email,) = [m for m in mail.outbox if m.to == ["taro@example.jp"]]
    assert "【要対応】" in email.subject and "申込みはまだ完了していません" in email.subject
    assert step in email.body.split("\n\n")[1]  # the first lines, not the second paragraph
    # The booking page behind the done page's link tells the same, not just "確定待ち".
    page = client.get(f"/bookings/{link_token(html)}/").content.decode()
    assert step in page and "確定待ち" not in page


# --- major 2: Back after booking --------------------------------------------------------


def test_back_after_a_request_says_it_was_sent_and_never_complete(client, kawagoe):
    _book_on_the_site(client)
    html = client.get(reverse("booking-confirm", args=["kawagoe"]), follow=True).content.decode()
    assert "予約は完了しています" not in html
    assert "すでに送信されています" in html and "申込みはまだ完了していません" in html


def test_back_after_a_request_in_english_never_says_complete(client, kawagoe):
    client.cookies["django_language"] = "en"
    _book_on_the_site(client)
    html = client.get(reverse("booking-confirm", args=["kawagoe"]), follow=True).content.decode()
    assert "Your booking is complete" not in html
    assert "You already sent this" in html and "Your request is not complete yet" in html


@pytest.mark.parametrize("mode", ["instant", "staff_approval"])
def test_back_after_a_request_parked_behind_its_email_says_so_in_english(client, settings, mode):
    """Without a proof of work the request waits behind an emailed link; Back to the confirm
    step said the draft lapsed (“Your session ended”); the link's page, once used, that the
    link had lapsed. Both now say it was sent, and where it stands (browser: e2e)."""
    settings.PROOF_OF_WORK = True
    office = office_with(confirmation_mode=mode)
    client.cookies["django_language"] = "en"
    _book_on_the_site(client, office.slug)
    back = client.get(reverse("booking-confirm", args=[office.slug]), follow=True)
    html = back.content.decode()
    assert back.redirect_chain[-1][0].endswith("/book/sent/")
    assert "You already sent this" in html and "Check your email" in html
    assert "Your session ended" not in html
    email = delivered(Notification.objects.get(kind="open_request")).body_text
    link = re.search(r"/offices/\S+/book/request/\S+/", email).group(0)
    client.post(link)
    html = client.get(link, follow=True).content.decode()
    assert "You already sent this" in html and "has lapsed" not in html
    assert "Open your booking page" in html


# --- major 3: one step, one name --------------------------------------------------------


@EMAILS_SENT
def test_the_request_step_has_one_name_from_the_email_to_its_page_and_after(client, kawagoe):
    _book_on_the_site(client)
    (email,) = [m for m in mail.outbox if m.to == ["taro@example.jp"]]
    html_email = email.alternatives[0][0]
    assert "申込みを送信する" in html_email and "予約を完了する" not in html_email
    page = client.get(f"/verify/{link_token(email.body, 'verify')}/").content.decode()
    assert "予約を完了" not in page and "あと一歩" not in page
    assert re.search(r"<button[^>]*>申込みを送信する</button>", page)
    response = client.post(f"/verify/{link_token(email.body, 'verify')}/", follow=True)
    after = response.content.decode()
    assert "申込みは相談員の確定を待っています" in after
    assert "まだ確定していません" in after  # said, not just a status word


# --- major 4: the .ics ------------------------------------------------------------------


def test_a_request_s_ics_is_tentative_until_a_counselor_confirms(client, kawagoe):
    booking = book(service("kawagoe"), THU).booking
    ics = _ics(client, booking)
    (event,) = strict_ics(ics).events
    assert event.status.value == "TENTATIVE" and "STATUS:CONFIRMED" not in ics


def test_the_moved_booking_s_ics_has_its_vtimezone_join_link_and_a_higher_sequence(
    client, saturday
):
    booking = book(saturday, jst(2026, 11, 28, 9, 30)).booking
    Booking.objects.filter(pk=booking.pk).update(
        status=BookingStatus.CONFIRMED, verification_expires_at=None
    )
    booking.refresh_from_db()
    OnlineMeeting.objects.create(
        booking_uuid=booking.uuid, office_id=booking.office_id, status="issued",
        join_url="https://meet.example/j/1", host_url="https://meet.example/host/1",
    )  # fmt: skip
    before = strict_ics(_ics(client, booking)).events[0]
    booking_reschedule_by_applicant(booking=booking, start=jst(2026, 11, 28, 10, 15), now=NOW)
    booking.refresh_from_db()
    content = _attachment(booking_message(booking, EmailKind.RESCHEDULED, links=LINKS))
    assert "TZID=JST" not in content and "BEGIN:VTIMEZONE" in content
    moved = strict_ics(content).events[0]
    assert moved.dtstart == jst(2026, 11, 28, 10, 15)
    assert "https://meet.example/j/1" in str(moved.description) + str(moved.location)
    page = strict_ics(_ics(client, booking)).events[0]
    assert page.uid == moved.uid == before.uid
    assert page.sequence == moved.sequence > before.sequence
    assert page.dtstamp > before.dtstamp or page.sequence > before.sequence


def test_the_zoom_booking_s_ics_carries_the_join_link_meeting_id_and_passcode(client, zoom_office):
    created = book(zoom_office, THU)
    booking = created.booking
    Booking.objects.filter(pk=booking.pk).update(
        status=BookingStatus.CONFIRMED, verification_expires_at=None
    )
    OnlineMeeting.objects.create(
        booking_uuid=booking.uuid, office_id=booking.office_id, status="issued",
        join_url="https://zoom.example/j/85012345678", host_url="https://zoom.example/s/1",
        meeting_number="85012345678", passcode="k7Qp2",
    )  # fmt: skip
    booking.refresh_from_db()
    ics = _ics(client, booking)
    (event,) = strict_ics(ics).events
    description = str(event.description)
    assert "https://zoom.example/j/85012345678" in description
    assert "850 1234 5678" in description and "k7Qp2" in description
    assert event.location == "https://zoom.example/j/85012345678"
    assert "zoom.example/s/1" not in ics  # never the host link
    # The email that moves it carries the same, so the moved event keeps its link.
    message = booking_message(booking, EmailKind.RESCHEDULED, links=LINKS)
    content = _attachment(message)
    assert "zoom.example/j/85012345678" in content and "TZID=Asia/Tokyo" in content
    assert "BEGIN:VTIMEZONE" in content


def test_a_cancellation_email_carries_a_cancel_that_removes_the_event(client, kawagoe):
    booking = book(service("kawagoe"), THU).booking
    Booking.objects.filter(pk=booking.pk).update(
        status=BookingStatus.CONFIRMED, verification_expires_at=None
    )
    booking.refresh_from_db()
    before = strict_ics(_ics(client, booking)).events[0]
    booking_cancel_by_applicant(booking=booking, now=NOW)
    booking.refresh_from_db()
    message = booking_message(booking, EmailKind.CANCELLED, links=LINKS)
    content = _attachment(message)
    assert "METHOD:CANCEL" in content and "STATUS:CANCELLED" in content
    after = strict_ics(content).events[0]
    assert after.uid == before.uid and after.sequence > before.sequence


# --- the meeting's link and the reminders tell the same story and carry the event -----


@EMAILS_SENT
def test_the_meeting_link_and_reminder_emails_open_with_the_stage_and_replace_the_event(
    zoom_office, django_capture_on_commit_callbacks
):
    from bookings.services.reminders import bookings_send_reminders
    from bookings.services.staff import booking_confirm
    from notifications.models import Notification
    from tests.factories import UserFactory
    from tests.helpers import email_checked

    with django_capture_on_commit_callbacks(execute=True):
        booking = book(zoom_office, THU).booking
    with django_capture_on_commit_callbacks(execute=True):  # the meeting is issued after
        by = UserFactory(is_superuser=True)
        before = booking_confirm(booking=email_checked(booking), by=by, now=NOW).sequence
    sent = {n.kind: n for n in Notification.objects.filter(recipient=booking.email)}
    confirmed = strict_ics(sent["booking_confirmed"].attachment_content).events[0]
    link = sent["meeting_issued"]
    assert link.body_text.index("予約が確定しています") < link.body_text.index(
        "http"
    )  # stage first
    issued = strict_ics(link.attachment_content).events[0]
    meeting = OnlineMeeting.objects.get(booking_uuid=booking.uuid)
    assert meeting.join_url in str(issued.description) + str(issued.location)
    assert issued.uid == confirmed.uid and issued.sequence > before
    with django_capture_on_commit_callbacks(execute=True):
        bookings_send_reminders(now=jst(2026, 11, 26, 9, 1))
    soon = Notification.objects.get(kind="reminder_soon", recipient=booking.email)
    assert "予約が確定しています" in soon.body_text
    reminded = strict_ics(soon.attachment_content).events[0]
    assert reminded.uid == issued.uid and reminded.sequence == issued.sequence
