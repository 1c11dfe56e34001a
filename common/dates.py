"""
Bounds on the dates and times a request may carry. Python's dates end at year 9999 and
begin at year 1, so a day near either end overflows as soon as code adds a margin or
converts it to UTC; no booking, schedule or slot list of this service is ever that far.
A value outside 2000-01-01..2100-12-31 is refused at the edge (a 4xx), never computed.
"""

from datetime import UTC, date, datetime

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def day_in_bounds(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def moment_in_bounds(moment: datetime) -> bool:
    """An aware moment whose day, in UTC, is within the bounds (False when it overflows)."""
    try:
        return day_in_bounds(moment.astimezone(UTC).date())
    except (OverflowError, ValueError):
        return False


def parse_day(value: object) -> date | None:
    """`YYYY-MM-DD` within the bounds, else None."""
    try:
        day = date.fromisoformat(str(value or ""))
    except ValueError:
        return None
    return day if day_in_bounds(day) else None


def parse_moment(value: object) -> datetime | None:
    """An ISO 8601 moment with its offset, within the bounds, else None."""
    try:
        moment = datetime.fromisoformat(str(value or ""))
        if moment.tzinfo is None or moment.utcoffset() is None:
            return None
    except ValueError:
        return None
    return moment if moment_in_bounds(moment) else None
