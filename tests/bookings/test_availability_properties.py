"""
Properties of the calendar and of availability, over generated offices, dates, clocks,
closures and existing bookings (Hypothesis). Each offered time is checked against an
oracle written independently of the code under test: Japan's holidays straight from the
`holidays` package, the year-end closure, the office's closures, the lead time counted
here from scratch, the opening hours, and the counselors' bookings.
"""

from datetime import date, datetime, timedelta

import holidays
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from bookings.models import ACTIVE_STATUSES, Booking
from bookings.selectors.availability import slot_list_available
from common.clock import JST
from offices.business_days import OfficeCalendar
from offices.models import Closure, LeadTimeUnit, OpeningHours, Service
from offices.rules import rules_for_service
from offices.services import offices_seed
from terms.services import terms_seed
from tests.helpers import book, person

JAPAN = holidays.Japan(years=range(2026, 2029))
SERVICES = [("kawagoe", "counseling"), ("sasebo", "weekday"), ("sasebo", "evening-saturday"),
            ("toyooka", "counseling"), ("matsudo", "counseling"), ("yamaguchi", "online-support")]  # fmt: skip


def independent_business_day(day: date, closed: set[date]) -> bool:
    return (
        day.weekday() < 5
        and day not in JAPAN
        and not ((day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3))
        and day not in closed
    )


def may_still_book(now: datetime, day: date, rules, closed: set[date]) -> bool:
    """The lead time, counted from scratch: is a session on `day` still bookable at `now`?"""
    if rules.lead_time_unit == LeadTimeUnit.CALENDAR_DAYS:
        last_day = day - timedelta(days=rules.lead_time_days)
    else:  # walk back over this test's own business days
        last_day, remaining = day, rules.lead_time_days
        while remaining:
            last_day -= timedelta(days=1)
            if independent_business_day(last_day, closed):
                remaining -= 1
    deadline = datetime.combine(last_day, rules.lead_time_cutoff, tzinfo=JST)
    return now < deadline.replace(second=0, microsecond=0) + timedelta(minutes=1)


class AvailabilityProperties(TestCase):
    @classmethod
    def setUpTestData(cls):
        offices_seed(with_demo_counselors=True)
        terms_seed()

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        which=st.sampled_from(SERVICES),
        now=st.datetimes(min_value=datetime(2026, 11, 20), max_value=datetime(2027, 1, 10)).map(
            lambda moment: moment.replace(tzinfo=JST, second=0, microsecond=0)
        ),
        closure_offsets=st.sets(st.integers(min_value=0, max_value=30), max_size=4),
        bookings=st.lists(st.integers(min_value=0, max_value=60), max_size=4),
    )
    def test_every_offered_time_is_open_bookable_and_free(
        self, which, now, closure_offsets, bookings
    ):
        slug, service_slug = which
        service = Service.objects.select_related("office").get(office__slug=slug, slug=service_slug)
        office = service.office
        today = now.astimezone(JST).date()
        closed = {today + timedelta(days=n) for n in closure_offsets}
        Closure.objects.bulk_create(Closure(office=office, date=day) for day in closed)
        last = today + timedelta(days=30)
        offered = slot_list_available(service=service, first_day=today, last_day=last, now=now)
        for index in bookings:  # book some of the offered times, then ask again
            if index < len(offered):
                try:
                    book(service, offered[index].start, now=now,
                         data=person(email=f"p{index}@example.jp",
                                     job_seeker_number=f"{20000 + index}-1"))  # fmt: skip
                except Exception:  # noqa: S112 (a refused booking is fine here: we test what is offered)
                    continue
        slots = slot_list_available(service=service, first_day=today, last_day=last, now=now)

        rules = rules_for_service(service, office)
        hours = {}
        for row in OpeningHours.objects.filter(service=service):
            hours.setdefault(row.weekday, []).append((row.start, row.end))
        active = list(
            Booking.objects.filter(office=office, status__in=ACTIVE_STATUSES).values_list(
                "counselor_id", "start", "end"
            )
        )
        calendar = OfficeCalendar.from_dates(closed=closed)
        for slot in slots:
            day = slot.start.astimezone(JST).date()
            assert day not in closed, (slot, "closed day")
            assert day not in JAPAN, (slot, "national holiday")
            assert not (day.month == 12 and day.day >= 29) and not (
                day.month == 1 and day.day <= 3
            ), (slot, "year-end closure")
            assert calendar.is_open_day(day)
            assert slot.start > now, (slot, "in the past")
            assert may_still_book(now, day, rules, closed), (slot, "inside the lead time")
            local_start = slot.start.astimezone(JST).time()
            local_end = slot.end.astimezone(JST).time()
            assert any(
                start <= local_start and local_end <= end
                for start, end in hours.get(day.weekday(), [])
            ), (slot, "outside the opening hours")
            assert slot.end - slot.start == timedelta(minutes=rules.slot_minutes)
            for counselor_id in slot.counselor_ids:
                for busy_id, busy_start, busy_end in active:
                    assert not (
                        busy_id == counselor_id and busy_start < slot.end and slot.start < busy_end
                    ), (slot, "overlaps a booking of that counselor")

    @settings(max_examples=200, deadline=None)
    @given(
        day=st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)),
        count=st.integers(min_value=-30, max_value=30),
    )
    def test_adding_business_days_lands_on_a_business_day_and_counts_them(self, day, count):
        calendar = OfficeCalendar()
        result = calendar.business_day_add(day, count)
        if count == 0:
            assert result == day
            return
        assert independent_business_day(result, set())
        if count > 0:  # business days after `day`, up to and including `result`
            span = [day + timedelta(days=n) for n in range(1, (result - day).days + 1)]
        else:  # business days from `result` up to, not including, `day`
            span = [result + timedelta(days=n) for n in range((day - result).days)]
        assert sum(independent_business_day(d, set()) for d in span) == abs(count)


def test_the_oracle_knows_the_holidays_it_relies_on():
    assert date(2026, 11, 23) in JAPAN  # 勤労感謝の日
    assert not independent_business_day(date(2026, 12, 29), set())
    assert independent_business_day(date(2026, 11, 24), set())
