"""
Changes of time that cannot be abused (issue 23, 6 and Low): 8 POSTs to
`/bookings/<token>/change/` at a staff-approval office emailed 24 times (the person and every
counselor, each time); and a move skipped the guards a new booking passes (one address held
09:30 with two counselors; a day reached 5 unconfirmed holds with the cap at 4). Now a
booking has one pending change, a new one replaces it and the counselors are told once, the
requests are limited per booking per day, and every move (the person's, a counselor's
proposal or confirmation of a change) passes the guards of a new booking, through the same
code (`services.person_guard`, `services.holds`, the availability selector).
"""

from datetime import time

import pytest
from django.db import IntegrityError
from django.test import override_settings
from django.urls import reverse

from bookings.models import Booking, BookingChange, BookingStatus
from bookings.services.reschedule import booking_change_confirm
from bookings.services.staff import booking_confirm, booking_propose_time
from common import clock
from notifications.models import Notification
from offices.models import User
from tests.factories import office_with
from tests.helpers import NOW, book, delivered, email_checked, jst, manage_token, person, service

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)  # Kawagoe, Thursday: two counselors, staff approval
TIMES = [jst(2026, 11, 26, h, m) for h, m in ((10, 0), (10, 30), (11, 0), (11, 30),
                                                (13, 0), (13, 30), (14, 0), (14, 30))]  # fmt: skip


def counselor() -> User:
    return User.objects.get(username="kawagoe-counselor-1")


def confirmed(start=THU, **data) -> Booking:
    booking = book(service("kawagoe"), start, data=person(**data)).booking
    return booking_confirm(booking=email_checked(booking), by=counselor(), now=clock.now())


def change(client, booking, start):
    url = reverse("booking-change", args=[manage_token(booking)])
    return client.post(url, {"start": start.isoformat()})


def test_eight_change_requests_make_one_pending_change_and_tell_the_counselors_once(
    client, offices
):
    booking = confirmed()
    Notification.objects.all().delete()
    answers = [change(client, booking, start) for start in TIMES]
    pending = BookingChange.objects.filter(booking=booking, status="pending")
    assert pending.count() == 1
    counselors = Notification.objects.filter(kind="staff_change_waiting")
    assert counselors.count() == counselors.values("recipient").distinct().count() >= 1
    # Three a day (CHANGE_REQUESTS_PER_BOOKING_PER_DAY): then the page says so and sends nothing.
    assert [a.status_code for a in answers] == [302] * 3 + [409] * 5
    assert "本日" in answers[-1].content.decode()
    assert pending.get().to_start == TIMES[2]  # the latest request replaced the earlier ones
    person_emails = Notification.objects.filter(kind="booking_change_requested")
    assert person_emails.count() == 3
    assert Notification.objects.count() == 3 + counselors.count()  # was 24 for 8 requests
    latest = delivered(person_emails.order_by("pk").last())  # rendered by the worker
    assert latest.body_text.startswith("ハローワーク川越からのお知らせです。")
    assert "11:00" in latest.body_text  # the time asked for last


def test_the_limit_is_per_day_and_a_setting(client, offices, frozen):
    booking = confirmed()
    for start in TIMES[:3]:
        assert change(client, booking, start).status_code == 302
    assert change(client, booking, TIMES[3]).status_code == 409
    with override_settings(CHANGE_REQUESTS_PER_BOOKING_PER_DAY=4):
        assert change(client, booking, TIMES[3]).status_code == 302
    frozen.shift(24 * 3600)  # Monday 23 (a holiday): the lead time still allows Thursday
    assert change(client, booking, TIMES[4]).status_code == 302


def test_the_database_holds_one_pending_change_per_booking(offices):
    booking = confirmed()
    fields = {"booking": booking, "office_id": booking.office_id, "from_start": booking.start,
              "from_end": booking.end, "to_start": TIMES[0], "to_end": TIMES[1],
              "requested_at": NOW}  # fmt: skip
    BookingChange.objects.create(**fields)
    with pytest.raises(IntegrityError):
        BookingChange.objects.create(**fields)


def test_a_move_never_gives_one_address_two_times_at_once(client, offices):
    """One address held 09:30 with two counselors after a move."""
    first = confirmed(THU)
    second = book(service("kawagoe"), TIMES[0]).booking  # the same address, requested
    Booking.objects.filter(pk=second.pk).update(verification_expires_at=None)
    answer = change(client, second, THU)  # a requested booking moves at once
    assert answer.status_code == 409
    assert "すでに予約" in answer.content.decode()
    second.refresh_from_db()
    assert second.start == TIMES[0] and first.start == THU


@override_settings(BOOKING_MAX_UPCOMING_PER_PERSON=5)  # the overlap is tested, not the cap
def test_a_counselors_proposal_or_confirmed_change_never_gives_one_address_two_times(offices):
    from bookings.exceptions import AlreadyBooked

    confirmed(THU)
    request = email_checked(book(service("kawagoe"), TIMES[0]).booking)
    with pytest.raises(AlreadyBooked):
        booking_propose_time(booking=request, by=counselor(), start=THU, now=clock.now())
    request.refresh_from_db()
    assert request.start == TIMES[0]
    other = confirmed(TIMES[1])
    pending = BookingChange.objects.create(
        booking=other, office_id=other.office_id, from_start=other.start, from_end=other.end,
        to_start=THU, to_end=jst(2026, 11, 26, 10, 0), requested_at=NOW,
    )  # fmt: skip
    with pytest.raises(AlreadyBooked):
        booking_change_confirm(change=pending, by=counselor(), now=clock.now())
    other.refresh_from_db()
    assert other.start == TIMES[1]


@override_settings(HOLD_MAX_UNCONFIRMED_PER_DAY=4, HOLD_LIMIT_PER_ADDRESS="")
def test_moves_never_take_a_day_past_its_cap_of_unconfirmed_holds(client):
    """A day reached 5 unconfirmed holds with the cap at 4."""
    office = office_with(hours=(time(9, 0), time(13, 0)), confirmation_mode="staff_approval")
    # 8 places: the cap is 4 (half the day's open places, at least 4)
    svc = office.services.get()
    thursday = [jst(2026, 11, 26, 9 + n // 2, 30 * (n % 2)) for n in range(8)]
    for n, start in enumerate(thursday[:4]):
        book(svc, start, data=person(email=f"p{n}@example.jp", job_seeker_number=f"1111{n}-1"))
    friday = book(svc, jst(2026, 11, 27, 9, 0), data=person(email="f@example.jp")).booking
    answer = change(client, friday, thursday[5])
    assert answer.status_code == 409
    assert "確認待ちの申込みが多く" in answer.content.decode()
    waiting = Booking.objects.filter(
        service=svc, status=BookingStatus.REQUESTED, start__date="2026-11-26"
    )
    assert waiting.count() == 4


def test_a_move_passes_the_lead_time_and_the_hours(client, offices):
    booking = confirmed()
    for start in (jst(2026, 11, 24, 10, 0), jst(2026, 11, 26, 18, 0), jst(2026, 11, 29, 10, 0)):
        answer = change(client, booking, start)  # inside the lead time; after hours; Sunday
        assert answer.status_code == 409
    assert not BookingChange.objects.filter(booking=booking).exists()
