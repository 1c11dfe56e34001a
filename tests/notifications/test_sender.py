"""
Issue 26 (minor): an email's From: names the office that writes (「ハローワーク川越
<noreply@…>」), in the email's language, encoded for the wire (RFC 2047), as the mail
server receives it.
"""

from email.header import decode_header, make_header

import pytest

from notifications.models import Notification
from notifications.services import Message, notification_enqueue, notification_send
from tests.factories import office_with
from tests.helpers import NOW

pytestmark = pytest.mark.django_db


def _sent_from(smtp, office, language: str) -> str:
    notification_enqueue(
        dedupe_key=f"test-sender:{language}", kind="test", recipient="p@example.jp",
        language=language, office_id=office.pk,
        render=lambda: Message(subject="件名", text="本文"),
    )  # fmt: skip
    notification_send(notification_id=Notification.objects.latest("pk").pk, now=NOW)
    _recipients, message = smtp.inbox.messages[-1]
    return dict(message.raw_items())["From"]  # as on the wire


def test_the_from_line_names_the_office_encoded_in_the_persons_language(smtp, settings):
    settings.DEFAULT_FROM_EMAIL = "noreply@consult.example.jp"
    office = office_with(name="ハローワーク川越", name_en="Hello Work Kawagoe")
    smtp.start()
    raw = _sent_from(smtp, office, "ja")
    assert raw.isascii() and "=?utf-8?" in raw.lower()  # encoded, not raw UTF-8 on the wire
    assert str(make_header(decode_header(raw))) == "ハローワーク川越 <noreply@consult.example.jp>"
    english = _sent_from(smtp, office, "en")
    assert str(make_header(decode_header(english))) == (
        "Hello Work Kawagoe <noreply@consult.example.jp>"
    )
