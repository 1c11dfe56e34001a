"""
Group sessions with seats: the session takes its counselor's time once, a seat is a
booking through the same path, one person holds one seat, a cancelled seat is free again.
"""

import uuid
from datetime import time

import pytest
from django.db import IntegrityError, transaction

from bookings.exceptions import BookingInvalid, NotAllowedNow, SeatHeld, SessionFull, SlotTaken
from bookings.models import Booking, BookingStatus, GroupSessionStatus
from bookings.selectors.availability import slot_list_available
from bookings.selectors.group_sessions import group_sessions_upcoming, seats_taken
from bookings.services.identity import booking_link_record
from bookings.services.public import booking_cancel_by_applicant
from bookings.services.seats import group_session_cancel
from offices.roles import COUNSELORS
from tests.bookings.seat_helpers import SEMINAR_START, manager, seminar, take_seat
from tests.factories import office_with
from tests.helpers import NOW, book, jst, person, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    """An office that answers each request (staff approval), one counselor, open weekday
    afternoons 13:00-16:00 (the seminar's Thursday 13:00 among its times)."""
    return office_with(
        slug="kawagoe", confirmation_mode="staff_approval", counselors=1,  # `seminar`'s slug
        hours=(time(13, 0), time(16, 0)),
    )  # fmt: skip


@pytest.fixture
def one_counselor(office):
    return office.services.get()


def test_a_seat_is_a_booking_of_the_sessions_time_and_counselor(office):
    session = seminar(capacity=3)
    seat = take_seat(session).booking
    assert (seat.group_session, seat.counselor, seat.start, seat.end) == (
        session, session.counselor, session.start, session.end,
    )  # fmt: skip
    # As any open booking at a staff-approval office: a request it answers, holding its place.
    assert seat.status == BookingStatus.REQUESTED
    assert seat.verification_expires_at is not None
    assert seats_taken(session, now=NOW) == 1


def test_the_last_seat_taken_makes_the_session_full_with_a_clear_message(office):
    session = seminar(capacity=2)
    take_seat(session, 1)
    take_seat(session, 2)
    with pytest.raises(SessionFull, match="満席"):
        take_seat(session, 3)
    assert Booking.objects.filter(group_session=session).count() == 2


def test_one_person_cannot_hold_two_seats_in_one_session(office):
    """Told at once where the person is known: a seat staff enter, or one booked from a
    link emailed to the address. (A public request waiting for its email link is answered
    as any, and checked when the link is opened: tests/security/test_no_seat_oracle.py.)"""
    session = seminar(capacity=5)
    by = manager(office)
    take_seat(session, 1, channel="phone", created_by=by)
    with pytest.raises(SeatHeld):
        take_seat(session, 1, channel="phone", created_by=by)
    take_seat(session, 2, email_verified=True)
    with pytest.raises(SeatHeld):
        take_seat(session, 2, email_verified=True)
    assert Booking.objects.filter(group_session=session).count() == 2


def test_the_database_counts_a_seat_once_its_request_leaves_the_email_check(office):
    """`booking_one_seat_per_person`: a request waiting for its email link is not counted
    (anyone may type the address); made the person's, a second seat is refused."""
    session = seminar(capacity=5)
    seat = take_seat(session, 1, email_verified=True).booking
    waiting = take_seat(session, 1).booking
    assert waiting.applicant_id == seat.applicant_id and waiting.verification_expires_at
    waiting.verification_expires_at = None
    with pytest.raises(IntegrityError), transaction.atomic():
        waiting.save(update_fields=["verification_expires_at"])


def test_a_seat_the_person_cancels_is_free_again(office):
    session = seminar(capacity=1)
    seat = take_seat(session, 1).booking
    with pytest.raises(SessionFull):
        take_seat(session, 2)
    booking_cancel_by_applicant(booking=seat, now=NOW)
    assert take_seat(session, 2).booking.group_session == session


def test_the_sessions_time_is_not_offered_for_individual_bookings(one_counselor):
    day = SEMINAR_START.date()
    before = {s.start for s in slot_list_available(
        service=one_counselor, first_day=day, last_day=day, now=NOW)}  # fmt: skip
    assert SEMINAR_START in before
    seminar(capacity=4, minutes=60)  # 13:00-14:00, no seat taken yet
    after = {s.start for s in slot_list_available(
        service=one_counselor, first_day=day, last_day=day, now=NOW)}  # fmt: skip
    assert SEMINAR_START not in after
    assert jst(2026, 11, 26, 13, 30) not in after
    assert jst(2026, 11, 26, 14, 0) in after


def test_an_individual_booking_that_reaches_the_lock_is_refused_over_an_empty_session(
    one_counselor, monkeypatch
):
    """The public list was read before the session existed: the re-check under the
    office's lock still refuses it (no seat holds the time, the session does)."""
    from bookings.services import create

    seminar(capacity=4)
    monkeypatch.setattr(create, "counselor_day_load", _nothing_held(create.counselor_day_load))
    with pytest.raises(SlotTaken):
        book(one_counselor, SEMINAR_START)
    assert not Booking.objects.filter(group_session=None).exists()


def _nothing_held(real):
    def load(*args, **kwargs):
        found = real(*args, **kwargs)
        found.holding.clear()
        return found

    return load


def test_a_session_is_refused_over_the_counselors_booking(one_counselor):
    taken = book(one_counselor, SEMINAR_START).booking
    with pytest.raises(BookingInvalid) as refused:
        seminar(counselor=taken.counselor)
    assert "start" in refused.value.errors


def test_a_session_cannot_start_in_the_past_or_have_no_seats(office):
    with pytest.raises(BookingInvalid) as refused:
        seminar(start=jst(2026, 11, 20, 10, 0), capacity=0, minutes=7)
    assert set(refused.value.errors) == {"start", "capacity", "minutes"}


def test_staff_of_another_office_cannot_schedule_a_session(office):
    with pytest.raises(NotAllowedNow):
        seminar(by=manager(office_with(), "other"))


def test_cancelling_a_session_cancels_its_seats_and_frees_the_time(one_counselor):
    session = seminar(capacity=3)
    take_seat(session, 1)
    take_seat(session, 2)
    by = manager(session.office, "canceller")
    assert group_session_cancel(session=session, by=by, reason="講師急病", now=NOW) == 2
    session.refresh_from_db()
    assert session.status == GroupSessionStatus.CANCELLED
    assert set(session.seats.values_list("status", flat=True)) == {BookingStatus.CANCELLED}
    with pytest.raises(NotAllowedNow):
        take_seat(session, 3)
    day = SEMINAR_START.date()
    free = {s.start for s in slot_list_available(
        service=one_counselor, first_day=day, last_day=day, now=NOW)}  # fmt: skip
    assert SEMINAR_START in free


def test_the_upcoming_list_counts_seats_left(office):
    session = seminar(capacity=3)
    take_seat(session, 1)
    (listed,) = group_sessions_upcoming(service=session.service, now=NOW)
    assert (listed.pk, listed.taken, listed.capacity - listed.taken) == (session.pk, 1, 2)


@pytest.mark.postgres
def test_the_database_refuses_an_individual_booking_over_a_seat_but_not_a_second_seat(
    one_counselor,
):
    from bookings.models import is_overlap_violation

    session = seminar(capacity=3)
    first = take_seat(session, 1).booking
    take_seat(session, 2)  # a second seat of the same session shares its time
    lone = book(one_counselor, jst(2026, 11, 26, 15, 0), data=person(email="x@example.jp")).booking
    lone.start, lone.end = first.start, first.end
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        lone.save(update_fields=["start", "end"])
    assert is_overlap_violation(caught.value)


@pytest.mark.postgres
def test_the_database_refuses_two_overlapping_sessions_of_one_counselor(office):
    from bookings.models import GroupSession

    session = seminar(capacity=3)
    clone = GroupSession.objects.get(pk=session.pk)
    clone.pk, clone.uuid = None, uuid.uuid4()
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_a_seats_personal_data_is_purged_on_the_retention_schedule_like_a_booking(office, settings):
    from datetime import timedelta

    from bookings.services.retention import personal_data_purge

    settings.PERSONAL_DATA_RETENTION_DAYS = 365
    session = seminar(capacity=3)
    seat = take_seat(session, 1, data=person(name="佐藤 花子", email="h@example.jp")).booking
    old = NOW - timedelta(days=400)
    Booking.objects.filter(pk=seat.pk).update(start=old, end=old + timedelta(hours=1),
                                              status=BookingStatus.COMPLETED)  # fmt: skip
    assert personal_data_purge(now=NOW).bookings == 1
    seat.refresh_from_db()
    assert (seat.name, seat.email, seat.phone) == ("", "", "")
    assert seat.group_session_id == session.pk  # the seat still counts in its session


def test_booking_a_seat_logs_ids_never_the_persons_details(office, caplog):
    session = seminar(capacity=3)
    with caplog.at_level("DEBUG"):
        take_seat(session, 1, data=person(name="佐藤 花子", email="hanako@example.jp",
                                          phone="090-9999-8888"))  # fmt: skip
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "seat booked id=" in logged
    for secret in ("佐藤", "hanako@example.jp", "090-9999-8888"):
        assert secret not in logged


def test_linking_a_seat_to_the_record_of_someone_with_a_seat_there_is_refused_with_a_message(
    office,
):
    """Noticed while closing the seat oracle: a counselor linking a seat to the record of a
    person who already has a seat in the session broke the database's one-seat rule, an
    IntegrityError (a 500). It is a message now, and nothing moves."""
    session = seminar(capacity=5)
    counselor = staff(office, COUNSELORS, "link-counselor")
    first = take_seat(session, 1, channel="phone", created_by=counselor).booking  # checked
    second = take_seat(session, 2, email_verified=True).booking
    with pytest.raises(NotAllowedNow, match="席をすでにお持ちです"):
        booking_link_record(
            booking=second, to=first.applicant, by=counselor, reason="電話で確認", now=NOW
        )
    second.refresh_from_db()
    assert second.applicant_id != first.applicant_id
