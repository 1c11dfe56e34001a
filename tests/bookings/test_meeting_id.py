"""
Issue 26: Zoom's meeting ID reads the same everywhere the person meets it (the email on how
to join, the booking page, the reminder, the .ics): grouped as Zoom prints it, `178 090
7945`, never `1780907945` in one place and `178 090 7945` in another. And no office note
promises to phone with an ID and passcode that the email already gives.
"""

import pytest
from django.utils import translation

from bookings.emails.applicant import meeting_issued_message, reminder_message
from common import clock
from conferencing.models import OnlineMeeting
from conferencing.providers import capabilities_for
from offices.seed_data import OFFICES
from tests.factories import office_with
from tests.helpers import book, jst, manage_token

pytestmark = pytest.mark.django_db

LINKS = {"manage_url": "https://consult.example.jp/bookings/t/"}


def _zoom_booking():
    office = office_with(
        slug="z", platform="zoom", confirmation_mode="instant", phone="0796-00-0000"
    )
    booking = book(office.services.get(), jst(2026, 11, 24, 9, 30)).booking
    meeting = OnlineMeeting.objects.create(
        booking_uuid=booking.uuid, office_id=office.pk, status="issued",
        join_url="https://zoom.example/j/1780907945", meeting_number="1780907945", passcode="ab12",
    )  # fmt: skip
    return booking, meeting


def test_the_meeting_id_is_grouped_alike_in_emails_page_and_ics(client):
    booking, meeting = _zoom_booking()
    with translation.override("ja"):
        issued = meeting_issued_message(booking, meeting, links=LINKS)
        reminder = reminder_message(booking, "reminder_day_before", now=clock.now(), links=LINKS)
    token = manage_token(booking)
    surfaces = {
        "email text": issued.text, "email html": issued.html,
        "reminder": reminder.text,
        "page": client.get(f"/bookings/{token}/").content.decode(),
        "ics": client.get(f"/bookings/{token}/calendar.ics").content.decode().replace("\r\n ", ""),
    }  # fmt: skip
    for name, text in surfaces.items():
        text = text.replace("/j/1780907945", "")  # the join link's path is the link's own
        assert "178 090 7945" in text, name
        assert "1780907945" not in text, name


def test_no_office_note_promises_to_phone_with_the_id_its_platform_emails():
    """Where the platform joins by number, the email and the booking page give the ID and
    passcode; a note saying the office phones with them would contradict them."""
    for spec in OFFICES:
        if not capabilities_for(spec["platform"]).joins_with_number:
            continue
        for field in ("preparation_note", "preparation_note_en"):
            note = spec.get(field, "")
            assert not ("お電話し、ミーティングID" in note or "phones you before the start with"
                        in note), (spec["slug"], note)  # fmt: skip
