"""The counselor's actions on a booking keep the public site's guards."""

from datetime import time, timedelta

import pytest
from django.core import mail

from bookings.exceptions import NotAllowedNow, SlotTaken
from bookings.models import Booking, BookingStatus
from bookings.services.public import booking_accept_proposal
from bookings.services.staff import (
    booking_check_in,
    booking_complete,
    booking_confirm,
    booking_extend,
    booking_mark_no_show,
    booking_propose_time,
    booking_switch_to_phone,
)
from common import clock
from tests.factories import WEEKDAYS, OpeningHoursFactory, office_with
from tests.helpers import book, counselor_account, email_checked, jst, person, service

THU_930 = jst(2026, 11, 26, 9, 30)  # Thursday, at the office below


@pytest.fixture
def kawagoe(db):
    """ハローワーク川越 as these tests build it: two counselors who confirm each request, on
    TeleOffice, open weekdays 9:30-12:00 and 13:00-16:00; sessions of 30 minutes that a
    counselor may extend by 15, a no-show after 10 minutes' grace; its phone number."""
    office = office_with(
        slug="kawagoe", name="ハローワーク川越", name_en="Hello Work Kawagoe",
        platform="teleoffice", phone="049-242-0197", confirmation_mode="staff_approval",
        counselors=2, slot_minutes=30, max_extension_minutes=15, no_show_grace_minutes=10,
    )  # fmt: skip
    for weekday in WEEKDAYS:
        OpeningHoursFactory(
            service=office.services.get(), weekday=weekday, start=time(13), end=time(16)
        )
    return office


def confirmed_at(start, counselor, **data):
    booking = book(service("kawagoe"), start, data=person(**data)).booking
    return booking_confirm(booking=email_checked(booking), by=counselor, now=clock.now())


def test_check_in_then_complete_records_each_step(counselor):
    booking = confirmed_at(THU_930, counselor)
    booking_check_in(booking=booking, by=counselor, now=THU_930 + timedelta(minutes=2))
    booking_complete(booking=booking, by=counselor, now=THU_930 + timedelta(minutes=30))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED
    steps = list(booking.events.order_by("pk").values_list("to_status", "actor__username"))
    assert steps[-2:] == [("in_progress", counselor.username), ("completed", counselor.username)]
    with pytest.raises(NotAllowedNow):
        booking_check_in(booking=booking, by=counselor, now=clock.now())


def test_extending_into_the_next_booking_is_refused_with_the_time(counselor):
    first = confirmed_at(THU_930, counselor)
    second = confirmed_at(THU_930 + timedelta(minutes=30), counselor, email="b@example.jp",
                          job_seeker_number="22222-2222222")  # fmt: skip
    Booking.objects.filter(pk=second.pk).update(counselor=first.counselor)
    during = THU_930 + timedelta(minutes=20)
    with pytest.raises(SlotTaken, match="10:00"):
        booking_extend(booking=first, by=counselor, minutes=15, now=during)
    first.refresh_from_db()
    assert first.end == THU_930 + timedelta(minutes=30)  # nothing changed
    Booking.objects.filter(pk=second.pk).update(status=BookingStatus.CANCELLED)
    booking_extend(booking=first, by=counselor, minutes=15, now=during)
    first.refresh_from_db()
    assert first.end == THU_930 + timedelta(minutes=45)
    event = first.events.latest("pk")
    assert event.reason_code == "extended" and event.reason_params["minutes"] == 15


def test_switch_to_phone_and_no_show_by_hand(counselor, django_capture_on_commit_callbacks):
    booking = confirmed_at(THU_930, counselor)
    with pytest.raises(NotAllowedNow):
        booking_mark_no_show(booking=booking, by=counselor, now=THU_930 - timedelta(minutes=1))
    booking_switch_to_phone(booking=booking, by=counselor, reason="no sound", now=THU_930)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.SWITCHED_TO_PHONE
    other = confirmed_at(THU_930 + timedelta(hours=1), counselor, email="c@example.jp",
                         job_seeker_number="33333-3333333")  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_mark_no_show(booking=other, by=counselor, now=other.start + timedelta(minutes=11))
    other.refresh_from_db()
    assert other.status == BookingStatus.NO_SHOW and len(mail.outbox) == 1


def test_another_office_cannot_act_on_a_booking(counselor):
    booking = confirmed_at(THU_930, counselor)
    stranger = counselor_account(office_with(confirmation_mode="staff_approval"))
    for action in (booking_check_in, booking_switch_to_phone, booking_complete):
        with pytest.raises(NotAllowedNow):
            action(booking=booking, by=stranger, now=THU_930)


def test_a_proposed_time_is_held_emailed_and_confirmed_when_accepted(
    counselor, django_capture_on_commit_callbacks
):
    booking = email_checked(book(service("kawagoe"), THU_930).booking)
    later = jst(2026, 11, 27, 13, 0)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_propose_time(booking=booking, by=counselor, start=later, now=clock.now())
    booking.refresh_from_db()
    assert (booking.status, booking.start) == (BookingStatus.REQUESTED, later)
    assert booking.proposed_at is not None
    # To the person, one email (the counselors' notices of the request, queued when it was
    # made and not sent in this test, go out with it).
    (proposal,) = [m for m in mail.outbox if m.to == [booking.email]]
    assert "13:00" in proposal.body
    booking_accept_proposal(booking=booking, now=clock.now())
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert (
        booking_accept_proposal(booking=booking, now=clock.now()).status == BookingStatus.CONFIRMED
    )


def test_proposing_a_time_that_is_not_free_is_refused(counselor):
    """Refused because both counselors hold the time, not because it has passed: the
    same hour on another day, just as far ahead, is accepted."""
    booking = email_checked(book(service("kawagoe"), THU_930).booking)
    taken = jst(2026, 11, 27, 13, 0)
    for n in (1, 2):  # the office has two counselors
        book(
            service("kawagoe"),
            taken,
            data=person(job_seeker_number=f"1111{n}-1111111", email=f"other{n}@example.jp"),
        )
    assert taken > clock.now()
    with pytest.raises(SlotTaken):
        booking_propose_time(booking=booking, by=counselor, start=taken, now=clock.now())
    booking.refresh_from_db()
    assert booking.start == THU_930
    free = jst(2026, 11, 30, 13, 0)
    booking_propose_time(booking=booking, by=counselor, start=free, now=clock.now())
    booking.refresh_from_db()
    assert booking.start == free


def test_an_extension_beyond_the_offices_maximum_is_refused(counselor):
    booking = confirmed_at(THU_930, counselor)  # 30 minutes, up to 15 more
    during = THU_930 + timedelta(minutes=25)
    with pytest.raises(NotAllowedNow, match="15"):
        booking_extend(booking=booking, by=counselor, minutes=30, now=during)
    booking_extend(booking=booking, by=counselor, minutes=10, now=during)
    with pytest.raises(NotAllowedNow, match="5"):
        booking_extend(booking=booking, by=counselor, minutes=10, now=during)
    booking_extend(booking=booking, by=counselor, minutes=5, now=during)
    booking.refresh_from_db()
    assert booking.end - booking.start == timedelta(minutes=45)


def test_the_persons_page_explains_a_switch_to_phone(client, counselor, frozen):
    from django.urls import reverse

    created = book(service("kawagoe"), THU_930)
    booking_confirm(booking=email_checked(created.booking), by=counselor, now=clock.now())
    frozen.move_to(THU_930 + timedelta(minutes=3))
    booking_switch_to_phone(booking=created.booking, by=counselor, now=clock.now())
    page = client.get(reverse("booking-manage", args=[created.manage_token])).content.decode()
    assert "相談を電話に切り替えました" in page
    assert created.booking.phone in page and "9:33" in page
    assert "049-242-0197" in page  # the office's number


def test_the_table_refuses_what_it_does_not_hold():
    from bookings.state import Action, Actor, transition_rule

    assert transition_rule("completed", "in_progress", Actor.STAFF) is None  # only as an undo
    assert transition_rule("completed", "in_progress", Actor.STAFF, action=Action.UNDO)
    assert transition_rule("confirmed", "no_show", Actor.APPLICANT) is None
    assert transition_rule("cancelled", "confirmed", Actor.STAFF, action=Action.UNDO) is None
