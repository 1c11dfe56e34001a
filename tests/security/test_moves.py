"""
Changes of time that cannot be abused (issue 23, 6 and Low): 8 POSTs to
`/bookings/<token>/change/` at a staff-approval office emailed 24 times (the person and every
counselor, each time); and a move skipped the guards a new booking passes (one address held
09:30 with two counselors; a day reached 5 unconfirmed holds with the cap at 4). Now a
booking has one pending change, a new one replaces it and the counselors are told once, the
requests are limited per booking per day, and every move (the person's, a counselor's
proposal or confirmation of a change) passes the guards of a new booking, through the same
code (`services.person_guard`, `services.holds`, the availability selector), the no-show
bar included.
"""

from datetime import time, timedelta

import pytest
from django.db import IntegrityError
from django.test import override_settings
from django.urls import reverse

from bookings.models import Applicant, Booking, BookingChange, BookingStatus
from bookings.services.staff import booking_confirm
from common import clock
from notifications.models import Notification
from offices.models import User
from tests.factories import OpeningHoursFactory, office_with
from tests.helpers import (
    NOW,
    book,
    counselor_account,
    delivered,
    email_checked,
    jst,
    manage_token,
    person,
    service,
)  # fmt: skip

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)  # Thursday at Kawagoe (below): two counselors, staff approval
TIMES = [jst(2026, 11, 26, h, m) for h, m in ((10, 0), (10, 30), (11, 0), (11, 30),
                                                (13, 0), (13, 30), (14, 0), (14, 30))]  # fmt: skip


@pytest.fixture
def kawagoe(db):
    """ハローワーク川越 as the findings met it: two counselors (with email addresses) who
    confirm each request, two business days ahead, open weekdays 9:30-12:00 and 13:00-16:00."""
    office = office_with(
        slug="kawagoe", name="ハローワーク川越", name_en="Hello Work Kawagoe",
        confirmation_mode="staff_approval", counselors=2,
        lead_time_days=2, lead_time_unit="business_days",
    )  # fmt: skip
    for weekday in range(5):
        OpeningHoursFactory(
            service=office.services.get(), weekday=weekday, start=time(13), end=time(16)
        )
    for n, each in enumerate(office.counselors.order_by("pk")):
        User.objects.filter(pk=each.user_id).update(email=f"counselor{n}@example.invalid")
    return office


def counselor() -> User:
    return counselor_account(service("kawagoe").office)


def confirmed(start=THU, **data) -> Booking:
    booking = book(service("kawagoe"), start, data=person(**data)).booking
    return booking_confirm(booking=email_checked(booking), by=counselor(), now=clock.now())


def change(client, booking, start):
    url = reverse("booking-change", args=[manage_token(booking)])
    return client.post(url, {"start": start.isoformat()})


def test_eight_change_requests_make_one_pending_change_and_tell_the_counselors_once(
    client, kawagoe
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


def test_the_limit_is_per_day_and_a_setting(client, kawagoe, frozen):
    booking = confirmed()
    for start in TIMES[:3]:
        assert change(client, booking, start).status_code == 302
    assert change(client, booking, TIMES[3]).status_code == 409
    with override_settings(CHANGE_REQUESTS_PER_BOOKING_PER_DAY=4):
        assert change(client, booking, TIMES[3]).status_code == 302
    frozen.shift(24 * 3600)  # Monday 23 (a holiday): the lead time still allows Thursday
    assert change(client, booking, TIMES[4]).status_code == 302


def test_the_database_holds_one_pending_change_per_booking(kawagoe):
    booking = confirmed()
    fields = {"booking": booking, "office_id": booking.office_id, "from_start": booking.start,
              "from_end": booking.end, "to_start": TIMES[0], "to_end": TIMES[1],
              "requested_at": NOW}  # fmt: skip
    BookingChange.objects.create(**fields)
    with pytest.raises(IntegrityError):
        BookingChange.objects.create(**fields)


def test_a_move_never_gives_one_address_two_times_at_once(client, kawagoe):
    """One address held 09:30 with two counselors after a move."""
    first = confirmed(THU)
    second = book(service("kawagoe"), TIMES[0]).booking  # the same address, requested
    Booking.objects.filter(pk=second.pk).update(verification_expires_at=None)
    answer = change(client, second, THU)  # a requested booking moves at once
    assert answer.status_code == 409
    assert "すでに予約" in answer.content.decode()
    second.refresh_from_db()
    assert second.start == TIMES[0] and first.start == THU


def propose(client, booking, start):
    """A counselor proposes another time on the admin's propose page."""
    client.force_login(counselor())
    url = reverse("admin:bookings_booking_propose", args=[booking.pk])
    return client.post(url, {"start": start.isoformat()})


def confirm_change(client, change):
    """A counselor confirms the person's change of time in the admin's list of changes."""
    client.force_login(counselor())
    return client.post("/admin/bookings/bookingchange/",
                       {"action": "confirm_changes", "_selected_action": [change.pk]},
                       follow=True)  # fmt: skip


def pending_change(booking, to_start) -> BookingChange:
    """The change the person asked for on their page (before what the test sets up next)."""
    return BookingChange.objects.create(
        booking=booking, office_id=booking.office_id, from_start=booking.start,
        from_end=booking.end, to_start=to_start, to_end=to_start + timedelta(minutes=30),
        requested_at=NOW,
    )  # fmt: skip


@override_settings(BOOKING_MAX_UPCOMING_PER_PERSON=5)  # the overlap is tested, not the cap
def test_a_counselors_proposal_or_confirmed_change_never_gives_one_address_two_times(
    client, kawagoe
):
    confirmed(THU)
    request = email_checked(book(service("kawagoe"), TIMES[0]).booking)
    answer = propose(client, request, THU)
    assert answer.status_code == 409 and "すでに予約" in answer.content.decode()
    request.refresh_from_db()
    assert request.start == TIMES[0] and request.proposed_at is None
    other = confirmed(TIMES[1])
    change_asked = pending_change(other, THU)
    page = confirm_change(client, change_asked).content.decode()
    assert f"{other.reference}: " in page and "すでに予約" in page
    other.refresh_from_db()
    change_asked.refresh_from_db()
    assert other.start == TIMES[1] and change_asked.status == BookingChange.Status.PENDING


def test_a_record_barred_for_its_no_shows_moves_nothing(client, kawagoe):
    """Moves check the no-show bar as a new booking online does (issue 23): the person's
    change, a counselor's proposal, a counselor confirming a change the person asked for."""
    booking = confirmed(THU)
    request = email_checked(book(service("kawagoe"), TIMES[0]).booking)
    asked = pending_change(booking, TIMES[2])  # asked for before the bar
    Applicant.objects.filter(pk=booking.applicant_id).update(barred_at=NOW, barred_reason="3")
    # The person: told on the change page before choosing, and a post moves nothing.
    page = client.get(reverse("booking-change", args=[manage_token(booking)])).content.decode()
    assert "オンラインではお受けできません" in page and 'name="start"' not in page
    answer = change(client, booking, TIMES[3])
    assert answer.status_code == 409 and "お電話" in answer.content.decode()
    # A counselor: told the person is barred, to lift the bar first or book for them.
    proposed = propose(client, request, TIMES[4])
    assert proposed.status_code == 409 and "停止" in proposed.content.decode()
    listed = confirm_change(client, asked).content.decode()
    assert f"{booking.reference}: " in listed and "停止を解除" in listed
    booking.refresh_from_db()
    request.refresh_from_db()
    assert booking.start == THU and request.start == TIMES[0] and request.proposed_at is None
    assert BookingChange.objects.filter(booking=booking).count() == 1  # no new request
    assert BookingChange.objects.get(pk=asked.pk).status == BookingChange.Status.PENDING


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


def test_a_move_passes_the_lead_time_and_the_hours(client, kawagoe):
    booking = confirmed()
    for start in (jst(2026, 11, 24, 10, 0), jst(2026, 11, 26, 18, 0), jst(2026, 11, 29, 10, 0)):
        answer = change(client, booking, start)  # inside the lead time; after hours; Sunday
        assert answer.status_code == 409
    assert not BookingChange.objects.filter(booking=booking).exists()
