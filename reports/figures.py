"""
What the dashboard and the monthly report count, as plain values: additive counts per
period (so the figures of several offices are their sum) and the rates computed from them.
No queries here; `reports.selectors` fills these in.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from bookings.models import BookingChannel
from bookings.outcomes import DUE_OUTCOMES, Outcome
from offices.models import Office, Service
from reports.device_checks import DeviceChecks
from reports.periods import Period

CHANNELS = list(BookingChannel)
# The outcomes of bookings made, added up in every total; lapsed email checks are shown
# beside the total, never in it (one total per page: bookings made).
MADE_OUTCOMES = [outcome for outcome in Outcome if outcome != Outcome.EXPIRED]

# Histogram of business days ahead: (first, last) with None = and more.
LEAD_BUCKETS: list[tuple[int, int | None]] = [
    (0, 0),
    (1, 1),
    (2, 2),
    (3, 3),
    (4, 4),
    (5, 5),
    (6, 10),
    (11, 20),
    (21, None),
]


def lead_bucket(days: int) -> int:
    """The index in LEAD_BUCKETS of a lead time in business days."""
    for index, (first, last) in enumerate(LEAD_BUCKETS):
        if days >= first and (last is None or days <= last):
            return index
    return 0  # a negative lead (booked after the start) counts as the same day


def share(part: int | float, whole: int | float) -> float | None:
    return part / whole if whole else None


@dataclass
class Counts:
    """One period's figures for one office, or for several added together."""

    # (service id, channel, outcome) -> bookings: the monthly report's table, and the
    # source of the outcome and channel figures.
    bookings: Counter = field(default_factory=Counter)
    booked_minutes: Counter = field(default_factory=Counter)  # counselor id -> minutes
    offered_minutes: Counter = field(default_factory=Counter)  # counselor id -> minutes
    heat_booked: Counter = field(default_factory=Counter)  # (ISO weekday, hour) -> minutes
    heat_offered: Counter = field(default_factory=Counter)
    lead: Counter = field(default_factory=Counter)  # LEAD_BUCKETS index -> bookings
    # Group sessions of the period (bookings.group_sessions): "sessions", seats "offered"
    # (their capacity), seats "filled" (booked and not given back), "attended" (checked
    # in), "no_show".
    seats: Counter = field(default_factory=Counter)
    last_moment: int = 0
    barred: int = 0
    lifted: int = 0

    @property
    def total(self) -> int:
        """Bookings made: the page's one total (lapsed email checks never became bookings)."""
        return sum(n for (_s, _c, found), n in self.bookings.items() if found != Outcome.EXPIRED)

    def outcome(self, outcome: str, service_id: int | None = None) -> int:
        return sum(
            n
            for (service, _channel, found), n in self.bookings.items()
            if found == outcome and (service_id is None or service == service_id)
        )

    def service_total(self, service_id: int) -> int:
        return sum(
            n
            for (service, _c, found), n in self.bookings.items()
            if service == service_id and found != Outcome.EXPIRED
        )

    def channel(self, channel: str) -> int:
        """Bookings made through a channel (lapsed email checks never became bookings)."""
        return sum(
            n
            for (_s, found, outcome), n in self.bookings.items()
            if found == channel and outcome != Outcome.EXPIRED
        )

    @property
    def due(self) -> int:
        return sum(self.outcome(outcome) for outcome in DUE_OUTCOMES)

    @property
    def no_show_rate(self) -> float | None:
        return share(self.outcome(Outcome.NO_SHOW), self.due)

    @property
    def utilisation(self) -> float | None:
        return share(sum(self.booked_minutes.values()), sum(self.offered_minutes.values()))

    @property
    def lead_total(self) -> int:
        return sum(self.lead.values())

    @property
    def last_moment_share(self) -> float | None:
        return share(self.last_moment, self.lead_total)

    def add(self, other: "Counts") -> None:
        for name in (
            "bookings",
            "booked_minutes",
            "offered_minutes",
            "heat_booked",
            "heat_offered",
            "lead",
            "seats",
        ):
            getattr(self, name).update(getattr(other, name))
        self.last_moment += other.last_moment
        self.barred += other.barred
        self.lifted += other.lifted


@dataclass
class OfficeFigures:
    """An office's figures (`office` None: every office shown, added together)."""

    office: Office | None
    current: Counts = field(default_factory=Counts)
    previous: Counts = field(default_factory=Counts)
    # month -> (channel, outcome) -> bookings, for the figures over time
    months: dict[date, Counter] = field(default_factory=dict)
    barred_now: int = 0
    device_checks: DeviceChecks = field(default_factory=DeviceChecks)  # the current period

    def month_channel(self, month: date, channel: str) -> int:
        return sum(
            n
            for (found, outcome), n in self.months.get(month, Counter()).items()
            if found == channel and outcome != Outcome.EXPIRED
        )

    def month_bookings(self, month: date) -> int:
        return sum(
            n
            for (_c, outcome), n in self.months.get(month, Counter()).items()
            if outcome != Outcome.EXPIRED
        )

    def month_outcome(self, month: date, outcomes) -> int:
        return sum(
            n for (_c, found), n in self.months.get(month, Counter()).items() if found in outcomes
        )

    def month_no_show_rate(self, month: date) -> float | None:
        no_shows = self.month_outcome(month, [Outcome.NO_SHOW])
        return share(no_shows, self.month_outcome(month, DUE_OUTCOMES))


@dataclass(frozen=True)
class CounselorRow:
    pk: int
    office_id: int
    name: str
    is_active: bool


@dataclass
class Dashboard:
    period: Period
    previous: Period
    months: list[date]
    now: datetime
    offices: list[Office]
    services: list[Service]
    counselors: list[CounselorRow]
    figures: dict[int | None, OfficeFigures]

    @property
    def total(self) -> OfficeFigures:
        return self.figures[None]


@dataclass
class MonthlyReport:
    period: Period
    now: datetime
    offices: list[Office]
    services: list[Service]
    # office id -> (service id, channel, outcome) -> bookings
    bookings: dict[int, Counter]
    device_checks: dict[int, DeviceChecks] = field(default_factory=dict)
