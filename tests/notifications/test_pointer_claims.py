"""
A pointer (LINE, SMS) is claimed by the worker that sends it, and the claim lapses: a worker
that dies between claiming and recording the provider's answer leaves the pointer queued
only until the claim's lease has passed; the minute sweep then takes it back and sends it
under the same retry key, so the person is shown it once.
"""

import pytest
from django.conf import settings as django_settings

from common import clock
from notifications import delivery as delivery_module
from notifications.delivery import pointers_reclaim, pointers_send
from notifications.models import Delivery, Notification
from notifications.tasks import send_queued_notifications
from tests.notifications.test_channels import _booking, _confirm, _line

pytestmark = pytest.mark.django_db


class WorkerDied(BaseException):
    """The worker's process ends (killed, out of memory) in the middle of its work."""


def _confirmed_message(commit):
    """A confirmed booking's message, its email sent, LINE linked only afterwards: its
    pointer is still to be sent."""
    booking = _confirm(commit, _booking(commit))
    _line(booking)
    return Notification.objects.get(booking_id=booking.pk, kind="booking_confirmed")


def _dies(monkeypatch, *, after_sending: bool):
    real = delivery_module._pointer_deliver

    def die(delivery, notification, contact, now):
        if after_sending:  # LINE took it; the answer was never recorded
            real(delivery, notification, contact, now)
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.QUEUED, claim_expires_at=delivery.claim_expires_at
            )
        raise WorkerDied

    monkeypatch.setattr(delivery_module, "_pointer_deliver", die)


def test_a_pointer_claimed_by_a_worker_that_died_is_taken_back_by_the_sweep_and_sent_once(
    office, fake_line, monkeypatch, frozen, django_capture_on_commit_callbacks
):
    message = _confirmed_message(django_capture_on_commit_callbacks)
    _dies(monkeypatch, after_sending=False)
    with pytest.raises(WorkerDied):
        pointers_send(notification_id=message.pk, now=clock.now())
    monkeypatch.undo()
    line = message.deliveries.get(channel="line")
    assert line.status == Delivery.Status.QUEUED and fake_line.pushed == []

    # Within the lease: the claim stands; nobody sends it twice.
    assert pointers_reclaim(now=clock.now()) == 0
    assert pointers_send(notification_id=message.pk, now=clock.now())  # "on its way"
    assert fake_line.pushed == []

    frozen.shift(django_settings.EMAIL_CLAIM_SECONDS + 1)
    assert send_queued_notifications() == 1  # the minute sweep
    line.refresh_from_db()
    assert (line.status, line.claim_expires_at) == (Delivery.Status.SENT, None)
    assert len(fake_line.pushed) == 1
    frozen.shift(django_settings.EMAIL_CLAIM_SECONDS + 1)
    assert send_queued_notifications() == 0
    assert len(fake_line.pushed) == 1  # delivered once


def test_a_pointer_line_took_before_its_worker_died_is_shown_once(
    office, fake_line, monkeypatch, frozen, django_capture_on_commit_callbacks
):
    message = _confirmed_message(django_capture_on_commit_callbacks)
    _dies(monkeypatch, after_sending=True)
    with pytest.raises(WorkerDied):
        pointers_send(notification_id=message.pk, now=clock.now())
    monkeypatch.undo()
    assert len(fake_line.pushed) == 1
    frozen.shift(django_settings.EMAIL_CLAIM_SECONDS + 1)
    assert pointers_reclaim(now=clock.now()) == 1  # LINE answers 409: this key was taken
    assert message.deliveries.get(channel="line").status == Delivery.Status.SENT
    assert len(fake_line.pushed) == 1  # the retry key: LINE shows it once
