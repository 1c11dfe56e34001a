"""
The waitlist of a full session under real threads on PostgreSQL: two seats freed at once
are offered to two people (never both to one); two offers of one seat accepted at once make
one seat, the session never over capacity, the other person keeping their place. The
second race is first shown to overbook without the session's lock.
"""

import threading
from datetime import timedelta

import pytest

from bookings.models import Booking, BookingStatus, GroupSession
from bookings.selectors.group_sessions import seats_taken
from bookings.services import seats as seat_services
from bookings.services.public import booking_cancel_by_applicant
from terms.selectors import terms_in_force
from tests.helpers import NOW, threads_run
from tests.waitlist.helpers import seat_office, wait_for_seat
from waitlist.errors import OfferTaken
from waitlist.models import EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer
from waitlist.services import offer_accept

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _offers_per_entry() -> dict[int, int]:
    counts: dict[int, int] = {}
    for entry_id in WaitlistOffer.objects.values_list("entry_id", flat=True):
        counts[entry_id] = counts.get(entry_id, 0) + 1
    return counts


def test_two_seats_freed_at_once_are_offered_to_two_different_people():
    env = seat_office(capacity=3, taken=3)
    first, second, third = (wait_for_seat(env, n) for n in (1, 2, 3))
    # Two people give back their seats at the same moment; each commit runs the matching
    # (the task runs inline in the suite), so two matchings race for the waiting people.
    results = threads_run([
        lambda: booking_cancel_by_applicant(booking=env.seats[0], now=NOW),
        lambda: booking_cancel_by_applicant(booking=env.seats[1], now=NOW),
    ])  # fmt: skip
    assert not [r for r in results if isinstance(r, Exception)], results
    assert _offers_per_entry() == {first.pk: 1, second.pk: 1}
    third.refresh_from_db()
    assert third.status == EntryStatus.WAITING


def _two_offers_of_one_seat():
    """Two people each hold an open offer of the session's one free seat: possible when two
    seats were offered and one was then booked on the site."""
    env = seat_office(capacity=2, taken=2)
    first, second = wait_for_seat(env, 1), wait_for_seat(env, 2)
    # Freed without the signal, so that no matching runs here.
    Booking.objects.filter(pk=env.seats[0].pk).update(status=BookingStatus.CANCELLED)
    session = env.session
    times = {"start": session.start, "end": session.end}
    offers = [
        WaitlistOffer.objects.create(
            entry=entry,
            office=env.office,
            service=env.service,
            expires_at=NOW + timedelta(minutes=30),
            **times,
        )
        for entry in (first, second)
    ]
    WaitlistEntry.objects.update(status=EntryStatus.OFFERED)
    return env, offers


def _accept(offer):
    terms = terms_in_force(office=offer.office, at=NOW)
    return offer_accept(offer=offer, terms_version_id=terms.pk, agree_terms=True, now=NOW)


def test_two_offers_of_one_seat_accepted_at_once_make_one_seat():
    env, offers = _two_offers_of_one_seat()
    results = threads_run([lambda: _accept(offers[0]), lambda: _accept(offers[1])])
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1 and [type(e) for e in lost] == [OfferTaken], results
    assert seats_taken(env.session, now=NOW) == env.session.capacity
    statuses = sorted(WaitlistOffer.objects.values_list("status", flat=True))
    assert statuses == [OfferStatus.ACCEPTED, OfferStatus.TAKEN]
    loser = WaitlistOffer.objects.get(status=OfferStatus.TAKEN).entry
    assert loser.status == EntryStatus.WAITING  # keeps their place


def test_without_the_sessions_lock_two_accepted_offers_overbook(monkeypatch):
    env, offers = _two_offers_of_one_seat()
    counted = threading.Barrier(2, timeout=30)
    real_taken = seat_services.seats_taken

    def plain_read(session_id):
        return GroupSession.objects.select_related("office", "service", "counselor").get(
            pk=session_id
        )

    def taken_then_wait(session, *, now):
        result = real_taken(session, now=now)
        counted.wait()  # both acceptances have counted the seats before either inserts
        return result

    monkeypatch.setattr(seat_services, "group_session_lock", plain_read)
    monkeypatch.setattr(seat_services, "seats_taken", taken_then_wait)
    results = threads_run([lambda: _accept(offers[0]), lambda: _accept(offers[1])])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert seats_taken(env.session, now=NOW) > env.session.capacity, (
        "the race did not happen: the test could not detect a missing guard"
    )
