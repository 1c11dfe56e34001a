"""
Every email to the person renders in Portuguese (Brazil), Spanish and Tagalog when they
booked in it: its subject, text, HTML and calendar file are in that language (no Japanese
but what the office wrote), and its HTML says which language it is.
"""

import re
from datetime import timedelta

import pytest

from bookings.emails.applicant import (
    booking_message,
    booking_template,
    meeting_issued_message,
    reminder_message,
    terms_change_message,
)
from bookings.services.reschedule import booking_reschedule_by_applicant
from bookings.services.staff import booking_confirm
from bookings.state import EmailKind
from common import clock
from conferencing.models import OnlineMeeting
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import LINKS, book, email_checked, jst, person

THU_930 = jst(2026, 11, 26, 9, 30)
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]+")
WHEN = {
    "pt-br": "qui 26 nov 2026, 9:30–10:00 (horário do Japão)",
    "es": "jue 26 nov 2026, 9:30–10:00 (hora de Japón)",
    "tl": "Huw 26 Nob 2026, 9:30–10:00 (oras sa Japan)",
}
CALENDAR = {
    "pt-br": "SUMMARY:Consulta on-line:",
    "es": "SUMMARY:Consulta en línea:",
    "tl": "SUMMARY:Online na konsultasyon:",
}
SUBJECT = {
    "pt-br": "Seu agendamento está confirmado",
    "es": "Su reserva está confirmada",
    "tl": "Kumpirmado na ang inyong booking",
}


@pytest.fixture
def confirmed(db):
    # Counselors confirm, so a change of time online is a request the person is emailed about.
    office = office_with(confirmation_mode="staff_approval", counselors=1)

    def make(language: str):
        created = book(
            office.services.get(), THU_930, data=person(name="Maria Santos"), language=language
        )
        counselor = office.counselors.get().user
        return booking_confirm(
            booking=email_checked(created.booking), by=counselor, now=clock.now()
        )

    return make


def _japanese_left(message, booking, terms) -> list[str]:
    """Japanese in the message that is not the office's own name or content."""
    office = booking.office
    own = {office.name, office.name_en, booking.service.name, office.phone, terms.change_summary}
    text = "\n".join([message.subject, message.text, re.sub(r"<[^>]+>", " ", message.html)])
    for value in own:
        if value:
            text = text.replace(value, "")
    return CJK.findall(text)


@pytest.mark.parametrize("language", ["pt-br", "es", "tl"])
def test_every_email_to_the_person_is_in_the_language_they_booked_in(confirmed, language):
    booking = confirmed(language)
    assert booking.language == language
    change = booking_reschedule_by_applicant(
        booking=booking, start=THU_930 + timedelta(hours=1), now=clock.now()
    ).change
    booking.refresh_from_db()
    messages = [
        booking_message(booking, kind, links=LINKS, occurrence=str(change.pk))
        for kind in EmailKind
        if booking_template(booking, kind)
    ]
    meeting = OnlineMeeting(
        booking_uuid=booking.uuid, office_id=booking.office_id, status="issued",
        join_url="https://zoom.example/j/123", meeting_number="123 456 789", passcode="ab12",
    )  # fmt: skip
    messages.append(meeting_issued_message(booking, meeting, links=LINKS))
    for kind in ("reminder_day_before", "reminder_soon"):
        messages.append(reminder_message(booking, kind, now=clock.now(), links=LINKS))
    terms = terms_in_force(office=booking.office, at=THU_930)
    messages.append(terms_change_message(booking, terms))
    assert len(messages) >= 15
    for message in messages:
        assert _japanese_left(message, booking, terms) == [], message.subject
        assert f'<html lang="{language}">' in message.html
    confirmation = booking_message(booking, EmailKind.CONFIRMED, links=LINKS)
    assert SUBJECT[language] in confirmation.subject
    assert WHEN[language] in confirmation.text and WHEN[language] in confirmation.html
    calendar = confirmation.attachments[0].content.replace("\r\n ", "")  # unfolded
    assert CALENDAR[language] in calendar
    assert CJK.findall(calendar.replace(booking.office.name, "")) == []
