"""
The minutes an office offered and how far ahead people booked, computed in Python from
the office's hours, calendar and counselors (a few rows each), never from bookings. Pure:
no queries.

Offered minutes follow the office calendar's rules (`offices/business_days.py`, as
availability does): a day offers
sessions when it is open (not a holiday, the year end or a closure, or it is an extra
opening), within the union of the hours of the office's active services for that weekday
(plus any extra opening's window), for every active counselor not absent that day.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import lru_cache

from offices.business_days import OfficeCalendar, calendar_from_closures, day_windows
from reports.periods import Period

Window = tuple[int, int]  # minutes from midnight: [start, end)


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def merge_windows(windows: Iterable[Window]) -> list[Window]:
    merged: list[list[int]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def hour_overlaps(start: int, end: int):
    """(hour, minutes of [start, end) within that hour), for a span within one day."""
    hour = start // 60
    while hour * 60 < end:
        overlap = min(end, (hour + 1) * 60) - max(start, hour * 60)
        if overlap > 0:
            yield hour, overlap
        hour += 1


@dataclass
class OfficeCapacity:
    """What one office's rows say about its capacity, read once per page."""

    calendar: OfficeCalendar = field(default_factory=OfficeCalendar)
    extra_windows: dict[date, list[Window]] = field(default_factory=dict)
    weekly: dict[int, list[Window]] = field(default_factory=dict)  # weekday -> merged windows
    counselors: dict[int, set[date]] = field(default_factory=dict)  # active id -> absent days

    @classmethod
    def build(cls, *, closures, hours, absences) -> "OfficeCapacity":
        """
        closures: (date, kind, start, end); hours: (weekday, start, end) of active services;
        absences: (counselor id, first day or None, last day or None) of active counselors.
        """
        calendar, extra_times = calendar_from_closures(closures)
        weekly: dict[int, list[Window]] = {}
        for weekday, start, end in hours:
            weekly.setdefault(weekday, []).append((_minutes(start), _minutes(end)))
        counselors: dict[int, set[date]] = {}
        for counselor_id, first, last in absences:
            days = counselors.setdefault(counselor_id, set())
            while first is not None and first <= last:
                days.add(first)
                first += timedelta(days=1)
        return cls(
            calendar=calendar,
            extra_windows={
                day: [(_minutes(start), _minutes(end)) for start, end in windows]
                for day, windows in extra_times.items()
            },
            weekly={day: merge_windows(windows) for day, windows in weekly.items()},
            counselors=counselors,
        )

    def windows(self, day: date) -> list[Window]:
        """The day's windows, merged (the office calendar's rule, `day_windows`)."""
        return merge_windows(day_windows(self.calendar, self.extra_windows, self.weekly, day))

    def offered(self, period: Period) -> tuple[Counter, Counter]:
        """
        Minutes offered in the period: per counselor, and per (ISO weekday, hour). A day
        the office's calendar does not name (most of them) offers its weekday's hours when
        the country's calendar says it is open, so the hours are split once per weekday;
        closures and extra openings go through the calendar's rule day by day.
        """
        absent_count = Counter(day for days in self.counselors.values() for day in days)
        everyone = len(self.counselors)
        special = self.calendar.closed | self.calendar.extra_openings | self.extra_windows.keys()
        weekly_minutes = {wd: sum(end - start for start, end in w) for wd, w in self.weekly.items()}
        per_hour: Counter = Counter()
        present_by_weekday: Counter = Counter()
        day_minutes: dict[date, int] = {}
        for day, is_open in zip(
            period.each_day(), _open_days(period.first, period.last), strict=True
        ):
            present = everyone - absent_count.get(day, 0)
            if not present:
                continue
            if day in special:
                windows = self.windows(day)
                if windows:
                    day_minutes[day] = sum(end - start for start, end in windows)
                    for start, end in windows:
                        for hour, overlap in hour_overlaps(start, end):
                            per_hour[day.isoweekday(), hour] += overlap * present
            elif is_open and weekly_minutes.get(day.weekday()):
                day_minutes[day] = weekly_minutes[day.weekday()]
                present_by_weekday[day.weekday()] += present
        for weekday, present in present_by_weekday.items():
            for start, end in self.weekly[weekday]:
                for hour, overlap in hour_overlaps(start, end):
                    per_hour[weekday + 1, hour] += overlap * present
        total = sum(day_minutes.values())
        per_counselor = Counter(
            {
                pk: total - sum(day_minutes.get(day, 0) for day in absent)
                for pk, absent in self.counselors.items()
            }
        )
        return per_counselor, per_hour


@lru_cache(maxsize=32)
def _open_days(first: date, last: date) -> tuple[bool, ...]:
    """Whether each day from first to last is open by the country's calendar alone (not a
    holiday or in the year end): read once for every office shown."""
    calendar = OfficeCalendar()
    return tuple(
        calendar.is_open_day(first + timedelta(days=n)) for n in range((last - first).days + 1)
    )


class BusinessDayCount:
    """Business days between two dates within [first, last], from one running count."""

    def __init__(self, calendar: OfficeCalendar, first: date, last: date, flags=None):
        self.first = first
        self.calendar = calendar
        self.counts: list[int] = []
        running = 0
        if flags is None:
            flags = _flags(calendar, first, last)
        for flag in flags:
            running += flag
            self.counts.append(running)

    @classmethod
    def for_offices(cls, calendars: dict, first: date, last: date) -> dict:
        """One per office (`calendars`: office -> OfficeCalendar); the national calendar is
        read once, then each office's closures and extra openings applied to it."""
        standard = _flags(OfficeCalendar(), first, last)  # the country's calendar, once
        found = {}
        for key, calendar in calendars.items():
            flags = standard
            if calendar.closed or calendar.extra_openings:
                flags = list(standard)
                for day in calendar.closed | calendar.extra_openings:
                    if first <= day <= last:
                        flags[(day - first).days] = calendar.is_business_day(day)
            found[key] = cls(calendar, first, last, flags)
        return found

    def ahead(self, made: date, day: date) -> int:
        """Business days after `made` up to and including `day` (0: booked the same day)."""
        if day <= made:
            return 0
        return self.counts[(day - self.first).days] - self.counts[(made - self.first).days]


def _flags(calendar: OfficeCalendar, first: date, last: date) -> list[bool]:
    return [
        calendar.is_business_day(first + timedelta(days=n)) for n in range((last - first).days + 1)
    ]
