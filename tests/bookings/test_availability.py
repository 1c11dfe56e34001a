"""Free session starts honour hours, calendar, lead time, horizon, absences and bookings."""

from datetime import date, time, timedelta

import pytest

from bookings.selectors.availability import slot_list_available
from offices.models import Closure, Counselor, CounselorAbsence
from tests.factories import OpeningHoursFactory, office_with
from tests.helpers import NOW, book, jst, person

pytestmark = pytest.mark.django_db


def starts(svc, first=date(2026, 11, 22), last=date(2026, 11, 30), now=NOW):
    return [
        s.start for s in slot_list_available(service=svc, first_day=first, last_day=last, now=now)
    ]


def kawagoe():
    """An office with Kawagoe's rules: two business days ahead, open weekdays 9:30-12:00
    and 13:00-16:00."""
    office = office_with(lead_time_days=2, lead_time_unit="business_days")
    svc = office.services.get()
    for weekday in range(5):
        OpeningHoursFactory(service=svc, weekday=weekday, start=time(13), end=time(16))
    return svc


def two_counselors():
    """An office of two counselors, open weekdays, booking up to 60 days ahead."""
    return office_with(counselors=2, horizon_days=60).services.get()


def test_kawagoe_first_free_time_is_thursday_morning_after_a_sunday_request():
    slots = starts(kawagoe())
    assert slots[0] == jst(2026, 11, 26, 9, 30)
    day = [s for s in slots if s.date() == date(2026, 11, 26)]
    morning = ["09:30", "10:00", "10:30", "11:00", "11:30"]
    afternoon = ["13:00", "13:30", "14:00", "14:30", "15:00", "15:30"]
    assert [f"{s:%H:%M}" for s in day] == morning + afternoon


def test_no_slots_on_weekends_holidays_or_the_year_end():
    slots = starts(kawagoe(), date(2026, 12, 20), date(2027, 1, 12), now=jst(2026, 12, 1))
    days = {s.date() for s in slots}
    assert date(2026, 12, 26) not in days  # Saturday
    assert not days & {date(2026, 12, d) for d in (29, 30, 31)}
    assert not days & {date(2027, 1, d) for d in (1, 2, 3, 11)}  # 11: Coming of Age Day
    assert date(2027, 1, 4) in days


def test_sasebo_evening_service_offers_saturday_45_minute_sessions():
    # A service of 45-minute sessions (its own rule; the office's is 30), Saturday mornings.
    svc = office_with(weekdays=(5,), hours=(time(9, 30), time(12, 30))).services.get()
    svc.slot_minutes = 45
    svc.save(update_fields=["slot_minutes"])
    slots = slot_list_available(
        service=svc,
        first_day=date(2026, 11, 28),
        last_day=date(2026, 11, 28),
        now=NOW,
    )
    assert [f"{s.start:%H:%M}-{s.end:%H:%M}" for s in slots] == [
        "09:30-10:15", "10:15-11:00", "11:00-11:45", "11:45-12:30",
    ]  # fmt: skip


def test_each_slot_counts_the_free_counselors():
    svc = two_counselors()
    first = slot_list_available(
        service=svc, first_day=date(2026, 11, 24), last_day=date(2026, 11, 24), now=NOW
    )[0]
    assert first.free == 2
    book(svc, first.start)
    again = slot_list_available(
        service=svc, first_day=date(2026, 11, 24), last_day=date(2026, 11, 24), now=NOW
    )[0]
    assert (again.start, again.free) == (first.start, 1)


def test_a_fully_booked_time_disappears():
    svc = two_counselors()
    start = jst(2026, 11, 24, 9, 30)
    book(svc, start)
    book(svc, start, data=person(email="b@example.jp", job_seeker_number="22222-1"))
    assert start not in starts(svc)


def test_an_absent_counselor_is_not_offered():
    svc = two_counselors()
    counselor = Counselor.objects.filter(office=svc.office).first()
    CounselorAbsence.objects.create(
        counselor=counselor, start_date=date(2026, 11, 24), end_date=date(2026, 11, 25)
    )
    slots = slot_list_available(
        service=svc, first_day=date(2026, 11, 24), last_day=date(2026, 11, 26), now=NOW
    )
    assert {
        s.free for s in slots if s.start.date() in (date(2026, 11, 24), date(2026, 11, 25))
    } == {1}
    assert {s.free for s in slots if s.start.date() == date(2026, 11, 26)} == {2}


def test_a_closure_removes_the_day_and_an_extra_opening_adds_one():
    svc = two_counselors()
    Closure.objects.create(office=svc.office, date=date(2026, 11, 25))
    Closure.objects.create(
        office=svc.office,
        date=date(2026, 11, 28),
        kind="extra_opening",
        start=time(10),
        end=time(11),
    )
    days = {s.date() for s in starts(svc)}
    assert date(2026, 11, 25) not in days
    assert date(2026, 11, 28) in days


def test_the_horizon_limits_how_far_ahead():
    svc = two_counselors()
    slots = starts(svc, date(2026, 11, 22), date(2027, 3, 31))
    assert max(slots).date() <= NOW.date() + timedelta(days=60)


def test_availability_costs_four_queries_whatever_the_range_and_bookings(
    django_assert_max_num_queries,
):
    svc = two_counselors()
    for n in range(6):
        book(svc, jst(2026, 11, 24 + n // 2, 9, 30) + timedelta(minutes=30 * (n % 2)),
             data=person(email=f"p{n}@example.jp", job_seeker_number=f"1111{n}-1"))  # fmt: skip
    for first, last in (
        (date(2026, 11, 22), date(2026, 11, 29)),
        (date(2026, 11, 22), date(2027, 2, 28)),
    ):
        with django_assert_max_num_queries(4):
            slot_list_available(service=svc, first_day=first, last_day=last, now=NOW)
