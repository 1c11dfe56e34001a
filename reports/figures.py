"""
What the dashboard and the monthly report count, as plain values: additive counts per
period (so the figures of several offices are their sum) and the rates computed from them.
No queries here; `reports.selectors` fills these in.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from bookings.models import BookingChannel, BookingStatus
from offices.models import Office, Service
from reports.periods import Period


class Outcome(models.TextChoices):
    """What became of a booking. Every booking has exactly one."""

    HELD = "held", _("Sessions held")
    SWITCHED_TO_PHONE = "switched_to_phone", _("Switched to phone")
    NO_SHOW = "no_show", _("No-shows")
    CANCELLED_BY_PERSON = "cancelled_by_person", _("Cancelled by the person")
    CANCELLED_BY_OFFICE = "cancelled_by_office", _("Cancelled by the office")
    DECLINED = "declined", _("Requests declined")
    EXPIRED = "expired", _("Email checks lapsed")
    SCHEDULED = "scheduled", _("Still to come or open")


# Sessions that were due to take place: the no-show rate's denominator.
DUE_OUTCOMES = (Outcome.HELD, Outcome.SWITCHED_TO_PHONE, Outcome.NO_SHOW)
DUE_STATUSES = (
    BookingStatus.COMPLETED,
    BookingStatus.IN_PROGRESS,
    BookingStatus.SWITCHED_TO_PHONE,
    BookingStatus.NO_SHOW,
)
CHANNELS = list(BookingChannel)

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
    last_moment: int = 0
    barred: int = 0
    lifted: int = 0

    @property
    def total(self) -> int:
        return sum(self.bookings.values())

    def outcome(self, outcome: str, service_id: int | None = None) -> int:
        return sum(
            n
            for (service, _channel, found), n in self.bookings.items()
            if found == outcome and (service_id is None or service == service_id)
        )

    def service_total(self, service_id: int) -> int:
        return sum(n for (service, _c, _o), n in self.bookings.items() if service == service_id)

    def channel(self, channel: str) -> int:
        """Bookings made through a channel (lapsed email checks never became bookings)."""
        return sum(
            n
            for (_s, found, outcome), n in self.bookings.items()
            if found == channel and outcome != Outcome.EXPIRED
        )

    @property
    def channel_total(self) -> int:
        return sum(n for (_s, _c, found), n in self.bookings.items() if found != Outcome.EXPIRED)

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
    # month -> (channel, status) -> bookings, for the figures over time
    months: dict[date, Counter] = field(default_factory=dict)
    barred_now: int = 0

    def month_channel(self, month: date, channel: str) -> int:
        return sum(
            n
            for (found, status), n in self.months.get(month, Counter()).items()
            if found == channel and status != BookingStatus.EXPIRED
        )

    def month_bookings(self, month: date) -> int:
        return sum(
            n
            for (_c, status), n in self.months.get(month, Counter()).items()
            if status != BookingStatus.EXPIRED
        )

    def month_status(self, month: date, statuses) -> int:
        return sum(
            n for (_c, found), n in self.months.get(month, Counter()).items() if found in statuses
        )

    def month_no_show_rate(self, month: date) -> float | None:
        no_shows = self.month_status(month, [BookingStatus.NO_SHOW])
        return share(no_shows, self.month_status(month, DUE_STATUSES))


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
    # Device-check problems by kind, once something records them (see
    # `reports.selectors.device_check_problems`); None: no data, the figure is left out.
    device_checks: list[tuple[str, int]] | None = None

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
