"""
One address's requests for a seat in one session wait for their email links like anyone's
(issue 23), so the one-seat rule runs when a link is opened, under the office's and the
session's locks (`booking_verify`). Real threads, real PostgreSQL: two links of one address
opened at the same moment make exactly one seat, the other request released with words for
its owner, never a 500. With those locks removed the same race reaches the database's
`booking_one_seat_per_person`, whose refusal is a 500 on the link's page: the test can fail.
"""

import threading

import pytest
from django.db import IntegrityError

from bookings.exceptions import NotAllowedNow, SeatHeld
from bookings.models import SEAT_COUNTED, Booking, BookingStatus
from bookings.services import public
from bookings.services.links import booking_link_issue
from bookings.services.public import booking_verify
from tests.bookings.seat_helpers import seminar, take_seat
from tests.factories import office_with
from tests.helpers import NOW, threads_run

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office():
    """An office whose open requests are confirmed once their email link is opened (as
    Sasebo's evening service), its slug the one `seminar` takes by default."""
    return office_with(slug="kawagoe", email_verification_minutes=60)


def _links_of_two_requests(session) -> list[str]:
    """The email links of two requests for a seat, made with one address (seat1@...)."""
    requests = [take_seat(session, 1).booking for _ in range(2)]
    assert all(r.status == BookingStatus.PENDING_VERIFICATION for r in requests)
    return [booking_link_issue(booking=r, purpose="verify") for r in requests]


def _counted(session) -> int:
    return Booking.objects.filter(SEAT_COUNTED, group_session=session).count()


def test_two_links_of_one_address_opened_at_once_make_one_seat(office):
    session = seminar(capacity=5)
    links = _links_of_two_requests(session)
    results = threads_run([lambda t=t: booking_verify(token=t, now=NOW) for t in links])
    won = [r for r in results if isinstance(r, Booking)]
    lost = [r for r in results if not isinstance(r, Booking)]
    assert len(won) == 1 and [type(e) for e in lost] == [NotAllowedNow], results
    assert "この回の席はすでに予約済みのため" in lost[0].message  # said in Japanese
    statuses = sorted(
        Booking.objects.filter(group_session=session).values_list("status", flat=True)
    )
    assert statuses == [BookingStatus.CONFIRMED, BookingStatus.EXPIRED]
    assert _counted(session) == 1


def test_without_the_locks_two_links_opened_at_once_end_in_the_databases_refusal(
    office, monkeypatch
):
    session = seminar(capacity=5)
    links = _links_of_two_requests(session)
    checked = threading.Barrier(2, timeout=30)
    real_guard = public.person_guard_check

    def guard_then_wait(**kwargs):
        real_guard(**kwargs)
        checked.wait()  # both have run every check before either confirms

    monkeypatch.setattr(public, "office_booking_lock", lambda office: [])
    monkeypatch.setattr(public, "group_session_lock", lambda session_id: None)
    monkeypatch.setattr(public, "person_guard_check", guard_then_wait)
    results = threads_run([lambda t=t: booking_verify(token=t, now=NOW) for t in links])
    assert [type(r) for r in results].count(IntegrityError) == 1, (
        f"the race did not happen: the test could not detect a missing guard ({results})"
    )
    assert _counted(session) == 1


def test_a_link_opened_while_the_address_books_a_seat_from_another_link_make_one_seat(office):
    """A seat booked from a link emailed to the address (a waitlist offer's) takes the
    session's lock and not the office's: the email check takes both."""
    session = seminar(capacity=5)
    (link, _other) = _links_of_two_requests(session)
    results = threads_run([
        lambda: booking_verify(token=link, now=NOW),
        lambda: take_seat(session, 1, email_verified=True),
    ])  # fmt: skip
    refused = [r for r in results if isinstance(r, Exception)]
    assert [type(e) for e in refused] in ([SeatHeld], [NotAllowedNow]), results
    assert _counted(session) == 1
