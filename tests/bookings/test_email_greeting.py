"""
The office speaks first (issue 23, 6): the person's name, which anyone can type for any
address, is never the first line of an email from the office's sender. Every applicant
email opens with the office's own line, 「ハローワーク川越からのお知らせです。」, the name after.
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.utils import translation

from bookings.emails.applicant import booking_message, booking_template
from bookings.models import Booking, BookingChange
from bookings.state import EmailKind
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, book, jst, person

pytestmark = pytest.mark.django_db

# Within the limits of a name (no web address, email or phone: those are refused), the
# first words of a phishing line.
NAME = "【重要】本人確認のため再認証してください"
OFFICE_LINE = "ハローワーク川越からのお知らせです。"
TEMPLATES = Path(settings.BASE_DIR) / "templates" / "emails"
STAFF_ONLY = {"staff_notice"}


def first_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.strip())


def visible_text(html: str) -> str:
    body = html.split("<body", 1)[1].split(">", 1)[1]
    body = re.sub(r"<[^>]+>", "\n", body)
    return "\n".join(line.strip() for line in body.splitlines() if line.strip())


def kawagoe():
    """An office named ハローワーク川越 whose counselors confirm each request."""
    return office_with(
        name="ハローワーク川越", name_en="Hello Work Kawagoe", confirmation_mode="staff_approval"
    )


def applicant_templates() -> list[str]:
    names = {path.stem for path in TEMPLATES.glob("*.txt") if not path.stem.startswith("_")}
    return sorted(names - STAFF_ONLY)


@pytest.mark.django_db(transaction=True)
def test_an_api_booking_for_any_address_opens_with_the_offices_line_not_the_name(client):
    """The finding replayed: a booking sent to the API with a phishing line as the name."""
    office = kawagoe()
    body = {
        "start": jst(2026, 11, 26, 9, 30).isoformat(),
        **person(name=NAME, email="anyone@example.jp"),
        "terms_version": terms_in_force(office=office, at=NOW).pk,
        "agree_terms": True,
    }
    response = client.post(
        f"/api/v1/offices/{office.slug}/bookings", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    sent = [m for m in mail.outbox if m.to == ["anyone@example.jp"]]
    assert sent
    for message in sent:
        assert first_line(message.body) == OFFICE_LINE
        assert NAME in message.body.split(OFFICE_LINE, 1)[1]
        html = visible_text(message.alternatives[0][0])
        assert first_line(html) == OFFICE_LINE and html.index(OFFICE_LINE) < html.index(NAME)


@pytest.mark.parametrize("kind", list(EmailKind))
def test_every_booking_email_kind_opens_with_the_offices_line(kind):
    booking = book(
        kawagoe().services.get(), jst(2026, 11, 26, 9, 30), data=person(name=NAME)
    ).booking
    occurrence = ""
    if kind in (EmailKind.CHANGE_REQUESTED, EmailKind.CHANGE_DECLINED):
        change = BookingChange.objects.create(
            booking=booking, office_id=booking.office_id, from_start=booking.start,
            from_end=booking.end, to_start=booking.start, to_end=booking.end, requested_at=NOW,
        )  # fmt: skip
        occurrence = str(change.pk)
    if booking_template(booking, kind) is None:
        pytest.skip("this event sends no email")
    links = {"manage_url": "https://x/m", "verify_url": "https://x/v", "device_check_url": "/d"}
    message = booking_message(booking, kind, links=links, occurrence=occurrence)
    assert first_line(message.text) == OFFICE_LINE
    assert NAME in message.text.split(OFFICE_LINE, 1)[1]
    assert first_line(visible_text(message.html)) == OFFICE_LINE


@pytest.mark.parametrize("template", applicant_templates())
@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_applicant_email_template_puts_the_office_before_the_name(template, language):
    """Every template, whatever sends it (links, reminders, terms, open requests, ...)."""
    office_name = "ハローワーク川越" if language == "ja" else "Hello Work Kawagoe"
    context = {
        "booking": Booking(name=NAME, reference="ABCD2345"),
        "name": NAME,
        "office_name": office_name,
        "items": [],
        "change": {"to": "x", "from": "y"},
    }
    with translation.override(language):
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    line = first_line(text)
    assert line.startswith(office_name) or line.endswith(office_name + "."), line
    assert first_line(visible_text(html)).count(office_name) == 1
    if NAME in text:
        assert text.index(office_name) < text.index(NAME)
