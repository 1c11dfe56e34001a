"""
The period a dashboard or report covers: Japan dates, first and last day included. A
calendar month by default; any range up to a year. Every figure places a booking by its
session's start in Japan time, so a session at 2026-11-30 23:30 JST is November's.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common.clock import JST
from offices.display import MONTHS_EN, format_date

MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    is_month: bool = False

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("a period ends on or after its first day")

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = date(year, month, 1)
        return cls(first=first, last=month_after(first) - timedelta(days=1), is_month=True)

    @classmethod
    def month_of(cls, day: date) -> "Period":
        return cls.month(day.year, day.month)

    @property
    def start(self) -> datetime:
        """The first moment (midnight in Japan of the first day)."""
        return datetime.combine(self.first, time.min, tzinfo=JST)

    @property
    def end(self) -> datetime:
        """The moment after the last (midnight in Japan after the last day): exclusive."""
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=JST)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> "Period":
        """The period to compare with: the month before, or as many days just before."""
        if self.is_month:
            return Period.month_of(self.first - timedelta(days=1))
        return Period(
            first=self.first - timedelta(days=self.days), last=self.first - timedelta(days=1)
        )

    def following(self) -> "Period":
        if self.is_month:
            return Period.month_of(self.last + timedelta(days=1))
        return Period(
            first=self.last + timedelta(days=1), last=self.last + timedelta(days=self.days)
        )

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def each_day(self):
        day = self.first
        while day <= self.last:
            yield day
            day += timedelta(days=1)

    @property
    def label(self) -> str:
        if self.is_month:
            return month_label(self.first)
        return _("%(first)s to %(last)s") % {
            "first": format_date(self.first, weekday=False),
            "last": format_date(self.last, weekday=False),
        }

    @property
    def month_value(self) -> str:
        """`2026-11`, for links and the month field."""
        return f"{self.first:%Y-%m}"


def month_after(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def month_label(first: date, *, short: bool = False) -> str:
    """`2026年11月` / `Nov 2026` in the admin's language; short: `11月` / `Nov` (charts)."""
    if (get_language() or "ja").startswith("ja"):
        return f"{first.month}月" if short else f"{first.year}年{first.month}月"
    name = MONTHS_EN[first.month - 1]
    return name if short else f"{name} {first.year}"


def trend_months(period: Period) -> list[date]:
    """
    The months the over-time figures show: the twelve months up to the period's last
    month, reaching further back when the period itself starts earlier.
    """
    last = period.last.replace(day=1)
    first = last
    for _step in range(11):
        first = (first - timedelta(days=1)).replace(day=1)
    first = min(first, period.first.replace(day=1))
    months = []
    while first <= last:
        months.append(first)
        first = month_after(first)
    return months
