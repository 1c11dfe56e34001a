"""
The business-day calendar.

A day is a business day for an office unless it is a Saturday or Sunday, a Japanese
national holiday (substitute and citizens' holidays included, from the `holidays`
package), in the year-end closure (December 29 to January 3), or a closure of the office;
an extra opening makes any day a business day. Everything here is pure: an
`OfficeCalendar` is built from the office's closures once (see
`offices.selectors.office_calendar`) and then answers without queries.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from common.clock import JST
from offices.models import Closure, LeadTimeUnit
from offices.rules import BookingRules

# Far enough to cover any lead time (at most 30 business days) across the year end.
_MAX_STEPS = 400


@lru_cache(maxsize=64)
def _japan_holidays(year: int) -> holidays.HolidayBase:
    return holidays.Japan(years=year, language="ja")


def national_holiday_name(day: date) -> str | None:
    """The holiday's Japanese name (e.g. 勤労感謝の日), or None on an ordinary day."""
    return _japan_holidays(day.year).get(day)


def is_year_end_closure(day: date) -> bool:
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_standard_business_day(day: date) -> bool:
    """A business day before any office's own closures and extra openings."""
    return day.weekday() < 5 and not is_year_end_closure(day) and national_holiday_name(day) is None


@dataclass(frozen=True)
class OfficeCalendar:
    closed: frozenset[date] = field(default_factory=frozenset)
    extra_openings: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def from_dates(
        cls, *, closed: Iterable[date] = (), extra_openings: Iterable[date] = ()
    ) -> "OfficeCalendar":
        return cls(closed=frozenset(closed), extra_openings=frozenset(extra_openings))

    def is_business_day(self, day: date) -> bool:
        """Counts for lead times: a weekday the office is open, or an extra opening."""
        if day in self.extra_openings:
            return True
        if day in self.closed:
            return False
        return is_standard_business_day(day)

    def is_open_day(self, day: date) -> bool:
        """
        Sessions may take place (within a service's hours for that weekday): not a national
        holiday, the year-end closure or an office closure. Unlike `is_business_day`, a
        weekend day is open, for services that keep Saturday hours (Sasebo's evening and
        Saturday service).
        """
        if day in self.extra_openings:
            return True
        if day in self.closed or is_year_end_closure(day):
            return False
        return national_holiday_name(day) is None

    def business_day_add(self, day: date, count: int) -> date:
        """
        The business day `count` business days after `day` (before it when negative),
        not counting `day` itself; count 0 returns `day` unchanged.
        """
        step = timedelta(days=1 if count > 0 else -1)
        remaining = abs(count)
        for _ in range(_MAX_STEPS):
            if remaining == 0:
                return day
            day += step
            if self.is_business_day(day):
                remaining -= 1
        raise ValueError("no business day found within range")

    def business_days(self, start: date, end: date) -> list[date]:
        """The business days from start to end, both included."""
        days = []
        day = start
        while day <= end:
            if self.is_business_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days


def calendar_from_closures(
    rows: Iterable[tuple[date, str, time | None, time | None]],
) -> tuple[OfficeCalendar, dict[date, list[tuple[time, time]]]]:
    """From an office's closure rows (date, kind, start, end): its calendar, and the
    window(s) of each extra opening. The one reading of closures for availability and the
    figures."""
    closed, extra_dates = set(), set()
    extra_windows: dict[date, list[tuple[time, time]]] = {}
    for day, kind, start, end in rows:
        if kind == Closure.Kind.CLOSED:
            closed.add(day)
        else:
            extra_dates.add(day)
            extra_windows.setdefault(day, []).append((start, end))
    return OfficeCalendar.from_dates(closed=closed, extra_openings=extra_dates), extra_windows


def day_windows(calendar: OfficeCalendar, extra_windows: dict, weekly: dict, day: date) -> list:
    """
    The windows `day` offers (in whatever unit the windows are given: times or minutes),
    unsorted: none on a closed day; an extra opening adds its window; the weekday's regular
    hours (`weekly`: weekday -> windows) apply too unless the day is a holiday or in the
    year end, where an extra opening stands alone.
    """
    if not calendar.is_open_day(day):
        return []
    windows = list(extra_windows.get(day, []))
    regular_day = not is_year_end_closure(day) and national_holiday_name(day) is None
    if day not in calendar.extra_openings or regular_day:
        windows.extend(weekly.get(day.weekday(), []))
    return windows


def last_booking_day(session_day: date, rules: BookingRules, calendar: OfficeCalendar) -> date:
    """The last day on which a session on `session_day` may be booked under the rules'
    lead time (business or calendar days)."""
    if rules.lead_time_unit == LeadTimeUnit.BUSINESS_DAYS:
        return calendar.business_day_add(session_day, -rules.lead_time_days)
    return session_day - timedelta(days=rules.lead_time_days)


def booking_deadline(session_day: date, rules: BookingRules, calendar: OfficeCalendar) -> datetime:
    """
    The moment after which a session on `session_day` can no longer be booked: the end of
    the cut-off minute on the day `lead_time_days` business or calendar days before it.
    """
    last_day = last_booking_day(session_day, rules, calendar)
    cutoff = datetime.combine(last_day, rules.lead_time_cutoff, tzinfo=JST)
    return cutoff.replace(second=0, microsecond=0) + timedelta(minutes=1)


def request_answer_deadline(
    sent: datetime,
    business_days: int,
    calendar: OfficeCalendar,
    hours: dict[int, list[tuple[time, time]]],
) -> datetime:
    """
    When a counselor answers a request sent at `sent` by an office that gives itself
    `business_days` (Kawagoe's 「翌営業日まで」 is 1): the end of the service's hours (`hours`,
    weekday -> windows) on that business day, the end of the day where it keeps none.
    """
    day = calendar.business_day_add(sent.astimezone(JST).date(), business_days)
    windows = hours.get(day.weekday())
    end = max(window_end for _start, window_end in windows) if windows else time(23, 59)
    return datetime.combine(day, end, tzinfo=JST)


def earliest_bookable_day(now: datetime, rules: BookingRules, calendar: OfficeCalendar) -> date:
    """
    The first open day whose sessions a person may still book at `now`. (Sessions that
    day must also start after `now`, which matters only with a lead time of 0.)
    """
    day = now.astimezone(JST).date()
    for _ in range(_MAX_STEPS):
        if calendar.is_open_day(day) and now < booking_deadline(day, rules, calendar):
            return day
        day += timedelta(days=1)
    raise ValueError("no bookable day found within range")


def latest_bookable_day(now: datetime, rules: BookingRules) -> date:
    """The last day within the booking horizon, counted in calendar days from today."""
    return now.astimezone(JST).date() + timedelta(days=rules.horizon_days)
