"""
Suspicious bursts: many public bookings from one network (IPv4 /24, IPv6 /48, kept as a
keyed hash by the records of use) at one office within a day, whatever the browser string
(which costs an attacker nothing to vary). Counselors see them on the admin's "suspicious
bursts" page with each booking's state, and decline the undecided ones in one action
(`bookings.services.bursts.burst_decline`).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min

from bookings.models import AccessRecord, Booking, BookingStatus
from offices.models import Office

BURST_HOURS = 24
BURST_MIN_BOOKINGS = 3


@dataclass
class Burst:
    network: str
    device_types: int
    count: int
    first: datetime
    last: datetime
    bookings: list[Booking] = field(default_factory=list)

    @property
    def undecided(self) -> list[Booking]:
        undecided = (BookingStatus.PENDING_VERIFICATION, BookingStatus.REQUESTED)
        return [b for b in self.bookings if b.status in undecided]


def booking_bursts(
    *,
    office: Office,
    now: datetime,
    hours: int = BURST_HOURS,
    at_least: int = BURST_MIN_BOOKINGS,
    network: str | None = None,
) -> list[Burst]:
    """Networks with `at_least` public bookings at the office in the last `hours` (only
    `network` when given); 2 queries."""
    since = now - timedelta(hours=hours)
    booked = AccessRecord.objects.filter(
        office=office, kind=AccessRecord.Kind.BOOKED, at__gte=since
    ).exclude(network="")
    if network is not None:
        booked = booked.filter(network=network)
    rows = list(
        booked.values("network")
        .annotate(
            n=Count("pk"), first=Min("at"), last=Max("at"),
            kinds=Count("device", distinct=True),
        )
        .filter(n__gte=at_least)
        .order_by("-n", "-last")
    )  # fmt: skip
    bursts = {
        row["network"]: Burst(row["network"], row["kinds"], row["n"], row["first"], row["last"])
        for row in rows
    }
    records = (
        booked.filter(network__in=list(bursts))
        .select_related("booking", "booking__service")
        .order_by("at")
    )
    for record in records:
        bursts[record.network].bookings.append(record.booking)
    return list(bursts.values())
