"""
One story of a booking (issue 26, majors 1-4): every stage a booking can be in, walked
through every surface the person meets (the done page, the booking page, the page behind
the email's link, the emails' subject and first lines, the .ics file), each saying the
stage's one sentence and one next step from `bookings.next_steps`; the .ics files read by
a strict RFC 5545 parser (`ical`).
"""

import re
from datetime import time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from bookings.emails.applicant import NO_STORY, booking_message, booking_template
from bookings.models import Booking, BookingStatus
from bookings.next_steps import TABLE, Stage, booking_story, stage_of
from bookings.public.booking_flow import BOOKED_KEY
from bookings.services.public import booking_cancel_by_applicant, booking_verify
from bookings.services.staff import booking_confirm, booking_propose_time
from bookings.state import EmailKind
from offices.roles import COUNSELORS
from tests.factories import office_with
from tests.helpers import LINKS, book, jst, manage_token, staff

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)
FRI = jst(2026, 11, 27, 10, 0)
SAT = jst(2026, 11, 28, 9, 30)  # the Saturday service (below): the email check
NOW = jst(2026, 11, 22, 10, 0)

# The emails each stage sends (the ones that name an event of that stage).
EMAILS = {
    Stage.EMAIL_CHECK: [EmailKind.CREATED],
    Stage.REQUEST_TO_SEND: [EmailKind.CREATED],
    Stage.REQUEST_WAITING: [EmailKind.REQUESTED],
    Stage.TIME_PROPOSED: [EmailKind.PROPOSED],
    Stage.CONFIRMED: [EmailKind.CONFIRMED, EmailKind.RESCHEDULED, EmailKind.NEW_LINK],
    Stage.IN_PROGRESS: [EmailKind.NEW_LINK],
    Stage.BY_PHONE: [EmailKind.SWITCHED_TO_PHONE],
    Stage.COMPLETED: [],
    Stage.NO_SHOW: [EmailKind.NO_SHOW],
    Stage.CANCELLED: [EmailKind.CANCELLED, EmailKind.CANCELLED_FOR_CLOSURE],
    Stage.LAPSED: [EmailKind.EXPIRED],
}
ICS_STATUS = {
    **dict.fromkeys(
        (Stage.EMAIL_CHECK, Stage.REQUEST_TO_SEND, Stage.REQUEST_WAITING, Stage.TIME_PROPOSED),
        "TENTATIVE",
    ),
    **dict.fromkeys((Stage.CANCELLED, Stage.LAPSED), "CANCELLED"),
}


def _h1(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html.split("<h1", 1)[1].split(">", 1)[1].split("</h1>")[0])


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&")


def strict_ics(text: str):
    """Parses with `ical` (strict RFC 5545: refuses an unknown TZID, a missing required
    property, a bad value); also every TZID used has its VTIMEZONE in the file, so the
    time never reads as floating."""
    calendar = IcsCalendarStream.calendar_from_ics(text)
    used = set(re.findall(r"TZID=([^:;]+)", text))
    defined = set(re.findall(r"^TZID:(.+?)\r?$", text, flags=re.M))
    assert used <= defined, f"TZID without VTIMEZONE: {used - defined}"
    assert "Asia/Tokyo" in defined
    return calendar


def _booking_page(client, booking) -> str:
    return client.get(f"/bookings/{manage_token(booking)}/").content.decode()


def _done_page(client, booking) -> str:
    session = client.session
    session["booking_done"] = booking.pk
    session[BOOKED_KEY] = [booking.pk]
    session.save()
    return client.get(reverse("booking-done", args=[booking.office.slug])).content.decode()


def _ics(client, booking) -> str:
    response = client.get(reverse("booking-calendar", args=[manage_token(booking)]))
    assert response["Content-Type"].startswith("text/calendar")
    return response.content.decode()


def check_every_surface(client, booking, language="ja"):
    """Each surface says the stage's title, its one sentence and its one next step."""
    booking.refresh_from_db()
    with translation.override(language):
        story = booking_story(booking)
    assert story.meaning and story.step and story.title

    for page in (_booking_page(client, booking), _done_page(client, booking)):
        assert _h1(page).strip() == story.title
        assert story.meaning in _text(page) and story.step in _text(page)
    assert story.label in _text(_booking_page(client, booking))

    for kind in EMAILS[story.stage]:
        extra = {"by_office": True} if kind == EmailKind.CANCELLED_FOR_CLOSURE else None
        message = booking_message(booking, kind, links=LINKS, extra=extra)
        assert booking_template(booking, kind) not in NO_STORY
        if kind in (EmailKind.CREATED, EmailKind.REQUESTED, EmailKind.CONFIRMED,
                    EmailKind.PROPOSED, EmailKind.NO_SHOW, EmailKind.EXPIRED,
                    EmailKind.CANCELLED):  # fmt: skip
            assert story.title in message.subject
        if story.needs_action:
            assert "要対応" in message.subject or "Action needed" in message.subject
        # The first lines after the greeting: the meaning, then the next step.
        lines = [line for line in message.text.splitlines() if line.strip()]
        # After the office's line and the greeting (two lines at most), then at once the step.
        assert story.meaning in lines[:3], (kind, lines[:5])
        # The email that carries the link says "this email's link" (story.email_step).
        assert lines[lines.index(story.meaning) + 1] == story.email_step
        assert story.meaning in _text(message.html) and story.email_step in _text(message.html)
        for attachment in message.attachments:
            content = attachment[1] if isinstance(attachment, tuple) else attachment.content
            calendar = strict_ics(content)
            assert calendar.events[0].status.value == ICS_STATUS.get(story.stage, "CONFIRMED")

    ics = _ics(client, booking)
    calendar = strict_ics(ics)
    (event,) = calendar.events
    assert event.status.value == ICS_STATUS.get(story.stage, "CONFIRMED")
    parsed = Calendar.from_ical(ics)
    assert parsed["METHOD"] == ("CANCEL" if story.stage in (Stage.CANCELLED, Stage.LAPSED)
                                else "PUBLISH")  # fmt: skip
    assert event.dtstart == booking.start and event.dtstart.utcoffset() == timedelta(hours=9)
    # Read long after: what the event is and where the booking page is, no deadline.
    assert story.calendar_text in _text(str(event.description).replace("\\n", " "))
    return story, event.sequence


@pytest.fixture
def staff_approval(db):
    """A service whose counselors answer each request (staff approval), as Kawagoe's."""
    return office_with(confirmation_mode="staff_approval").services.get()


@pytest.fixture
def saturday(db):
    """A Saturday service final once the person opens the email's link (within an hour),
    as Sasebo's evening/Saturday one."""
    return office_with(
        weekdays=(5,), hours=(time(9, 30), time(12, 30)),
        confirmation_mode="instant", email_verification_minutes=60,
    ).services.get()  # fmt: skip


@pytest.fixture
def phone_cancel(db):
    """A staff-approval service that takes no cancellation online, as Toyooka's."""
    return office_with(
        confirmation_mode="staff_approval", online_cancel_allowed=False
    ).services.get()


@pytest.fixture
def counselor(staff_approval):
    return staff(staff_approval.office, COUNSELORS, "story-counselor")


def test_every_stage_has_its_words_and_every_status_a_stage():
    assert set(TABLE) == set(Stage)
    for status in BookingStatus:
        booking = Booking(status=status, start=THU, end=THU + timedelta(minutes=30))
        assert stage_of(booking) in Stage
    for row in TABLE.values():
        assert row.ics_status in ("TENTATIVE", "CONFIRMED", "CANCELLED")


def test_a_request_walks_every_stage_and_every_surface_agrees(client, staff_approval, counselor):
    """A staff-approval service: sent from its email, a time proposed, confirmed,
    cancelled; each step read on every surface; the .ics's SEQUENCE grows each time."""
    created = book(staff_approval, THU)
    booking = created.booking
    sequences = []
    story, seq = check_every_surface(client, booking)
    assert story.stage == Stage.REQUEST_TO_SEND
    assert "申込みを送信する" in story.step  # the email's button and the page's button
    sequences.append(seq)

    verify = re.search(r"/verify/([^/]+)/", mail.outbox[0].body) if mail.outbox else None
    token = verify.group(1) if verify else _verify_token(booking)
    booking_verify(token=token, now=NOW + timedelta(minutes=5))
    story, seq = check_every_surface(client, booking)
    assert story.stage == Stage.REQUEST_WAITING
    sequences.append(seq)

    booking_propose_time(booking=booking, by=counselor, start=FRI, now=NOW + timedelta(hours=1))
    story, seq = check_every_surface(client, booking)
    assert story.stage == Stage.TIME_PROPOSED
    sequences.append(seq)

    Booking.objects.filter(pk=booking.pk).update(proposed_at=None)
    booking.refresh_from_db()
    booking_confirm(booking=booking, by=counselor, now=NOW + timedelta(hours=2))
    story, seq = check_every_surface(client, booking)
    assert story.stage == Stage.CONFIRMED
    sequences.append(seq)

    booking_cancel_by_applicant(booking=booking, now=NOW + timedelta(hours=3))
    story, seq = check_every_surface(client, booking)
    assert story.stage == Stage.CANCELLED
    sequences.append(seq)
    # Tentative -> proposed -> confirmed -> cancelled: every change a higher SEQUENCE.
    assert sequences[1:] == sorted(sequences[1:]) and len(set(sequences[1:])) == 4


def _verify_token(booking):
    from bookings.services.links import booking_link_issue

    return booking_link_issue(booking=booking, purpose="verify")


def test_the_email_check_stage_on_every_surface(client, saturday):
    created = book(saturday, SAT, data=_person("check@example.jp"))
    story, _seq = check_every_surface(client, created.booking)
    assert story.stage == Stage.EMAIL_CHECK and "予約を完了する" in story.step


@pytest.mark.parametrize(
    "status",
    [
        BookingStatus.CONFIRMED,
        BookingStatus.IN_PROGRESS,
        BookingStatus.SWITCHED_TO_PHONE,
        BookingStatus.COMPLETED,
        BookingStatus.NO_SHOW,
        BookingStatus.CANCELLED,
        BookingStatus.EXPIRED,
    ],
)
def test_the_later_stages_on_every_surface(client, phone_cancel, status):
    created = book(phone_cancel, THU)
    Booking.objects.filter(pk=created.booking.pk).update(
        status=status, verification_expires_at=None
    )
    story, _seq = check_every_surface(client, created.booking)
    assert story.stage == stage_of(created.booking)


def test_english_surfaces_say_the_english_words(client, staff_approval):
    created = book(staff_approval, THU, language="en")
    client.cookies["django_language"] = "en"
    story, _seq = check_every_surface(client, created.booking, language="en")
    assert story.title == "Your request is not complete yet"
    assert "(Japan time)" in story.meaning and "(Japan time)" in story.step


def _person(email):
    from tests.helpers import person

    return person(email=email, kind="job_seeker")
