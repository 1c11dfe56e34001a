"""The waitlist's rules, through its services: a freed time is offered in the order people
asked, one person at a time, held for the office's minutes, passed on when declined or
lapsed, and booked through the booking guard."""

from datetime import date, timedelta

import pytest

from bookings.models import Booking, BookingStatus
from notifications.models import Notification
from offices.models import Closure
from tests.factories import CounselorFactory, OpeningHoursFactory
from tests.helpers import NOW, book, email_checked, jst, person
from tests.waitlist.helpers import DAY, STARTS, at, free, join, waitlist_office
from waitlist.errors import OfferClosed, OfferTaken, WaitlistRefused
from waitlist.models import (
    EntryStatus,
    OfferStatus,
    WaitlistEntry,
    WaitlistEvent,
    WaitlistOffer,
)
from waitlist.selectors import entry_place
from waitlist.services import (
    offer_accept,
    offer_decline,
    waitlist_join,
    waitlist_leave,
    waitlist_match,
    waitlist_sweep,
)


def _accept(offer, *, now=NOW):
    from terms.selectors import terms_in_force

    terms = terms_in_force(office=offer.office, at=now)
    return offer_accept(offer=offer, terms_version_id=terms.pk, agree_terms=True, now=now)


def _offers(entry) -> list[WaitlistOffer]:
    return list(WaitlistOffer.objects.filter(entry=entry).order_by("pk"))


def _reasons(entry) -> list[str]:
    return list(WaitlistEvent.objects.filter(entry=entry).values_list("reason_code", flat=True))


def test_a_cancellation_offers_the_freed_time_to_the_first_who_asked(
    env, django_capture_on_commit_callbacks
):
    first, second = join(env, 1), join(env, 2)
    with django_capture_on_commit_callbacks(execute=True):
        free(env.bookings[2])  # 10:30 frees up: the one signal runs the matching
    (offer,) = _offers(first)
    assert (offer.start, offer.status) == (STARTS[2], OfferStatus.OPEN)
    assert offer.expires_at == NOW + timedelta(minutes=30)
    assert _offers(second) == []
    first.refresh_from_db()
    assert first.status == EntryStatus.OFFERED
    assert _reasons(first) == ["joined", "confirmed", "offered"]
    email = Notification.objects.get(kind="waitlist_offer", recipient="w1@example.jp")
    assert "10:30" in email.subject and "/waitlist/" in email.body_text


def test_matching_twice_offers_nothing_more(env):
    join(env, 1), join(env, 2)
    free(env.bookings[0])
    assert waitlist_match(office_id=env.office.pk, now=NOW) == 1
    assert waitlist_match(office_id=env.office.pk, now=NOW) == 0
    assert WaitlistOffer.objects.count() == 1


def test_two_times_freed_go_to_two_people_in_the_order_they_asked(env):
    first, second, third = join(env, 1), join(env, 2), join(env, 3)
    free(env.bookings[4])
    free(env.bookings[1])
    assert waitlist_match(office_id=env.office.pk, now=NOW) == 2
    assert [o.start for o in _offers(first)] == [STARTS[1]]  # the earliest time, first
    assert [o.start for o in _offers(second)] == [STARTS[4]]
    assert _offers(third) == []
    assert [entry_place(e) for e in (first, second, third)] == [1, 2, 3]


def test_a_declined_offer_passes_to_the_next_who_keeps_the_order(
    env, django_capture_on_commit_callbacks
):
    first, second = join(env, 1), join(env, 2)
    free(env.bookings[0])
    waitlist_match(office_id=env.office.pk, now=NOW)
    (offer,) = _offers(first)
    with django_capture_on_commit_callbacks(execute=True):
        offer_decline(offer=offer, now=NOW)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED
    assert [(o.start, o.status) for o in _offers(second)] == [(STARTS[0], OfferStatus.OPEN)]
    first.refresh_from_db()
    assert first.status == EntryStatus.WAITING and entry_place(first) == 1
    # The time first let pass is never offered to them again.
    assert waitlist_match(office_id=env.office.pk, now=NOW) == 0


def test_an_offer_not_booked_in_time_lapses_and_passes_on_with_an_email(
    env, django_capture_on_commit_callbacks
):
    first, second = join(env, 1), join(env, 2)
    free(env.bookings[0])
    waitlist_match(office_id=env.office.pk, now=NOW)
    (offer,) = _offers(first)
    assert waitlist_sweep(now=offer.expires_at - timedelta(seconds=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist_sweep(now=offer.expires_at) == 1
    offer.refresh_from_db()
    assert offer.status == OfferStatus.LAPSED
    assert Notification.objects.filter(kind="waitlist_offer_lapsed", recipient="w1@example.jp")
    assert [o.status for o in _offers(second)] == [OfferStatus.OPEN]
    with pytest.raises(OfferClosed):
        _accept(offer, now=offer.expires_at)
    assert "lapsed" in _reasons(first)


def test_accepting_books_the_time_for_the_person_through_the_booking_path(env):
    first = join(env, 1)
    free(env.bookings[3])
    waitlist_match(office_id=env.office.pk, now=NOW)
    (offer,) = _offers(first)
    created = _accept(offer)
    booking = created.booking
    assert (booking.start, booking.status) == (STARTS[3], BookingStatus.CONFIRMED)
    assert (booking.email, booking.name) == ("w1@example.jp", "待機 1")
    offer.refresh_from_db()
    first.refresh_from_db()
    assert (offer.status, offer.booking) == (OfferStatus.ACCEPTED, booking)
    assert (first.status, first.booking) == (EntryStatus.BOOKED, booking)
    assert entry_place(first) is None
    assert _reasons(first)[-1] == "accepted"
    with pytest.raises(OfferClosed):  # a second tap books nothing more
        _accept(offer)
    assert Booking.objects.filter(email="w1@example.jp").count() == 1


def test_an_offer_whose_time_a_normal_booking_took_first_ends_and_the_person_keeps_their_place(
    env,
):
    first = join(env, 1)
    free(env.bookings[0])
    waitlist_match(office_id=env.office.pk, now=NOW)
    (offer,) = _offers(first)
    book(env.service, STARTS[0], data=person(email="fast@example.jp", job_seeker_number="40000-1"))
    with pytest.raises(OfferTaken) as refused:
        _accept(offer)
    assert "順番はそのまま" in str(refused.value.message)
    offer.refresh_from_db()
    first.refresh_from_db()
    assert offer.status == OfferStatus.TAKEN
    assert first.status == EntryStatus.WAITING and entry_place(first) == 1


def test_an_unconfirmed_entry_is_offered_nothing(env):
    join(env, 1, confirm=False)
    free(env.bookings[0])
    assert waitlist_match(office_id=env.office.pk, now=NOW) == 0
    assert Notification.objects.get(kind="waitlist_joined").subject.endswith(
        "キャンセル待ちの登録を確認してください"
    )


def test_an_unconfirmed_entry_lapses_after_a_day(env):
    entry = join(env, 1, confirm=False)
    waitlist_sweep(now=NOW + timedelta(hours=24))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ENDED


def test_leaving_passes_the_open_offer_to_the_next(env, django_capture_on_commit_callbacks):
    first, second = join(env, 1), join(env, 2)
    free(env.bookings[0])
    waitlist_match(office_id=env.office.pk, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        waitlist_leave(entry=first, now=NOW)
    first.refresh_from_db()
    assert first.status == EntryStatus.LEFT and entry_place(first) is None
    assert [o.status for o in _offers(first)] == [OfferStatus.WITHDRAWN]
    assert [o.status for o in _offers(second)] == [OfferStatus.OPEN]
    assert entry_place(second) == 1


def test_only_times_within_the_days_and_hours_asked_for_are_offered(env):
    later = join(env, 1, earliest=at(11), latest=at(12))
    morning = join(env, 2, earliest=at(10), latest=at(11))
    free(env.bookings[0])  # 9:30: neither asked for it
    assert waitlist_match(office_id=env.office.pk, now=NOW) == 0
    free(env.bookings[4])  # 11:30
    waitlist_match(office_id=env.office.pk, now=NOW)
    assert [o.start for o in _offers(later)] == [STARTS[4]]
    assert _offers(morning) == []


def test_a_closure_lifted_offers_its_times(db, django_capture_on_commit_callbacks):
    env = waitlist_office(full=False)
    closure = Closure.objects.create(office=env.office, date=DAY, reason="研修")
    entry = join(env, 1)
    with django_capture_on_commit_callbacks(execute=True):
        closure.delete()
    assert [o.start for o in _offers(entry)] == [STARTS[0]]


def test_a_counselor_added_or_hours_extended_offer_the_new_times(
    env, django_capture_on_commit_callbacks
):
    first, second = join(env, 1), join(env, 2)
    with django_capture_on_commit_callbacks(execute=True):
        CounselorFactory(office=env.office)
    assert [o.start for o in _offers(first)] == [STARTS[0]]
    assert [o.start for o in _offers(second)] == [STARTS[1]]  # 9:30 is offered to one
    third = join(env, 3, earliest=at(12))
    with django_capture_on_commit_callbacks(execute=True):
        OpeningHoursFactory(service=env.service, weekday=1, start=at(13), end=at(13, 30))
    assert [o.start for o in _offers(third)] == [jst(2026, 11, 24, 13, 0)]


def test_the_hold_never_outlasts_the_booking_deadline(db):
    env = waitlist_office(lead_time_days=1)  # booking for the 24th closes 23:59 on the 23rd
    entry = join(env, 1)
    free(env.bookings[0])
    late = jst(2026, 11, 23, 23, 50)
    waitlist_match(office_id=env.office.pk, now=late)
    (offer,) = _offers(entry)
    assert offer.expires_at == jst(2026, 11, 24, 0, 0)


@pytest.mark.parametrize(
    ("first_day", "last_day", "field"),
    [
        (date(2026, 11, 21), date(2026, 11, 24), "last_day"),  # yesterday
        (date(2026, 11, 25), date(2026, 11, 24), "last_day"),  # backwards
        (date(2026, 11, 24), date(2027, 3, 1), "last_day"),  # past the horizon
    ],
)
def test_joining_refuses_days_that_cannot_be_booked(env, first_day, last_day, field):
    with pytest.raises(WaitlistRefused) as refused:
        join(env, 1, first_day=first_day, last_day=last_day)
    assert refused.value.field == field
    assert not WaitlistEntry.objects.exists()


def test_a_service_without_a_waitlist_refuses_to_join(env):
    env.service.waitlist_enabled = False
    env.service.save(update_fields=["waitlist_enabled"])
    with pytest.raises(WaitlistRefused):
        waitlist_join(service=env.service, data=person(), first_day=DAY, last_day=DAY, now=NOW)


def test_a_lapsed_email_check_hold_offers_its_time(db, django_capture_on_commit_callbacks):
    from bookings.services.transitions import bookings_expire_unverified

    env = waitlist_office(full=False, email_verification_minutes=60)
    hold = book(
        env.service, STARTS[0], data=person(email="h@example.jp", job_seeker_number="50000-1")
    )
    assert hold.booking.status == BookingStatus.PENDING_VERIFICATION
    for n, start in enumerate(STARTS[1:], start=1):  # the rest of the day is taken
        email_checked(book(env.service, start, data=person(
            email=f"o{n}@example.jp", job_seeker_number=f"{60000 + n}-1")).booking)  # fmt: skip
    entry = join(env, 1)
    assert waitlist_match(office_id=env.office.pk, now=NOW) == 0
    with django_capture_on_commit_callbacks(execute=True):
        bookings_expire_unverified(now=hold.booking.verification_expires_at)
    assert [o.start for o in _offers(entry)] == [STARTS[0]]


def test_a_declined_request_offers_its_time(db, django_capture_on_commit_callbacks):
    from bookings.services.staff import booking_cancel_by_staff
    from tests.factories import UserFactory

    env = waitlist_office(confirmation_mode="staff_approval")
    assert env.bookings[0].status == BookingStatus.REQUESTED
    entry = join(env, 1)
    counselor = UserFactory(office=env.office, username="decider")
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel_by_staff(booking=env.bookings[0], by=counselor, reason="定員", now=NOW)
    assert [o.start for o in _offers(entry)] == [STARTS[0]]


def test_finished_entries_lose_their_personal_data_after_the_retention_period(env, settings):
    entry = join(env, 1)
    waitlist_leave(entry=entry, now=NOW)
    waitlist_sweep(now=NOW + timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS))
    entry.refresh_from_db()
    assert entry.name == "待機 1"  # within the period: kept
    waitlist_sweep(now=NOW + timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS + 3))
    entry.refresh_from_db()
    assert (entry.name, entry.email, entry.details) == ("", "", {})


def test_a_freed_time_whose_matching_was_never_queued_is_offered_by_the_sweep(env):
    """The broker down at the cancellation's commit: here no commit hook runs at all."""
    from waitlist.tasks import waitlist_sweep_task

    entry = join(env, 1)
    free(env.bookings[0])
    assert _offers(entry) == []
    assert waitlist_sweep_task() == 1
    assert [o.start for o in _offers(entry)] == [STARTS[0]]
