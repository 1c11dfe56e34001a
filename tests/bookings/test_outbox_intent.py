"""
A booking writes its emails as intent and the sending worker renders them (issue 28):
the booking's transaction renders no text, HTML or calendar file and issues no email's
link; the worker renders each on its first claim, with links of its own that work, and
keeps what it rendered, so a second attempt sends the same email under the same
Message-ID. The answer's own link works the moment the answer arrives.
"""

import pytest
from django.core import mail
from django.test import Client

from bookings.models import BookingLink
from bookings.selectors.bookings import booking_get_by_token
from bookings.tokens import MANAGE
from common import clock
from notifications.models import Notification
from notifications.services import notification_send
from offices.roles import COUNSELORS
from tests.factories import office_with
from tests.helpers import book, delivered, email_checked, jst, link_token, person, service, staff

pytestmark = pytest.mark.django_db
THU = jst(2026, 11, 26, 9, 30)  # Monday 23 is a holiday


def _office(**rules):
    office = office_with(counselors=2, **rules)
    for n in (1, 2):
        counselor = staff(office, COUNSELORS, f"{office.slug}-c{n}")
        counselor.email = f"c{n}@{office.slug}.example"
        counselor.save()
    return service(office.slug)


def test_a_request_writes_the_persons_and_every_counselors_email_as_intent():
    created = book(_office(confirmation_mode="staff_approval"), THU)
    rows = Notification.objects.filter(booking_id=created.booking.pk).order_by("kind")
    # Counselors hear of a request only once the person confirmed it from the email.
    assert [(n.kind, n.subject, n.body_text) for n in rows] == [("booking_created", "", "")]
    # The only link issued in the request is the answer's own, and it works at once.
    assert BookingLink.objects.filter(booking=created.booking).count() == 1
    assert booking_get_by_token(token=created.manage_token, purpose=MANAGE) == created.booking
    assert Client().get(f"/bookings/{created.manage_token}/").status_code == 200
    email_checked(created.booking)
    rows = Notification.objects.filter(booking_id=created.booking.pk, kind__startswith="staff_")
    assert [(n.kind, n.subject, n.body_text) for n in rows] == [
        ("staff_request_waiting", "", ""),
        ("staff_request_waiting", "", ""),
    ]
    assert all(n.params["status"] == "requested" for n in rows)


def test_the_worker_renders_the_email_with_a_link_of_its_own_and_keeps_it():
    created = book(_office(), THU, data=person(email="t@example.jp"))
    email = delivered(Notification.objects.get(kind="booking_created"))
    assert email.status == Notification.Status.SENT
    assert created.booking.reference in email.subject and "山田 太郎" in email.body_text
    token = link_token(email.body_text)
    assert token != created.manage_token
    assert booking_get_by_token(token=token, purpose=MANAGE) == created.booking
    (sent,) = mail.outbox
    assert token in sent.body and sent.to == ["t@example.jp"]


def test_a_second_attempt_sends_what_the_first_rendered_under_the_same_message_id(frozen, settings):
    book(_office(), THU)
    email = Notification.objects.get(kind="booking_created")
    assert notification_send(notification_id=email.pk, now=clock.now()) is True
    links = BookingLink.objects.count()
    # As if the worker died after the mail server accepted it: claimed again once lapsed.
    Notification.objects.filter(pk=email.pk).update(
        status=Notification.Status.SENDING, claimed_at=clock.now()
    )
    frozen.shift(settings.EMAIL_CLAIM_SECONDS + 1)
    assert notification_send(notification_id=email.pk, now=clock.now()) is True
    first, second = mail.outbox
    assert first.body == second.body and first.extra_headers == second.extra_headers
    assert BookingLink.objects.count() == links  # rendered once: no new link


def test_the_same_event_twice_writes_one_row_per_recipient():
    svc = _office(confirmation_mode="staff_approval")
    created = book(svc, THU, idempotency_key="k-9")
    book(svc, THU, idempotency_key="k-9")
    from bookings.services.notify import booking_notify
    from bookings.state import EmailKind

    booking = email_checked(created.booking)  # the counselors' notices are written now
    booking_notify(booking, EmailKind.CREATED)  # the event again: nothing new
    # The person's first email and two counselors' notices. No receipt of the sent request
    # while that first email is still unsent: rendered when it goes, it says the same.
    assert Notification.objects.filter(booking_id=created.booking.pk).count() == 3
