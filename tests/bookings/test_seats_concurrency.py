"""
Thirty people press "book a seat" for a seminar of ten seats at once (real threads, real
PostgreSQL). With the guard, exactly ten seats exist and twenty are told the session is
full; with the session's lock removed, the same race overbooks, so the test can fail.
"""

import threading

import pytest
from django.db import connection

from bookings.exceptions import SessionFull
from bookings.models import Booking, BookingEvent, GroupSession
from bookings.services import seats as seat_services
from notifications.models import Notification
from tests.bookings.seat_helpers import seminar, take_seat
from tests.factories import office_with

RACERS = 30
SEATS = 10


@pytest.fixture
def office():
    """An office whose seats are requests it answers (staff approval), each holding its
    seat; its slug the one `seminar` takes by default."""
    return office_with(slug="kawagoe", confirmation_mode="staff_approval")


def race(session) -> tuple[list, list, list]:
    start_line = threading.Barrier(RACERS)
    won, full, errors = [], [], []

    def attempt(n: int) -> None:
        try:
            start_line.wait(timeout=20)
            take_seat(session, n)
            won.append(n)
        except SessionFull as refused:
            full.append(str(refused))
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return won, full, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_seminar_of_ten_seats_takes_exactly_ten_of_thirty_racing_bookers(office, settings):
    # Thirty transactions queue on one row: on a loaded machine the last may wait longer
    # than the production lock timeout ("busy, try again"), which is not what is tested.
    settings.BOOKING_LOCK_TIMEOUT_MS = 30_000
    session = seminar(capacity=SEATS)
    won, full, errors = race(session)
    assert errors == []
    assert (len(won), len(full)) == (SEATS, RACERS - SEATS)
    assert all("満席" in message for message in full)  # "full", said in Japanese
    seats = Booking.objects.filter(group_session=session)
    assert seats.count() == SEATS
    # No half-written records: one event and one booking email per seat, nothing for losers.
    assert BookingEvent.objects.filter(booking__in=seats).count() == SEATS
    assert Booking.objects.count() == SEATS
    assert Notification.objects.filter(kind="booking_created").count() == SEATS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_sessions_lock_the_same_race_overbooks(office, monkeypatch):
    session = seminar(capacity=SEATS)
    counted = threading.Barrier(RACERS, timeout=30)
    real_taken = seat_services.seats_taken

    def plain_read(session_id):
        return GroupSession.objects.select_related("office", "service", "counselor").get(
            pk=session_id
        )

    def taken_then_wait(session, *, now):
        result = real_taken(session, now=now)
        counted.wait()  # every request has counted the seats before any inserts
        return result

    monkeypatch.setattr(seat_services, "group_session_lock", plain_read)
    monkeypatch.setattr(seat_services, "seats_taken", taken_then_wait)
    won, _full, errors = race(session)
    assert errors == []
    assert len(won) > SEATS, "the race did not happen: the test could not detect a missing guard"
