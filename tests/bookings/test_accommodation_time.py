"""
"More time" is real where the office gives it minutes (offices.accommodation): the booking
holds the service's length plus them, so availability, the busy checks and PostgreSQL's
no-overlap constraint see its real end; a move keeps them; the booking page adds or frees
them through the same guard. With 0 minutes it is a request the counselor allows for.
"""

import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from bookings.exceptions import SlotTaken
from bookings.models import Booking, is_overlap_violation
from bookings.selectors.availability import slot_list_available
from bookings.services.accommodation import booking_accommodation_change
from bookings.services.reschedule import booking_reschedule_by_applicant
from bookings.services.staff import booking_extend
from tests.factories import office_with
from tests.helpers import NOW, book, jst, person, someone, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _japanese():
    """Messages in Japanese, whatever language an earlier test's page left active."""
    from django.utils import translation

    with translation.override("ja"):
        yield


TUE_0930 = jst(2026, 11, 24, 9, 30)
TUE_1000 = jst(2026, 11, 24, 10, 0)
TUE_1030 = jst(2026, 11, 24, 10, 30)
TUE_1100 = jst(2026, 11, 24, 11, 0)
MORE_TIME = {"accommodations": ["more_time"]}


@pytest.fixture
def office():
    """One counselor, 30-minute sessions, "more time" worth 15 minutes."""
    return office_with(accommodation_means=["more_time", "captions"],
                       accommodation_extra_minutes=15, max_extension_minutes=15)  # fmt: skip


def _starts(office) -> list:
    return [
        slot.start
        for slot in slot_list_available(
            service=office.services.get(), first_day=TUE_0930.date(),
            last_day=TUE_0930.date(), now=NOW,
        )
    ]  # fmt: skip


def test_more_time_lengthens_the_booking_and_availability_sees_its_real_end(office):
    assert TUE_1000 in _starts(office)
    booking = book(office.services.get(), TUE_0930, data=person(**MORE_TIME)).booking
    assert booking.end == TUE_0930 + timedelta(minutes=45) and booking.extra_minutes == 15
    starts = _starts(office)
    assert TUE_1000 not in starts  # 10:00-10:30 would overlap 9:30-10:15
    assert TUE_1030 in starts


def test_without_more_time_the_next_session_stays_free(office):
    book(office.services.get(), TUE_0930, data=person(accommodations=["captions"]))
    assert TUE_1000 in _starts(office)


def test_more_time_is_refused_when_the_counselor_is_booked_right_after(office):
    book(office.services.get(), TUE_1000, data=someone(2))
    with pytest.raises(SlotTaken) as refused:
        book(office.services.get(), TUE_0930, data=person(**MORE_TIME))
    assert "15分の追加を含めると" in refused.value.message
    assert Booking.objects.count() == 1
    assert book(office.services.get(), TUE_0930, data=person()).booking.end == TUE_1000


def test_with_zero_minutes_more_time_is_a_request_and_the_booking_keeps_its_length():
    office = office_with(accommodation_means=["more_time"])
    booking = book(office.services.get(), TUE_0930, data=person(**MORE_TIME)).booking
    assert booking.accommodations == ["more_time"]
    assert (booking.end, booking.extra_minutes) == (TUE_1000, 0)


@pytest.mark.postgres
def test_the_no_overlap_constraint_sees_the_added_minutes(office):
    booking = book(office.services.get(), TUE_0930, data=person(**MORE_TIME)).booking
    row = Booking.objects.get(pk=booking.pk)  # a copy of it at 10:00, written directly
    row.pk, row.reference, row.uuid, row.idempotency_key = None, "OVERLAP1", uuid.uuid4(), ""
    row.start, row.end = TUE_1000, TUE_1030  # only the added minutes overlap
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        row.save(force_insert=True)
    assert is_overlap_violation(refused.value)


def test_a_move_keeps_the_added_minutes(office):
    booking = book(office.services.get(), TUE_0930, data=person(**MORE_TIME)).booking
    moved = booking_reschedule_by_applicant(booking=booking, start=TUE_1100, now=NOW).booking
    assert (moved.start, moved.end) == (TUE_1100, TUE_1100 + timedelta(minutes=45))


def test_a_move_is_refused_where_the_added_minutes_are_not_free(office):
    book(office.services.get(), TUE_1030, data=someone(2))
    booking = book(office.services.get(), TUE_0930, data=person(**MORE_TIME)).booking
    with pytest.raises(SlotTaken):
        booking_reschedule_by_applicant(booking=booking, start=TUE_1000, now=NOW)
    booking.refresh_from_db()
    assert booking.start == TUE_0930


def test_the_added_minutes_are_not_counted_as_an_extension(office, frozen):
    from offices.roles import COUNSELORS

    booking = book(office.services.get(), TUE_0930, data=person(**MORE_TIME)).booking
    counselor = staff(office, COUNSELORS, "extending-counselor")
    frozen.move_to(TUE_0930 + timedelta(minutes=5))
    extended = booking_extend(booking=booking, by=counselor, minutes=15, now=TUE_0930)
    assert extended.end == TUE_0930 + timedelta(minutes=60)


def test_ticking_more_time_on_the_booking_page_lengthens_the_booking(office):
    booking = book(office.services.get(), TUE_0930, data=person()).booking
    changed = booking_accommodation_change(booking=booking, data=MORE_TIME, now=NOW)
    assert (changed.end, changed.extra_minutes) == (TUE_0930 + timedelta(minutes=45), 15)
    assert changed.sequence == booking.sequence + 1  # the calendar event changes
    assert TUE_1000 not in _starts(office)
    freed = booking_accommodation_change(booking=changed, data={"accommodations": []}, now=NOW)
    assert (freed.end, freed.extra_minutes) == (TUE_1000, 0)
    assert TUE_1000 in _starts(office)


def test_more_time_on_the_booking_page_is_refused_when_the_counselor_is_busy_after(office):
    booking = book(office.services.get(), TUE_0930, data=person()).booking
    book(office.services.get(), TUE_1000, data=someone(2))
    with pytest.raises(SlotTaken) as refused:
        booking_accommodation_change(booking=booking, data=MORE_TIME, now=NOW)
    assert "すぐ後に別の予約" in refused.value.message
    booking.refresh_from_db()
    assert (booking.end, booking.accommodations) == (TUE_1000, [])
