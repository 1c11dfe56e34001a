"""The business-day calendar: national holidays, the year end, closures, lead times."""

from datetime import date, datetime, time, timedelta

import pytest

from offices.business_days import (
    JST,
    OfficeCalendar,
    booking_deadline,
    earliest_bookable_day,
    is_standard_business_day,
    national_holiday_name,
)
from offices.models import ConfirmationMode, FieldRequirement, LeadTimeUnit
from offices.rules import BookingRules

PLAIN = OfficeCalendar()


def rules(days: int, unit: LeadTimeUnit, cutoff: time = time(23, 59)) -> BookingRules:
    return BookingRules(
        slot_minutes=30,
        max_extension_minutes=0,
        confirmation_mode=ConfirmationMode.INSTANT,
        email_verification_minutes=0,
        lead_time_days=days,
        lead_time_unit=unit,
        lead_time_cutoff=cutoff,
        horizon_days=60,
        online_cancel_allowed=True,
        online_cancel_days_before=1,
        job_seeker_number=FieldRequirement.REQUIRED,
    )


KAWAGOE = rules(2, LeadTimeUnit.BUSINESS_DAYS)
PREVIOUS_DAY = rules(1, LeadTimeUnit.CALENDAR_DAYS)


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=JST)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 9, 22), "国民の休日"),  # between Respect for the Aged Day and the equinox
        (date(2026, 11, 23), "勤労感謝の日"),  # a Monday
        (date(2027, 1, 11), "成人の日"),
        (date(2026, 5, 6), "振替休日"),  # Constitution Day fell on Sunday May 3
    ],
)
def test_national_holidays_are_not_business_days(day, name):
    assert day.weekday() < 5
    assert national_holiday_name(day) == name
    assert not PLAIN.is_business_day(day)
    assert not PLAIN.is_open_day(day)


@pytest.mark.parametrize(
    "day",
    [date(2026, 12, d) for d in (29, 30, 31)] + [date(2027, 1, d) for d in (1, 2, 3)],
)
def test_each_day_of_the_year_end_closure_is_closed(day):
    assert not PLAIN.is_business_day(day)
    assert not PLAIN.is_open_day(day)


def test_days_around_the_year_end_closure_are_business_days():
    assert PLAIN.is_business_day(date(2026, 12, 28))  # Monday
    assert PLAIN.is_business_day(date(2027, 1, 4))  # Monday


def test_weekends_are_not_business_days_but_are_open_for_weekend_hours():
    saturday = date(2026, 11, 28)
    assert not PLAIN.is_business_day(saturday)
    assert not PLAIN.is_business_day(saturday + timedelta(days=1))
    assert PLAIN.is_open_day(saturday)


def test_an_ordinary_weekday_is_a_business_day():
    assert is_standard_business_day(date(2026, 11, 24))


def test_office_closure_closes_a_business_day():
    calendar = OfficeCalendar.from_dates(closed=[date(2026, 11, 24)])
    assert not calendar.is_business_day(date(2026, 11, 24))
    assert not calendar.is_open_day(date(2026, 11, 24))


def test_extra_opening_opens_a_closed_day():
    calendar = OfficeCalendar.from_dates(extra_openings=[date(2026, 11, 23), date(2026, 11, 28)])
    assert calendar.is_business_day(date(2026, 11, 23))  # a national holiday
    assert calendar.is_business_day(date(2026, 11, 28))  # a Saturday


def test_business_day_add_skips_weekend_and_holiday_both_ways():
    friday, tuesday = date(2026, 11, 20), date(2026, 11, 24)
    assert PLAIN.business_day_add(friday, 1) == tuesday  # Sat, Sun, Mon 23 (holiday) skipped
    assert PLAIN.business_day_add(tuesday, -1) == friday
    assert PLAIN.business_day_add(tuesday, 0) == tuesday


def test_business_day_add_crosses_the_year_end():
    assert PLAIN.business_day_add(date(2026, 12, 28), 1) == date(2027, 1, 4)
    assert PLAIN.business_day_add(date(2027, 1, 4), -1) == date(2026, 12, 28)


def test_kawagoe_booking_on_sunday_22_november_is_for_thursday_26_at_the_earliest():
    sunday = jst(2026, 11, 22, 10, 0)
    assert earliest_bookable_day(sunday, KAWAGOE, PLAIN) == date(2026, 11, 26)


def test_kawagoe_wednesday_25_closed_at_the_end_of_friday_20():
    deadline = booking_deadline(date(2026, 11, 25), KAWAGOE, PLAIN)
    assert deadline == jst(2026, 11, 21, 0, 0)


def test_kawagoe_deadline_is_inclusive_to_the_last_minute_of_the_day():
    thursday = date(2026, 11, 26)
    assert earliest_bookable_day(jst(2026, 11, 24, 23, 59, 59), KAWAGOE, PLAIN) == thursday
    assert earliest_bookable_day(jst(2026, 11, 25, 0, 0), KAWAGOE, PLAIN) == date(2026, 11, 27)


def test_an_office_closure_pushes_the_business_day_lead_time_back():
    calendar = OfficeCalendar.from_dates(closed=[date(2026, 11, 24)])
    # Thursday 26 now needs its booking by Friday 20 (24 and 23 are not business days).
    assert booking_deadline(date(2026, 11, 26), KAWAGOE, calendar) == jst(2026, 11, 21)
    assert earliest_bookable_day(jst(2026, 11, 22, 10), KAWAGOE, calendar) == date(2026, 11, 27)


def test_previous_day_rule_allows_monday_from_sunday_but_not_on_the_day():
    assert earliest_bookable_day(jst(2026, 11, 29, 20, 0), PREVIOUS_DAY, PLAIN) == date(
        2026, 11, 30
    )
    assert earliest_bookable_day(jst(2026, 11, 30, 8, 0), PREVIOUS_DAY, PLAIN) == date(2026, 12, 1)


def test_previous_day_rule_skips_closed_days_for_the_session_day():
    # Booking on Friday 20 evening: Sat 21/Sun 22 are open days for weekend services,
    # Monday 23 is a holiday.
    assert earliest_bookable_day(jst(2026, 11, 20, 18), PREVIOUS_DAY, PLAIN) == date(2026, 11, 21)


def test_cut_off_time_moves_the_deadline_into_the_day():
    at_five = rules(1, LeadTimeUnit.CALENDAR_DAYS, time(17, 0))
    tuesday = date(2026, 11, 24)
    assert booking_deadline(tuesday, at_five, PLAIN) == jst(2026, 11, 23, 17, 1)
    assert earliest_bookable_day(jst(2026, 11, 23, 17, 0), at_five, PLAIN) == tuesday
    assert earliest_bookable_day(jst(2026, 11, 23, 17, 1), at_five, PLAIN) == date(2026, 11, 25)


def test_same_day_rule_allows_today():
    same_day = rules(0, LeadTimeUnit.CALENDAR_DAYS)
    assert earliest_bookable_day(jst(2026, 11, 24, 9, 0), same_day, PLAIN) == date(2026, 11, 24)


def test_earliest_day_is_computed_in_japan_time_from_a_utc_moment():
    # 2026-11-24 15:30 UTC is already Wednesday 25 00:30 in Japan.
    from datetime import UTC

    moment = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)
    assert earliest_bookable_day(moment, PREVIOUS_DAY, PLAIN) == date(2026, 11, 26)


def test_business_days_lists_only_business_days():
    days = PLAIN.business_days(date(2026, 11, 20), date(2026, 11, 27))
    assert days == [date(2026, 11, d) for d in (20, 24, 25, 26, 27)]
