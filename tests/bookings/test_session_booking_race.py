"""
A group session being scheduled and a booking of its counselor's time, with real threads
on PostgreSQL: the booking that queued behind the session's lock is refused. It reads the
counselors' sessions in the statement that locks them, in that statement's snapshot, taken
before it waited; the session's lock (`office_commitment_lock`) raises the version of the
rows it then locks, which makes it read them again. With the session scheduled under the
plain office lock instead, the same booking lands on the session's time.
"""

import threading

import pytest

from bookings.exceptions import SlotTaken
from bookings.models import TIME_HOLDING_STATUSES, Booking, GroupSession
from bookings.services import seats
from bookings.services.locking import office_booking_lock
from bookings.services.seats import group_session_schedule
from offices.models import Counselor
from tests.factories import office_with
from tests.helpers import NOW, another_waits_for_my_lock, book, jst, threads_run

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TUE_10 = jst(2026, 11, 24, 10, 0)


def _session_first(monkeypatch, *, lock) -> list:
    """The session takes the office's lock (`lock`); the booking then queues behind it."""
    office = office_with(counselors=1)
    service, counselor = office.services.get(), Counselor.objects.get(office=office)
    held = threading.Event()

    def lock_then_wait(office):
        lock(office)
        held.set()
        another_waits_for_my_lock()

    monkeypatch.setattr(seats, "office_commitment_lock", lock_then_wait)

    def schedule():
        return group_session_schedule(
            service=service, counselor=counselor, start=TUE_10, minutes=60, capacity=10,
            by=counselor.user, now=NOW, title="面接対策",
        )  # fmt: skip

    def book_after():
        held.wait(timeout=60)
        return book(service, TUE_10).booking

    return threads_run([schedule, book_after], at_once=False)


def test_a_booking_queued_behind_a_session_being_scheduled_is_refused(monkeypatch, settings):
    settings.BOOKING_LOCK_TIMEOUT_MS = 30_000
    session, booking = _session_first(monkeypatch, lock=seats.office_commitment_lock)
    assert isinstance(session, GroupSession)
    assert isinstance(booking, SlotTaken), booking
    assert not Booking.objects.filter(status__in=TIME_HOLDING_STATUSES).exists()


def test_without_the_raised_version_the_booking_lands_on_the_session(monkeypatch, settings):
    settings.BOOKING_LOCK_TIMEOUT_MS = 30_000
    session, booking = _session_first(monkeypatch, lock=office_booking_lock)
    assert isinstance(session, GroupSession) and isinstance(booking, Booking), booking
    assert booking.counselor_id == session.counselor_id and booking.start == session.start
