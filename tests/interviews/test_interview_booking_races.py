"""
A booking and an interview the counselor attends, racing for the counselor's one time,
with real threads on PostgreSQL, both ways: whichever takes the office's lock first gets
the time, and the other is told it was just taken. Each guard is then removed to show the
race it stops:

- the booking core reading the interviews (`bookings.hooks`): without it, a booking made
  after the interview lands on the counselor;
- the interview raising the office's setup version with its lock (`office_commitment_lock`):
  without it, a booking that waited for the lock misses the interview, because its
  locking statement read the commitments in its snapshot from before the wait;
- the interview re-reading the counselor's bookings under the lock: without it, the
  interview lands on a booking made while it waited.
"""

import threading

import pytest

from bookings import hooks
from bookings.exceptions import SlotTaken
from bookings.models import TIME_HOLDING_STATUSES, Booking
from bookings.services import create
from bookings.services.locking import office_booking_lock
from interviews.models import Interview
from interviews.selectors import party_by_token
from interviews.services import parties
from interviews.services.parties import interview_confirm
from interviews.state import InterviewStatus
from terms.selectors import terms_in_force
from tests.helpers import NOW, another_waits_for_my_lock, book, jst, threads_run
from tests.interviews.helpers import arrange, office_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TUE_10 = jst(2026, 11, 24, 10, 0)


def _run(*calls) -> list:
    return threads_run(calls, at_once=False)


@pytest.fixture
def race(settings):
    """An office with one counselor, and an interview at Tuesday 10:00 the counselor
    attends that the employer has confirmed: the job seeker's confirmation takes the time.
    Returns (confirm, book_it): the two calls that race. The lock timeout is long enough
    for the thread that holds the lock to see the other queue behind it."""
    settings.BOOKING_LOCK_TIMEOUT_MS = 30_000
    env = office_env()
    arranged = arrange(env, attends=True, starts=[TUE_10])
    slot = arranged.interview.times.get()
    terms_id = terms_in_force(office=env.office, at=NOW).pk
    interview_confirm(
        party=party_by_token(arranged.tokens["employer"]), time_id=slot.pk, agree_terms=True,
        terms_version_id=terms_id, now=NOW,
    )  # fmt: skip

    def confirm():
        return interview_confirm(
            party=party_by_token(arranged.tokens["job_seeker"]), time_id=slot.pk,
            agree_terms=False, terms_version_id=None, now=NOW,
        )  # fmt: skip

    def book_it():
        return book(env.service, TUE_10).booking

    return confirm, book_it


def _counselor_taken() -> int:
    """How many things hold the counselor's 10:00: bookings and the interview."""
    bookings = Booking.objects.filter(start=TUE_10, status__in=TIME_HOLDING_STATUSES).count()
    interviews = Interview.objects.filter(status=InterviewStatus.SCHEDULED).count()
    return bookings + interviews


def _interview_first(monkeypatch, confirm, book_it, *, lock=None) -> list:
    """The interview takes the office's lock; the booking then queues behind it."""
    held = threading.Event()
    real_lock = lock or parties.office_commitment_lock

    def lock_then_wait(office):
        real_lock(office)
        held.set()
        another_waits_for_my_lock()

    monkeypatch.setattr(parties, "office_commitment_lock", lock_then_wait)

    def book_after():
        held.wait(timeout=60)
        return book_it()

    return _run(confirm, book_after)


def _booking_first(monkeypatch, confirm, book_it) -> list:
    """The booking takes the office's lock; the interview then queues behind it."""
    held = threading.Event()
    real_lock = create.office_booking_lock_and_setup_version

    def lock_then_wait(office, **kwargs):
        found = real_lock(office, **kwargs)
        held.set()
        another_waits_for_my_lock()
        return found

    monkeypatch.setattr(create, "office_booking_lock_and_setup_version", lock_then_wait)

    def confirm_after():
        held.wait(timeout=60)
        return confirm()

    return _run(confirm_after, book_it)


def test_a_booking_queued_behind_an_interview_taking_the_time_is_refused(race, monkeypatch):
    confirm, book_it = race
    interview, booking = _interview_first(monkeypatch, confirm, book_it)
    assert isinstance(interview, Interview) and interview.status == InterviewStatus.SCHEDULED
    assert isinstance(booking, SlotTaken), booking
    assert _counselor_taken() == 1


def test_an_interview_queued_behind_a_booking_of_the_time_is_refused(race, monkeypatch):
    confirm, book_it = race
    interview, booking = _booking_first(monkeypatch, confirm, book_it)
    assert isinstance(booking, Booking)
    assert isinstance(interview, SlotTaken), interview
    assert _counselor_taken() == 1
    assert Interview.objects.get().status == InterviewStatus.PROPOSED  # nothing of it kept


def test_a_booking_and_an_interview_at_once_one_takes_the_time(race):
    confirm, book_it = race
    results = threads_run([confirm, book_it])
    assert sum(isinstance(r, SlotTaken) for r in results) == 1, results
    assert _counselor_taken() == 1


def test_without_the_booking_core_reading_interviews_a_booking_lands_on_the_interview(
    race, monkeypatch
):
    confirm, book_it = race
    monkeypatch.setattr(hooks, "_COMMITMENTS", {})
    interview, booking = _interview_first(monkeypatch, confirm, book_it)
    assert isinstance(interview, Interview) and isinstance(booking, Booking), (interview, booking)
    assert _counselor_taken() == 2, "the race did not happen: the test could not fail"


def test_without_the_raised_version_a_booking_that_waited_misses_the_interview(race, monkeypatch):
    """The interview locks the counselors as a booking does (`office_booking_lock`) and
    raises no version: the booking's locking statement read the interviews before it
    waited, saw none, and nothing tells it to read again."""
    confirm, book_it = race
    interview, booking = _interview_first(monkeypatch, confirm, book_it, lock=office_booking_lock)
    assert isinstance(interview, Interview) and isinstance(booking, Booking), (interview, booking)
    assert _counselor_taken() == 2, "the race did not happen: the test could not fail"


def test_without_the_interviews_check_under_the_lock_it_lands_on_the_booking(race, monkeypatch):
    confirm, book_it = race
    monkeypatch.setattr(parties, "counselors_busy", lambda **_kwargs: set())
    interview, booking = _booking_first(monkeypatch, confirm, book_it)
    assert isinstance(interview, Interview) and isinstance(booking, Booking), (interview, booking)
    assert _counselor_taken() == 2, "the race did not happen: the test could not fail"
