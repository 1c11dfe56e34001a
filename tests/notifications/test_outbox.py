"""
The outbox keeps its promise through a mail server outage: the booking commits, the email
waits in the outbox with the error's class (never the address), and once the server is
back the periodic task delivers each email exactly once, however often it runs.
"""

import threading

import pytest
from django.db import connection

from bookings.models import Booking, BookingStatus
from bookings.services.staff import booking_confirm
from common import clock
from notifications.models import Notification
from notifications.services import (
    Message,
    notification_enqueue,
    notification_ids_due,
    notification_send,
)
from notifications.tasks import send_notification, send_queued_notifications
from tests.factories import counselors_reachable, office_with
from tests.helpers import NOW, book, counselor_account, email_checked, jst

TUE_930 = jst(2026, 11, 24, 9, 30)


def approving_on_zoom():
    """The service of an office of two counselors (with addresses: their notices go
    through the outage too) who confirm each request, its sessions on Zoom."""
    office = office_with(confirmation_mode="staff_approval", platform="zoom", counselors=2)
    counselors_reachable(office)
    return office.services.get()


@pytest.mark.django_db
def test_smtp_down_then_up_delivers_every_email_exactly_once(
    frozen, smtp, django_capture_on_commit_callbacks
):
    svc = approving_on_zoom()
    with django_capture_on_commit_callbacks(execute=True):
        created = book(svc, TUE_930, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        counselor = counselor_account(svc.office)
        booking_confirm(booking=email_checked(created.booking), by=counselor, now=NOW)
    booking = Booking.objects.get(pk=created.booking.pk)
    assert booking.status == BookingStatus.CONFIRMED  # the outage never fails the booking

    waiting = Notification.objects.filter(status=Notification.Status.QUEUED)
    assert waiting.count() >= 1
    assert set(waiting.values_list("last_error", flat=True)) == {"ConnectionRefusedError"}
    assert smtp.inbox.messages == []

    smtp.start()
    first = send_queued_notifications()
    assert first == waiting.model.objects.filter(status=Notification.Status.SENT).count() >= 1
    assert send_queued_notifications() == 0  # the next beat finds nothing to send
    for notification in Notification.objects.all():
        send_notification(notification.pk)  # a late duplicate task sends nothing either

    received = [(recipients[0], m["Subject"]) for recipients, m in smtp.inbox.messages]
    assert len(received) == first == Notification.objects.count() == len(set(received))
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"booking_created", "booking_confirmed", "meeting_issued"} <= kinds
    with_calendar = [
        m for _, m in smtp.inbox.messages
        if any(part.get_content_type() == "text/calendar" for part in m.walk())
    ]  # fmt: skip
    # The confirmation and the meeting's link each carry the event (issue 26).
    assert len(with_calendar) == 2
    assert all(booking.reference in str(m["Subject"]) for m in with_calendar)
    parts = {part.get_content_type() for part in with_calendar[0].walk()}
    assert {"text/plain", "text/html"} <= parts


@pytest.mark.django_db
def test_a_failing_server_is_retried_until_the_cap_then_the_email_is_marked_failed(smtp):
    notification = notification_enqueue(
        dedupe_key="test:cap", kind="test", recipient="someone@example.jp", language="ja",
        render=lambda: Message(subject="s", text="t"),
    )  # fmt: skip
    for _attempt in range(8):
        assert notification_send(notification_id=notification.pk, now=clock.now()) is False
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED and notification.attempts == 8
    smtp.start()
    assert send_queued_notifications() == 0  # failed ones wait for a person, not the beat
    assert "someone@example.jp" not in notification.last_error


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_racing_to_send_one_email_deliver_it_once(smtp):
    smtp.start()
    # Written as queued, no task handed over: the eager task of `notification_enqueue` would
    # send it on commit (this test commits) before the six workers race for it.
    notification = _queued(dedupe_key="test:race")
    barrier = threading.Barrier(6)
    results = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(notification_send(notification_id=notification.pk, now=clock.now()))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    assert len(smtp.inbox.messages) == 1


@pytest.mark.django_db
def test_the_same_event_twice_queues_one_email(frozen, django_capture_on_commit_callbacks):
    svc = approving_on_zoom()
    with django_capture_on_commit_callbacks(execute=True):
        created = book(svc, TUE_930, idempotency_key="k-1")
        book(svc, TUE_930, idempotency_key="k-1")
    assert Notification.objects.filter(dedupe_key__startswith=f"booking:{created.booking.pk}:")
    assert Notification.objects.filter(kind="booking_created").count() == 1


def _queued(**fields) -> Notification:
    return Notification.objects.create(
        dedupe_key=fields.pop("dedupe_key", "test:1"), kind="test", recipient="a@example.jp",
        language="ja", subject="s", body_text="b", **fields,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_mail_server_is_spoken_to_outside_any_transaction(monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend
    from django.db import connection

    seen = []
    real_send = EmailBackend.send_messages

    def send(self, messages):
        seen.append(connection.in_atomic_block)
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send)
    notification = _queued()
    assert notification_send(notification_id=notification.pk, now=clock.now()) is True
    assert seen == [False]
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT and notification.claimed_at is None


@pytest.mark.django_db
def test_an_email_whose_worker_was_lost_mid_send_is_sent_after_its_claim_lapses(frozen, settings):
    notification = _queued(status=Notification.Status.SENDING, claimed_at=clock.now(), attempts=1)
    assert notification_ids_due(now=clock.now()) == []
    assert notification_send(notification_id=notification.pk, now=clock.now()) is False
    frozen.shift(settings.EMAIL_CLAIM_SECONDS + 1)
    assert notification_ids_due(now=clock.now()) == [notification.pk]
    assert notification_send(notification_id=notification.pk, now=clock.now()) is True
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 2)


@pytest.mark.django_db
def test_an_event_already_queued_is_neither_rendered_nor_written_again():
    rendered = []

    def render():
        rendered.append(1)
        return Message(subject="s", text="t")

    first = notification_enqueue(
        dedupe_key="test:once", kind="test", recipient="a@example.jp", language="ja", render=render
    )
    again = notification_enqueue(
        dedupe_key="test:once", kind="test", recipient="a@example.jp", language="ja", render=render
    )
    assert first is not None and again is None
    assert rendered == [1] and Notification.objects.count() == 1
