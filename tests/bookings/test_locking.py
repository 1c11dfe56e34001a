"""
The locks of booking under contention, with real threads on PostgreSQL (see
`bookings.services.locking`): a counselor's action on one booking never makes a booking at
another counselor's time wait, and the one lock order (applicant, counselors, booking)
never deadlocks. Each is shown against the old shape of the lock too, so the tests can fail:
the old lock (`select_for_update()` with `select_related`, which also locked the joined
office, service and counselor rows) blocks the unrelated booking, and the old order
(booking, then applicant) deadlocks.

Blocking is detected without timing: the second transaction runs with a short lock
timeout, so a wait shows as `BookingBusy` instead of as a slow test.
"""

import threading
from datetime import time

import pytest
from django.db import OperationalError, connection, transaction

from bookings.exceptions import BookingBusy
from bookings.models import Applicant, Booking, BookingStatus
from bookings.services import create
from bookings.services.locking import booking_lock
from bookings.services.staff import booking_check_in, booking_confirm, booking_mark_no_show
from common import clock
from common.db import is_lock_failure
from tests.factories import office_with
from tests.helpers import book, counselor_account, email_checked, jst, person, service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SLUG = "two-counselors"
TUE_930 = jst(2026, 11, 24, 9, 30)
TUE_1400 = jst(2026, 11, 24, 14, 0)


@pytest.fixture(autouse=True)
def _office():
    """Two counselors who confirm each request, open weekdays 9:30-16:00: the 14:00
    booking goes to the counselor the 9:30 one left free."""
    return office_with(
        slug=SLUG, confirmation_mode="staff_approval", counselors=2, hours=(time(9, 30), time(16))
    )


def _counselor_user(office):
    return counselor_account(office)


def _confirmed(at, **who):
    svc = service(SLUG)
    booking = book(svc, at, data=person(**who)).booking
    if booking.status != BookingStatus.CONFIRMED:
        booking = booking_confirm(
            booking=email_checked(booking), by=_counselor_user(svc.office), now=clock.now()
        )
    return booking


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def _in_thread(work, results: dict, key: str) -> threading.Thread:
    def run() -> None:
        try:
            results[key] = work()
        except Exception as error:
            results[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _hold(lock, booking_id: int, held: threading.Event, release: threading.Event):
    def work():
        with transaction.atomic():
            lock(booking_id)
            held.set()
            release.wait(timeout=30)
        return "held"

    return work


def _old_lock(booking_id: int):
    """The lock as it was: FOR UPDATE over the join, locking office, service, counselor."""
    return (
        Booking.objects.select_for_update()
        .select_related("office", "service", "counselor")
        .get(pk=booking_id)
    )


def _book_another_counselors_time(booking: Booking):
    """A new booking, by someone else, at a time of the *other* counselor."""

    def work():
        return book(
            service(SLUG),
            TUE_1400,
            data=person(email="someone@example.jp", job_seeker_number="55555-5555555"),
        ).booking

    return work


def _contention(lock, settings) -> object:
    booking = _confirmed(TUE_930)
    settings.BOOKING_LOCK_TIMEOUT_MS = 300
    held, release, results = threading.Event(), threading.Event(), {}
    holder = _in_thread(_hold(lock, booking.pk, held, release), results, "holder")
    assert held.wait(timeout=10)
    booker = _in_thread(_book_another_counselors_time(booking), results, "booker")
    booker.join(timeout=30)
    release.set()
    holder.join(timeout=30)
    return results["booker"]


def test_a_counselor_action_never_blocks_a_booking_at_another_counselors_time(settings):
    outcome = _contention(booking_lock, settings)
    assert isinstance(outcome, Booking), outcome
    held = Booking.objects.exclude(pk=outcome.pk).get()
    assert outcome.counselor_id != held.counselor_id


def test_the_old_lock_blocked_the_whole_office(settings):
    """The same contention with the old lock: the unrelated booking cannot get its locks."""
    outcome = _contention(_old_lock, settings)
    assert isinstance(outcome, BookingBusy), outcome


def test_a_lock_held_too_long_is_busy_please_try_again_not_an_error(settings, client):
    booking = _confirmed(TUE_930)
    settings.BOOKING_LOCK_TIMEOUT_MS = 200
    held, release, results = threading.Event(), threading.Event(), {}
    holder = _in_thread(_hold(booking_lock, booking.pk, held, release), results, "holder")
    assert held.wait(timeout=10)
    counselor = _counselor_user(booking.office)
    try:
        with pytest.raises(BookingBusy) as busy:
            booking_check_in(booking=booking, by=counselor, now=TUE_930)
    finally:
        release.set()
        holder.join(timeout=30)
    assert busy.value.http_status == 503 and busy.value.retry_after
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED  # nothing half-done


def _deadlock_race(first, monkeypatch, settings) -> dict:
    """`first` holds the booking's lock and then asks for the person's; meanwhile the same
    person's next session is booked by a counselor (their record locked, then the
    counselors', then the insert)."""
    svc = service(SLUG)  # booked by a counselor: the office's record of the person
    booking = book(
        svc, TUE_930, data=person(), channel="phone", created_by=_counselor_user(svc.office)
    ).booking
    settings.BOOKING_LOCK_TIMEOUT_MS = 20_000  # let PostgreSQL's deadlock detector decide
    booking_holds, person_holds = threading.Event(), threading.Event()
    real_consent_give = create.consent_give

    def consent_then_wait(**kwargs):  # inside booking_create, after the person is locked
        result = real_consent_give(**kwargs)
        person_holds.set()
        booking_holds.wait(timeout=10)
        return result

    monkeypatch.setattr(create, "consent_give", consent_then_wait)
    results: dict = {}
    counselor = _counselor_user(booking.office)

    def book_next_session():  # a counselor's booking for the same person joins their record
        return book(
            service(SLUG), TUE_1400, data=person(), channel="phone", created_by=counselor
        ).booking

    a = _in_thread(lambda: first(booking, booking_holds, person_holds), results, "staff")
    b = _in_thread(book_next_session, results, "person")
    a.join(timeout=60)
    b.join(timeout=60)
    return results


def test_the_old_lock_order_deadlocked(monkeypatch, settings):
    def old_no_show(booking, booking_holds, person_holds):
        with transaction.atomic():
            _old_lock(booking.pk)  # the booking (and its office) first ...
            booking_holds.set()
            person_holds.wait(timeout=10)
            Applicant.objects.select_for_update().get(
                pk=booking.applicant_id
            )  # ... then the person
        return "done"

    results = _deadlock_race(old_no_show, monkeypatch, settings)
    failures = [r for r in results.values() if isinstance(r, Exception)]
    assert failures, results
    assert all(
        isinstance(f, BookingBusy) or (isinstance(f, OperationalError) and is_lock_failure(f))
        for f in failures
    ), failures


def test_the_lock_order_never_deadlocks(monkeypatch, settings, frozen):
    frozen.move_to(TUE_930.replace(minute=45))

    def no_show(booking, booking_holds, person_holds):
        booking_holds.set()  # let the person's booking go first if it can
        person_holds.wait(timeout=10)
        return booking_mark_no_show(
            booking=booking, by=_counselor_user(booking.office), now=clock.now()
        )

    results = _deadlock_race(no_show, monkeypatch, settings)
    assert isinstance(results["staff"], Booking), results
    assert isinstance(results["person"], Booking), results
    assert results["staff"].status == BookingStatus.NO_SHOW


def test_through_the_api_a_lock_held_too_long_is_503_busy_with_retry_after(settings, client):
    """The same seen by a client: a booking that cannot get the office's lock in time is
    `503 {"code": "busy"}` with Retry-After, and nothing was written."""
    import json

    from bookings.services.locking import office_booking_lock
    from offices.models import Office
    from terms.selectors import terms_in_force

    settings.BOOKING_LOCK_TIMEOUT_MS = 200
    office = Office.objects.get(slug=SLUG)
    held, release, results = threading.Event(), threading.Event(), {}

    def hold_the_office():
        with transaction.atomic():
            office_booking_lock(office)
            held.set()
            release.wait(timeout=30)
        return "held"

    holder = _in_thread(hold_the_office, results, "holder")
    assert held.wait(timeout=10)
    body = {
        "start": TUE_930.isoformat(), **person(), "agree_terms": True,
        "terms_version": terms_in_force(office=office, at=clock.now()).pk,
    }  # fmt: skip
    try:
        response = client.post(
            f"/api/v1/offices/{SLUG}/bookings", json.dumps(body), content_type="application/json"
        )
    finally:
        release.set()
        holder.join(timeout=30)
    assert response.status_code == 503, response.content
    assert response.json()["code"] == "busy" and int(response["Retry-After"]) > 0
    assert not Booking.objects.exists()
