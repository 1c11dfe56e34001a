"""
Twenty people press "book" for the same counselor's time at once (real threads, real
PostgreSQL). With the guard, exactly one booking exists; with it removed (no lock, no
exclusion constraint), the same race double-books, so this test can fail.
"""

import threading
import uuid

import pytest
from django.db import connection, transaction

from bookings.exceptions import SlotTaken
from bookings.models import Booking
from bookings.services import create as services
from tests.factories import office_with
from tests.helpers import book, jst, person, unguarded

ATTEMPTS = 20
START = jst(2026, 11, 24, 9, 30)  # Tuesday


def race(svc, barrier_after_check: threading.Barrier | None = None) -> tuple[int, int, list]:
    start_line = threading.Barrier(ATTEMPTS)
    won, lost, errors = [], [], []

    def attempt(n: int) -> None:
        try:
            start_line.wait(timeout=20)
            book(
                svc,
                START,
                data=person(email=f"p{n}@example.jp", job_seeker_number=f"{10000 + n}-1"),
            )
            won.append(n)
        except SlotTaken:
            lost.append(n)
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return len(won), len(lost), errors


@pytest.fixture
def one_counselor(db):
    """An office of one counselor, who confirms each request."""
    return office_with(confirmation_mode="staff_approval", counselors=1).services.get()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_bookings_of_one_time_make_exactly_one(one_counselor):
    won, lost, errors = race(one_counselor)
    assert errors == []
    assert (won, lost) == (1, ATTEMPTS - 1)
    assert Booking.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_guard_the_same_race_double_books(one_counselor, monkeypatch):
    checked = threading.Barrier(ATTEMPTS, timeout=30)
    real_busy = services.counselors_busy

    def busy_then_wait(**kwargs):
        result = real_busy(**kwargs)
        checked.wait()  # every request has seen the time free before any inserts
        return result

    monkeypatch.setattr(services, "counselors_busy", busy_then_wait)
    with unguarded(services, monkeypatch):
        won, _lost, errors = race(one_counselor)
    assert errors == []
    assert won > 1, "the race did not happen: the test could not detect a missing guard"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_exclusion_constraint_alone_refuses_an_overlapping_insert(one_counselor):
    from django.db import IntegrityError, transaction

    first = book(one_counselor, START).booking
    clone = Booking.objects.get(pk=first.pk)
    clone.pk, clone.uuid, clone.reference = None, uuid.uuid4(), "CLONE123"
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_an_overlap_with_a_phone_session_by_the_constraints_name():
    """A session switched to phone keeps its counselor's time, down to the constraint."""
    from django.db import IntegrityError

    from bookings.models import OVERLAP_CONSTRAINT, is_overlap_violation

    svc = office_with(confirmation_mode="staff_approval", counselors=2).services.get()
    first = book(svc, jst(2026, 11, 26, 9, 30)).booking
    Booking.objects.filter(pk=first.pk).update(status="switched_to_phone")
    second = book(
        svc, jst(2026, 11, 26, 10, 0),
        data=person(email="b@example.jp", job_seeker_number="22222-2222222"),
    ).booking  # fmt: skip
    second.counselor_id, second.start = first.counselor_id, first.start
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        second.save(update_fields=["counselor", "start"])
    assert is_overlap_violation(caught.value)
    assert OVERLAP_CONSTRAINT in str(caught.value)
