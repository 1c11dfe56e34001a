"""
Several people move their bookings to the same free time at once (real threads, real
PostgreSQL): exactly one gets it, the others keep their own time. With the guard removed
(no office lock, no exclusion constraint) the same race puts two bookings on one
counselor's time, so this test can fail.
"""

import threading
from datetime import time, timedelta

import pytest
from django.db import connection

from bookings.exceptions import SlotTaken
from bookings.models import ACTIVE_STATUSES, Booking
from bookings.services import reschedule
from offices.models import Counselor
from tests.factories import office_with
from tests.helpers import NOW, book, jst, person, unguarded

MOVERS = 6
TARGET = jst(2026, 11, 26, 15, 0)  # Thursday


@pytest.fixture
def bookings_to_move(db):
    """One counselor; six people booked at six different times, all confirmed at once."""
    svc = office_with(
        confirmation_mode="instant", counselors=1, hours=(time(9, 30), time(16, 0))
    ).services.get()
    times = [jst(2026, 11, 26, 9, 30) + timedelta(minutes=30 * n) for n in range(5)]
    times.append(jst(2026, 11, 26, 13, 0))
    return [
        book(svc, start,
             data=person(email=f"m{n}@example.jp", job_seeker_number=f"{20000 + n}-1")).booking
        for n, start in enumerate(times)
    ]  # fmt: skip


def race(bookings) -> tuple[int, int, list]:
    start_line = threading.Barrier(len(bookings))
    won, lost, errors = [], [], []

    def attempt(booking) -> None:
        try:
            start_line.wait(timeout=20)
            reschedule.booking_reschedule_by_applicant(booking=booking, start=TARGET, now=NOW)
            won.append(booking.pk)
        except SlotTaken:
            lost.append(booking.pk)
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(b,)) for b in bookings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return len(won), len(lost), errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_people_moving_to_the_same_time_at_once_one_wins_and_the_rest_keep_theirs(
    bookings_to_move,
):
    # As they were before the race (a meeting issued for a booking already raised its
    # calendar SEQUENCE once): a loser's time and calendar revision are untouched.
    before = {b.pk: (b.start, b.sequence) for b in Booking.objects.all()}
    won, lost, errors = race(bookings_to_move)
    assert errors == []
    assert (won, lost) == (1, MOVERS - 1)
    at_target = Booking.objects.filter(start=TARGET, status__in=ACTIVE_STATUSES)
    assert at_target.count() == 1
    for booking in Booking.objects.exclude(pk=at_target.get().pk):
        assert (booking.start, booking.sequence) == before[booking.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_guard_the_same_race_puts_two_on_one_time(bookings_to_move, monkeypatch):
    checked = threading.Barrier(MOVERS, timeout=30)
    real_slot_at = reschedule.slot_at

    def slot_at_then_wait(**kwargs):
        result = real_slot_at(**kwargs)
        checked.wait()  # every mover has seen the time free before any moves
        return result

    monkeypatch.setattr(reschedule, "slot_at", slot_at_then_wait)
    with unguarded(reschedule, monkeypatch):
        won, _lost, errors = race(bookings_to_move)
    assert errors == []
    assert won > 1, "the race did not happen: the test could not detect a missing guard"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_office_lock_the_constraint_alone_refuses_the_losers_as_taken(
    bookings_to_move, monkeypatch
):
    """The exclusion constraint is recognised by name (`models.is_overlap_violation`): a
    mover it stops hears "just taken", never a 500."""
    checked = threading.Barrier(MOVERS, timeout=30)
    real_slot_at = reschedule.slot_at

    def slot_at_then_wait(**kwargs):
        result = real_slot_at(**kwargs)
        checked.wait()
        return result

    def no_lock(office):
        return list(
            Counselor.objects.filter(office=office, is_active=True).values_list("pk", flat=True)
        )

    monkeypatch.setattr(reschedule, "slot_at", slot_at_then_wait)
    monkeypatch.setattr(reschedule, "office_booking_lock", no_lock)
    won, lost, errors = race(bookings_to_move)
    assert errors == []
    assert (won, lost) == (1, MOVERS - 1)
    assert Booking.objects.filter(start=TARGET, status__in=ACTIVE_STATUSES).count() == 1
