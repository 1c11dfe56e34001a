"""
Email bounces are recorded like any failed delivery: from the mail server's answer at send
time (a 5xx refusal of the recipient, in the outbox worker, with no retry) and from the
mail relay's bounce notification (a DSN, RFC 3464, POSTed signed with a shared secret).
A message that then reached none of the person's channels is listed for a phone call;
one whose pointer went by SMS is not.
"""

import hashlib
import hmac

import pytest
from django.urls import reverse

from bookings.models import PhoneCall
from bookings.services.staff import booking_confirm
from common import clock
from loadtest.processes import Inbox
from notifications.contacts import contact_sms_set
from notifications.message_ids import message_id
from notifications.models import Delivery, Notification, Owner
from offices.models import Service, User
from tests.helpers import book, email_checked, jst, person

pytestmark = pytest.mark.django_db

THU = jst(2026, 12, 3, 10, 0)
SECRET = "bounce-secret"


class RefusingInbox(Inbox):
    """A mail server that answers RCPT TO for unknown mailboxes with 550 5.1.1."""

    refused = {"nobody@example.jp"}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # aiosmtpd
        if address in self.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def _service():
    """The one service of the test's office (`office`)."""
    return Service.objects.select_related("office").get()


def _confirmed(commit, email):
    counselor = User.objects.get(username="counselor-1")
    with commit(execute=True):
        booking = book(_service(), THU, data=person(email=email)).booking
    with commit(execute=True):
        return booking_confirm(booking=email_checked(booking), by=counselor, now=clock.now())


def test_a_recipient_refused_by_the_mail_server_is_failed_at_once_and_listed_for_a_call(
    office, smtp, django_capture_on_commit_callbacks
):
    smtp.inbox = RefusingInbox()
    smtp.start()
    booking = _confirmed(django_capture_on_commit_callbacks, "nobody@example.jp")
    message = Notification.objects.get(booking_id=booking.pk, kind="booking_confirmed")
    assert (message.status, message.attempts) == (Notification.Status.FAILED, 1)  # no retry
    assert message.last_error == "SMTP 550: recipient refused"
    email = message.deliveries.get(channel="email")
    assert (email.status, email.reason) == (Delivery.Status.FAILED, "SMTP 550: recipient refused")
    assert "nobody" not in email.reason + message.last_error
    call = PhoneCall.objects.get(booking_id=booking.pk, dedupe_key=f"undelivered:{message.pk}")
    assert call.kind == "confirmed"


def _dsn(original_id: str, *, action="failed", status="5.1.1") -> bytes:
    return (
        "From: MAILER-DAEMON@relay.example.jp\r\nTo: noreply@example.jp\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThis is the mail system.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; relay.example.jp\r\n\r\n"
        "Final-Recipient: rfc822; hanako@example.jp\r\n"
        f"Action: {action}\r\nStatus: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <hanako@example.jp>: User unknown\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {original_id}\r\nSubject: booking\r\n\r\n"
        "--B--\r\n"
    ).encode()


def _post(client, raw: bytes, *, secret=SECRET):
    signature = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return client.post(
        reverse("notifications-email-bounce"), raw, content_type="message/rfc822",
        HTTP_X_BOUNCE_SIGNATURE=signature,
    )  # fmt: skip


def test_a_bounce_notification_fails_the_email_and_lists_a_call(
    office, client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BOUNCE_SECRET = SECRET
    booking = _confirmed(django_capture_on_commit_callbacks, "hanako@example.jp")
    message = Notification.objects.get(booking_id=booking.pk, kind="booking_confirmed")
    assert message.deliveries.get(channel="email").status == Delivery.Status.SENT

    assert _post(client, _dsn(message_id(message)), secret="forged").status_code == 403
    assert _post(client, _dsn(message_id(message), action="delayed")).json() == {"recorded": False}
    assert _post(client, _dsn("<1.000000000000000000000000@example.jp>")).json() == {
        "recorded": False
    }
    assert message.deliveries.get(channel="email").status == Delivery.Status.SENT

    assert _post(client, _dsn(message_id(message))).json() == {"recorded": True}
    email = message.deliveries.get(channel="email")
    assert (email.status, email.reason) == (Delivery.Status.FAILED, "bounce 5.1.1 (SMTP 550)")
    assert PhoneCall.objects.filter(dedupe_key=f"undelivered:{message.pk}").count() == 1
    _post(client, _dsn(message_id(message)))  # the relay sends it twice: one call
    assert PhoneCall.objects.filter(booking_id=booking.pk).count() == 1


def test_a_bounced_email_whose_pointer_went_by_sms_lists_no_call(
    office, client, settings, fake_twilio, django_capture_on_commit_callbacks
):
    settings.EMAIL_BOUNCE_SECRET = SECRET
    counselor = User.objects.get(username="counselor-1")
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(_service(), THU, data=person(email="hanako@example.jp")).booking
    contact_sms_set(
        owner=Owner("booking", booking.pk), office_id=booking.office_id,
        number="080-1234-5678", now=clock.now(),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        booking_confirm(booking=email_checked(booking), by=counselor, now=clock.now())
    message = Notification.objects.get(booking_id=booking.pk, kind="booking_confirmed")
    assert _post(client, _dsn(message_id(message))).json() == {"recorded": True}
    assert message.deliveries.get(channel="sms").status == Delivery.Status.SENT
    assert not PhoneCall.objects.filter(booking_id=booking.pk).exists()


def test_bounces_are_off_without_a_secret(client, settings, db):
    settings.EMAIL_BOUNCE_SECRET = ""
    assert _post(client, b"x", secret="anything").status_code == 404
