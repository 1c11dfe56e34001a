"""The waitlist of a full group session: joining only when full and where the service keeps
a waitlist, a freed seat (cancelled, a lapsed hold, more seats) offered to the first who
asked, accepted through the seat guard, passed on when it lapses or is declined."""

from datetime import timedelta

import pytest

from bookings.exceptions import BookingInvalid, NotAllowedNow
from bookings.models import Booking, BookingStatus
from bookings.selectors.group_sessions import seats_taken
from bookings.services.seats import group_session_cancel, group_session_capacity_set
from notifications.models import Notification
from terms.selectors import terms_in_force
from tests.bookings.seat_helpers import manager, take_seat
from tests.helpers import NOW, jst, person
from tests.waitlist.helpers import free, seat_office, wait_for_seat
from waitlist.errors import OfferTaken, WaitlistRefused
from waitlist.models import EntryStatus, OfferStatus, WaitlistOffer
from waitlist.selectors import entry_place, waitlist_filled_counts
from waitlist.services import (
    offer_accept,
    offer_decline,
    waitlist_join,
    waitlist_leave,
    waitlist_match,
    waitlist_sweep,
)

pytestmark = pytest.mark.django_db


def _accept(offer, *, now=NOW):
    terms = terms_in_force(office=offer.office, at=now)
    return offer_accept(offer=offer, terms_version_id=terms.pk, agree_terms=True, now=now)


def _offers(entry):
    return list(WaitlistOffer.objects.filter(entry=entry).order_by("pk"))


def test_a_person_joins_the_waitlist_of_a_full_session_for_its_day():
    env = seat_office()
    entry = wait_for_seat(env, 1)
    assert entry.group_session == env.session and entry.status == EntryStatus.WAITING
    assert entry.first_day == entry.last_day == env.session.start.date()
    assert entry_place(entry) == 1
    email = Notification.objects.filter(kind="waitlist_joined", recipient="w1@example.jp").last()
    assert "応募書類の書き方" in email.body_text


def test_joining_is_refused_while_a_seat_is_free_or_where_the_service_keeps_no_waitlist():
    env = seat_office(capacity=3, taken=2)
    with pytest.raises(WaitlistRefused, match="空席"):
        wait_for_seat(env, 1)
    take_seat(env.session, 3)
    env.service.waitlist_enabled = False
    env.service.save(update_fields=["waitlist_enabled"])
    with pytest.raises(WaitlistRefused):
        wait_for_seat(env, 1)
    assert not env.session.waitlist_entries.exists()


def test_joining_a_cancelled_session_is_refused_and_bad_details_write_nothing():
    env = seat_office()
    with pytest.raises(BookingInvalid):
        waitlist_join(service=env.service, group_session=env.session,
                      data=person(email="not-an-address"), now=NOW)  # fmt: skip
    group_session_cancel(session=env.session, by=manager(env.office), reason="講師の都合", now=NOW)
    env.session.refresh_from_db()
    with pytest.raises(WaitlistRefused):
        wait_for_seat(env, 1)
    assert not env.session.waitlist_entries.exists()


def test_the_places_of_a_session_and_of_the_days_are_counted_apart():
    env = seat_office()
    first, second = wait_for_seat(env, 1), wait_for_seat(env, 2)
    assert (entry_place(first), entry_place(second)) == (1, 2)


def test_a_cancelled_seat_is_offered_to_the_first_who_asked(django_capture_on_commit_callbacks):
    env = seat_office()
    first, second = wait_for_seat(env, 1), wait_for_seat(env, 2)
    with django_capture_on_commit_callbacks(execute=True):
        free(env.seats[0])  # the one signal runs the matching
    (offer,) = _offers(first)
    assert (offer.start, offer.end, offer.status) == (
        env.session.start, env.session.end, OfferStatus.OPEN,
    )  # fmt: skip
    assert offer.expires_at == NOW + timedelta(minutes=30)
    assert _offers(second) == []
    email = Notification.objects.get(kind="waitlist_offer", recipient="w1@example.jp")
    assert "応募書類の書き方" in email.body_text and "/waitlist/" in email.body_text
    assert waitlist_match(office_id=env.office.pk, now=NOW) == 0  # offered once


def test_lapsed_seat_holds_and_more_seats_are_offered_too():
    env = seat_office(email_verification_minutes=30)
    first, second, third = (wait_for_seat(env, n) for n in (1, 2, 3))
    lapse = env.seats[0].verification_expires_at
    assert lapse is not None  # both seats are email-check holds, lapsing unless confirmed
    assert waitlist_match(office_id=env.office.pk, now=lapse - timedelta(seconds=1)) == 0
    assert waitlist_match(office_id=env.office.pk, now=lapse) == 2
    assert {o.entry_id for o in WaitlistOffer.objects.all()} == {first.pk, second.pk}
    group_session_capacity_set(session=env.session, capacity=3, by=manager(env.office), now=lapse)
    assert waitlist_match(office_id=env.office.pk, now=lapse) == 1
    assert WaitlistOffer.objects.filter(entry=third).exists()


def test_staff_cannot_set_fewer_seats_than_are_taken():
    env = seat_office()
    with pytest.raises(BookingInvalid) as refused:
        group_session_capacity_set(session=env.session, capacity=1, by=manager(env.office), now=NOW)
    assert "2席が予約済み" in str(refused.value.errors["capacity"][0])
    env.session.refresh_from_db()
    assert env.session.capacity == 2


def test_accepting_books_the_seat_through_the_seat_path():
    env = seat_office()
    first = wait_for_seat(env, 1)
    free(env.seats[0])
    waitlist_match(office_id=env.office.pk, now=NOW)
    (offer,) = _offers(first)
    booking = _accept(offer).booking
    assert booking.group_session == env.session and booking.email == "w1@example.jp"
    # The offer's link proved the address: no email-check hold.
    assert booking.status == BookingStatus.CONFIRMED
    first.refresh_from_db()
    offer.refresh_from_db()
    assert (first.status, offer.status) == (EntryStatus.BOOKED, OfferStatus.ACCEPTED)
    assert seats_taken(env.session, now=NOW) == env.session.capacity


def test_the_figures_count_a_seat_the_waitlist_filled():
    env = seat_office()
    first = wait_for_seat(env, 1)
    free(env.seats[0])
    waitlist_match(office_id=env.office.pk, now=NOW)
    _accept(_offers(first)[0])
    start = env.session.start.replace(hour=0, minute=0)
    counts = waitlist_filled_counts(
        office_ids=[env.office.pk], first=start, last=start + timedelta(days=1)
    )
    assert counts == {env.office.pk: 1}


def test_a_seat_booked_on_the_site_first_ends_the_offer_and_keeps_the_place():
    env = seat_office()
    first = wait_for_seat(env, 1)
    free(env.seats[0])
    waitlist_match(office_id=env.office.pk, now=NOW)
    (offer,) = _offers(first)
    take_seat(env.session, 9)  # someone on the site takes the freed seat
    with pytest.raises(OfferTaken):
        _accept(offer)
    offer.refresh_from_db()
    first.refresh_from_db()
    assert offer.status == OfferStatus.TAKEN and first.status == EntryStatus.WAITING
    assert Booking.objects.filter(group_session=env.session, email="w1@example.jp").count() == 0


def test_a_lapsed_seat_offer_passes_to_the_next_and_ends_the_first_wait(
    django_capture_on_commit_callbacks,
):
    env = seat_office()
    first, second = wait_for_seat(env, 1), wait_for_seat(env, 2)
    free(env.seats[0])
    waitlist_match(office_id=env.office.pk, now=NOW)
    (offer,) = _offers(first)
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist_sweep(now=offer.expires_at) == 1
    first.refresh_from_db()
    assert first.status == EntryStatus.ENDED
    assert [o.status for o in _offers(second)] == [OfferStatus.OPEN]
    lapsed = Notification.objects.get(kind="waitlist_offer_lapsed", recipient="w1@example.jp")
    assert "この回のキャンセル待ちは終了しました" in lapsed.body_text


def test_a_declined_seat_passes_to_the_next(django_capture_on_commit_callbacks):
    env = seat_office()
    first, second = wait_for_seat(env, 1), wait_for_seat(env, 2)
    free(env.seats[0])
    waitlist_match(office_id=env.office.pk, now=NOW)
    (offer,) = _offers(first)
    with django_capture_on_commit_callbacks(execute=True):
        offer_decline(offer=offer, now=NOW)
    assert [o.status for o in _offers(second)] == [OfferStatus.OPEN]
    first.refresh_from_db()
    assert first.status == EntryStatus.ENDED and entry_place(first) is None


def test_leaving_passes_the_seat_on_and_the_sessions_start_ends_the_wait():
    env = seat_office()
    first, second = wait_for_seat(env, 1), wait_for_seat(env, 2)
    waitlist_leave(entry=first, now=NOW)
    assert entry_place(second) == 1
    assert waitlist_sweep(now=env.session.start) >= 1
    second.refresh_from_db()
    assert second.status == EntryStatus.ENDED


def test_the_hold_never_outlasts_the_sessions_booking_deadline():
    env = seat_office()  # a day's lead time: Thursday's session is booked until Wednesday
    env.service.waitlist_offer_minutes = 1440
    env.service.save(update_fields=["waitlist_offer_minutes"])
    first = wait_for_seat(env, 1)
    free(env.seats[0])
    assert waitlist_match(office_id=env.office.pk, now=jst(2026, 11, 26, 0, 1)) == 0
    waitlist_match(office_id=env.office.pk, now=jst(2026, 11, 25, 20, 0))
    (offer,) = _offers(first)
    assert offer.expires_at == jst(2026, 11, 26, 0, 0)


def test_a_cancelled_session_offers_nothing_and_refuses_an_open_offer():
    env = seat_office()
    first = wait_for_seat(env, 1)
    free(env.seats[0])
    waitlist_match(office_id=env.office.pk, now=NOW)
    (offer,) = _offers(first)
    group_session_cancel(session=env.session, by=manager(env.office), reason="講師の都合", now=NOW)
    with pytest.raises(NotAllowedNow):
        _accept(offer)
    assert not Booking.objects.filter(email="w1@example.jp").exists()
