"""
The waitlist under real threads on PostgreSQL: two times freed at once go to two people
(never both to one), two offers of one time accepted at once make one booking, and an
offer accepted while a person books the same time on the site makes one booking, the
loser keeping their place. Each race first shows that it can happen without the guard.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from bookings.models import Booking, BookingStatus
from bookings.services.public import booking_cancel_by_applicant
from terms.selectors import terms_in_force
from tests.helpers import NOW, book, person
from tests.waitlist.helpers import STARTS, join, waitlist_office
from waitlist import services
from waitlist.errors import OfferTaken
from waitlist.models import EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer
from waitlist.services import offers as matching

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def together(*calls) -> list:
    """Runs each call in a thread of its own, all released at once; their results (or
    the exceptions they raised), in order."""
    gate = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            gate.wait(timeout=20)
            results[i] = call()
        except Exception as error:
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _offers_per_entry() -> dict[int, int]:
    counts: dict[int, int] = {}
    for entry_id in WaitlistOffer.objects.values_list("entry_id", flat=True):
        counts[entry_id] = counts.get(entry_id, 0) + 1
    return counts


def test_two_times_freed_at_once_are_offered_to_two_different_people():
    env = waitlist_office()
    first, second = join(env, 1), join(env, 2)
    # Two people cancel at the same moment; each cancellation's commit runs the matching
    # (the task runs inline in the suite), so two matchings race for the two people.
    results = together(
        lambda: booking_cancel_by_applicant(booking=env.bookings[0], now=NOW),
        lambda: booking_cancel_by_applicant(booking=env.bookings[3], now=NOW),
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert _offers_per_entry() == {first.pk: 1, second.pk: 1}
    assert sorted(WaitlistOffer.objects.values_list("start", flat=True)) == [
        STARTS[0], STARTS[3]
    ]  # fmt: skip


def test_without_the_waitlist_lock_two_matchings_offer_one_person_two_times(monkeypatch):
    """The race the lock prevents: both matchings read the same waiting person; only the
    one-open-offer index then stops the second (an error, where the lock makes an offer
    to the next person instead)."""
    env = waitlist_office()
    join(env, 1), join(env, 2)
    booking_cancel_by_applicant(booking=env.bookings[0], now=NOW)  # no matching: not
    booking_cancel_by_applicant(booking=env.bookings[3], now=NOW)  # in a commit's hook
    WaitlistOffer.objects.all().delete()
    WaitlistEntry.objects.update(status=EntryStatus.WAITING)
    read = threading.Barrier(2, timeout=30)
    real_slots = matching.slot_list_available

    def slots_then_wait(**kwargs):
        result = real_slots(**kwargs)
        read.wait()  # both matchings have read the waiting people and the free times
        return result

    monkeypatch.setattr(matching, "waitlist_lock", lambda office_id: list(
        matching.Service.objects.select_related("office").filter(office_id=office_id)
    ))  # fmt: skip
    monkeypatch.setattr(matching, "slot_list_available", slots_then_wait)
    results = together(
        lambda: services.waitlist_match(office_id=env.office.pk, now=NOW),
        lambda: services.waitlist_match(office_id=env.office.pk, now=NOW),
    )
    assert any(isinstance(r, Exception) for r in results), results
    assert "waitlist_one_open_offer" in repr(results)


def _two_offers_of_one_time():
    """Two people each hold an open offer of the same 9:30 (freed once): possible when a
    time was offered to both because two were free, and one was then booked."""
    env = waitlist_office()
    first, second = join(env, 1), join(env, 2)
    # Freed without the signal, so that no matching runs here.
    Booking.objects.filter(pk=env.bookings[0].pk).update(status=BookingStatus.CANCELLED)
    times = {"start": STARTS[0], "end": STARTS[0] + timedelta(minutes=30)}
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
    return services.offer_accept(offer=offer, terms_version_id=terms.pk, agree_terms=True, now=NOW)


def test_two_offers_of_one_time_accepted_at_once_make_one_booking():
    _env, offers = _two_offers_of_one_time()
    results = together(lambda: _accept(offers[0]), lambda: _accept(offers[1]))
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1 and [type(e) for e in lost] == [OfferTaken]
    assert Booking.objects.filter(start=STARTS[0]).exclude(status="cancelled").count() == 1
    statuses = sorted(WaitlistOffer.objects.values_list("status", flat=True))
    assert statuses == [OfferStatus.ACCEPTED, OfferStatus.TAKEN]
    loser = WaitlistOffer.objects.get(status=OfferStatus.TAKEN).entry
    assert loser.status == EntryStatus.WAITING  # keeps their place


def test_an_offer_accepted_while_the_time_is_booked_on_the_site_makes_one_booking():
    env, offers = _two_offers_of_one_time()
    results = together(
        lambda: _accept(offers[0]),
        lambda: book(env.service, STARTS[0],
                     data=person(email="site@example.jp", job_seeker_number="40000-1")),
    )  # fmt: skip
    assert Booking.objects.filter(start=STARTS[0]).exclude(status="cancelled").count() == 1
    offer_result, site_result = results
    if isinstance(offer_result, Exception):
        assert isinstance(offer_result, OfferTaken)
        assert "順番はそのまま" in str(offer_result.message)
        offers[0].refresh_from_db()
        assert offers[0].status == OfferStatus.TAKEN
        assert offers[0].entry.status == EntryStatus.WAITING
    else:
        assert type(site_result).__name__ == "SlotTaken"
        assert offer_result.booking.email == "w1@example.jp"
