"""
Suspicious bursts: many public bookings from one device (the keyed hash of network prefix
and browser that records of use keep) at one office within a day. Counselors see them on
the admin's "suspicious bursts" page with each booking's state, to decline what is not real.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min

from bookings.models import AccessRecord, Booking
from offices.models import Office

BURST_HOURS = 24
BURST_MIN_BOOKINGS = 3


@dataclass
class Burst:
    device: str
    device_type: str
    count: int
    first: datetime
    last: datetime
    bookings: list[Booking] = field(default_factory=list)


def booking_bursts(
    *, office: Office, now: datetime, hours: int = BURST_HOURS, at_least: int = BURST_MIN_BOOKINGS
) -> list[Burst]:
    """Devices with `at_least` public bookings at the office in the last `hours`; 2 queries."""
    since = now - timedelta(hours=hours)
    booked = AccessRecord.objects.filter(
        office=office, kind=AccessRecord.Kind.BOOKED, at__gte=since
    )
    rows = list(
        booked.values("device")
        .annotate(n=Count("pk"), first=Min("at"), last=Max("at"), kind=Max("device_type"))
        .filter(n__gte=at_least)
        .order_by("-n", "-last")
    )
    bursts = {
        row["device"]: Burst(row["device"], row["kind"], row["n"], row["first"], row["last"])
        for row in rows
    }
    records = (
        booked.filter(device__in=list(bursts))
        .select_related("booking", "booking__service")
        .order_by("at")
    )
    for record in records:
        bursts[record.device].bookings.append(record.booking)
    return list(bursts.values())
