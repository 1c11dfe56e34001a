"""A group session has one meeting for all its seats, on its office's platform (fake Zoom
speaking Zoom's HTTP): each person is emailed its join link; a seat given back leaves the
meeting to the others; the session cancelled deletes it."""

import pytest
from django.core import mail

from bookings.selectors.bookings import meeting_for
from bookings.services.seats import group_session_cancel
from conferencing.models import OnlineMeeting
from notifications.models import Notification
from offices.roles import COUNSELORS
from tests.bookings.seat_helpers import manager, seminar, take_seat
from tests.conferencing.test_meetings import zoom  # noqa: F401 (the fixture)
from tests.factories import office_with
from tests.helpers import NOW, jst, person, staff

pytestmark = pytest.mark.django_db

TOYOOKA_THU = jst(2026, 11, 26, 13, 0)


@pytest.fixture
def toyooka(db):
    """ハローワーク豊岡 as the test builds it: its meetings on Zoom, through the account the
    `zoom` fixture configures (zoom:toyooka)."""
    return office_with(
        slug="toyooka", name="ハローワーク豊岡", name_en="Hello Work Toyooka",
        platform="zoom", platform_account="zoom:toyooka",
    )  # fmt: skip


def phone_seat(session, n, by):
    """A counselor enters a seat by phone: confirmed at once, as any phone booking."""
    return take_seat(
        session, n, channel="phone", created_by=by,
        data=person(email=f"seat{n}@example.jp", job_seeker_number=f"{30000 + n}-1234567"),
    ).booking  # fmt: skip


def test_three_seats_share_one_zoom_meeting_and_each_person_gets_its_link(
    zoom,  # noqa: F811 (the fixture imported above)
    toyooka,
    django_capture_on_commit_callbacks,
):
    session = seminar(slug="toyooka", start=TOYOOKA_THU, capacity=5)
    counselor = staff(session.office, COUNSELORS, "c-toyooka")
    with django_capture_on_commit_callbacks(execute=True):
        seats = [phone_seat(session, n, counselor) for n in (1, 2, 3)]
    assert len(zoom.meetings) == 1
    (created,) = zoom.meetings.values()
    assert "応募書類の書き方" in created["topic"]
    meetings = {meeting_for(seat).pk for seat in seats}
    assert len(meetings) == 1
    meeting = OnlineMeeting.objects.get(pk=meetings.pop())
    assert meeting.booking_uuid == session.uuid and meeting.status == OnlineMeeting.Status.ISSUED
    issued = Notification.objects.filter(kind="meeting_issued")
    assert sorted(issued.values_list("recipient", flat=True)) == [
        "seat1@example.jp", "seat2@example.jp", "seat3@example.jp",
    ]  # fmt: skip
    joins = [m for m in mail.outbox if meeting.join_url in m.body]
    assert sorted(m.to[0] for m in joins) == [
        "seat1@example.jp", "seat2@example.jp", "seat3@example.jp",
    ]  # fmt: skip
    for message in joins:
        assert "応募書類の書き方" in message.body  # the session, named in the email
        assert meeting.host_url not in message.body
        assert message.body.index("ハローワーク豊岡") < message.body.index(meeting.join_url)


def test_a_cancelled_seat_keeps_the_meeting_and_a_cancelled_session_deletes_it(
    zoom,  # noqa: F811 (the fixture imported above)
    toyooka,
    django_capture_on_commit_callbacks,
):
    from bookings.services.staff import booking_cancel_by_staff

    session = seminar(slug="toyooka", start=TOYOOKA_THU, capacity=5)
    counselor = staff(session.office, COUNSELORS, "c-toyooka")
    with django_capture_on_commit_callbacks(execute=True):
        first, second = phone_seat(session, 1, counselor), phone_seat(session, 2, counselor)
        booking_cancel_by_staff(booking=first, by=counselor, reason="本人から電話", now=NOW)
    assert len(zoom.meetings) == 1
    with django_capture_on_commit_callbacks(execute=True):
        group_session_cancel(
            session=session, by=manager(session.office, "m2"), reason="講師急病", now=NOW
        )
    assert zoom.meetings == {}
    assert meeting_for(second).status == OnlineMeeting.Status.DELETED
