"""
A booking succeeds while Redis, the broker, is down: the booking commits, its email waits
in the outbox and its meeting has no task yet. When Redis is back, beat's periodic tasks,
carried by the real broker to a real worker, deliver the email once and issue the meeting.

The test runs a Redis server of its own on a free loopback port (the machine's
`redis-server`), so it can stop and restart it without touching the shared one.
"""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from kombu import pools

from bookings.models import Booking, BookingStatus
from bookings.services.staff import booking_confirm
from bookings.tasks import sweep_meetings
from common import clock
from conferencing.models import OnlineMeeting
from config.celery import app as celery_app
from loadtest.processes import REDIS_SERVER, RedisProcess
from notifications.models import Notification
from notifications.tasks import send_queued_notifications
from tests.factories import counselors_reachable, office_with
from tests.helpers import NOW, book, counselor_account, email_checked, jst


def _use_broker(url: str, *, eager: bool) -> None:
    # kombu keeps its connection and producer pools in process-wide registries keyed by
    # the broker's address: close and forget them all, then point the app at the new one.
    # (Closing `celery_app.pool` after changing the URL closed the NEW address's pool, and
    # the registry handed that closed pool back: "Acquire on closed pool" when this test
    # ran first in its process.)
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def own_redis():
    if not os.path.exists(REDIS_SERVER):
        reason = "needs redis-server on this machine (Debian's redis-server)"
        pytest.fail(reason) if os.environ.get("REQUIRE_SERVICES") else pytest.skip(reason)
    server = RedisProcess()
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    _use_broker(server.url, eager=False)
    yield server
    server.stop()
    _use_broker(saved[0], eager=saved[1])


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_booking_commits_while_the_broker_is_down_and_its_work_is_done_after_recovery(
    frozen, own_redis, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Two counselors (with addresses: their notices wait too) who confirm each request,
    # the sessions on Zoom (a meeting to issue).
    office = office_with(confirmation_mode="staff_approval", platform="zoom", counselors=2)
    counselors_reachable(office)
    # Redis is down (never started): the person books, a counselor confirms.
    started = time.monotonic()
    created = book(office.services.get(), jst(2026, 11, 24, 9, 30), now=NOW)
    booking_confirm(
        booking=email_checked(created.booking), by=counselor_account(office), now=clock.now()
    )
    assert time.monotonic() - started < 10  # the absent broker costs seconds, not minutes
    booking = Booking.objects.get(pk=created.booking.pk)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.events.count() == 3  # booked, checked from the email, confirmed
    queued = Notification.objects.filter(status=Notification.Status.QUEUED)
    assert queued.filter(kind="booking_confirmed").exists()
    assert mail.outbox == []
    assert not OnlineMeeting.objects.filter(booking_uuid=booking.uuid).exists()

    own_redis.start()  # the broker is back
    frozen.shift(20 * 60)  # beat runs its sweeps later; the meeting sweep waits 15 minutes
    from celery.signals import task_postrun
    from django.db import connection

    def close_worker_connection(**_kwargs):
        connection.close()  # the worker thread's own: no session left behind at teardown

    task_postrun.connect(close_worker_connection, weak=False)
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=20):
        send_queued_notifications.delay()
        sweep_meetings.delay()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            meeting = OnlineMeeting.objects.filter(booking_uuid=booking.uuid).first()
            issued = meeting is not None and meeting.status == OnlineMeeting.Status.ISSUED
            if issued and not queued.exists() and len(mail.outbox) >= Notification.objects.count():
                break
            time.sleep(0.1)
        send_queued_notifications.delay()  # a later beat: nothing left to send

    task_postrun.disconnect(close_worker_connection)
    sent = Notification.objects.filter(status=Notification.Status.SENT)
    assert sent.count() == Notification.objects.count()
    assert sent.filter(kind="meeting_issued").count() == 1
    subjects = [(m.to[0], m.subject) for m in mail.outbox]
    assert len(subjects) == len(set(subjects)) == Notification.objects.count()
