"""
One start of a service, the free times near it, and which counselor takes it: the reads
that booking, moving a booking and a counselor's proposal share (services.create,
services.reschedule, services.staff).

Counselor choice: the person's previous counselor at the office when free (continuity of
counseling), else the counselor with the fewest bookings that day, then the lowest id (so
the choice is the same on every retry).
"""

from datetime import datetime, timedelta

from django.db.models import Count

from bookings.exceptions import Alternative
from bookings.models import TIME_HOLDING_STATUSES, Applicant, Booking, BookingStatus
from bookings.selectors.availability import Slot, counselors_busy, slot_list_available
from common.clock import JST
from offices.models import Service

# How many free times a refusal offers instead.
ALTERNATIVES = 6
# How far after the asked day they are looked for.
ALTERNATIVES_DAYS = 14


def slot_at(
    *, service: Service, start: datetime, now: datetime, ignore_bookings: bool = False
) -> Slot | None:
    """The offered start `start` of `service` with its free counselors, or None when it is not
    offered (passed, closed, past its deadline, beyond the horizon, or taken). With
    `ignore_bookings`, whether the service offers the start at all, with who is present."""
    day = start.astimezone(JST).date()
    return next(
        (
            slot
            for slot in slot_list_available(
                service=service,
                first_day=day,
                last_day=day,
                now=now,
                ignore_bookings=ignore_bookings,
            )
            if slot.start == start
        ),
        None,
    )


def slot_lengthened(
    slot: Slot | None, extra_minutes: int, *, now: datetime, exclude_booking_id: int | None = None
) -> Slot | None:
    """`slot` with the minutes "more time" adds (offices.accommodation) and only the
    counselors free over them too (one query), or None when nobody is: where a booking
    with more time moves. `slot` itself when no minutes are added."""
    if slot is None or not extra_minutes:
        return slot
    end = slot.end + timedelta(minutes=extra_minutes)
    busy = counselors_busy(
        counselor_ids=slot.counselor_ids, start=slot.end, end=end, now=now,
        exclude_booking_id=exclude_booking_id,
    )  # fmt: skip
    free = tuple(cid for cid in slot.counselor_ids if cid not in busy)
    return Slot(start=slot.start, end=end, counselor_ids=free) if free else None


def slots_near(*, service: Service, start: datetime, now: datetime) -> list[Alternative]:
    """The free times closest to `start` (from its day on), in time order: what a refusal
    offers instead."""
    day = start.astimezone(JST).date()
    slots = slot_list_available(
        service=service, first_day=day, last_day=day + timedelta(days=ALTERNATIVES_DAYS), now=now
    )
    slots.sort(key=lambda slot: abs((slot.start - start).total_seconds()))
    nearest = sorted(slots[:ALTERNATIVES], key=lambda slot: slot.start)
    return [Alternative(start=s.start, end=s.end, free=s.free) for s in nearest]


def counselor_preference(
    applicant: Applicant, present_ids: tuple[int, ...], start: datetime
) -> tuple[int | None, dict[int, int]]:
    """The person's previous counselor at the office, and how many bookings each counselor
    present has that day: read before the office's lock (two queries)."""
    previous = (
        Booking.objects.filter(applicant=applicant)
        .exclude(status__in=[BookingStatus.EXPIRED])
        .order_by("-start")
        .values_list("counselor_id", flat=True)
        .first()
    )
    day_start = datetime.combine(start.astimezone(JST).date(), datetime.min.time(), tzinfo=JST)
    counts = dict(
        Booking.objects.filter(
            counselor_id__in=present_ids,
            status__in=TIME_HOLDING_STATUSES,
            start__gte=day_start,
            start__lt=day_start + timedelta(days=1),
        )
        .values("counselor_id")
        .annotate(n=Count("pk"))
        .values_list("counselor_id", "n")
    )
    return previous, counts


def counselor_choose(
    free_ids: tuple[int, ...], previous: int | None, counts: dict[int, int]
) -> int:
    """The person's previous counselor at the office when free, else the least busy that day."""
    if previous in free_ids:
        return previous
    return min(free_ids, key=lambda cid: (counts.get(cid, 0), cid))


def counselor_for_slot(applicant: Applicant, slot: Slot) -> int:
    """`counselor_choose` over the slot's free counselors, reading the preference now."""
    previous, counts = counselor_preference(applicant, slot.counselor_ids, slot.start)
    return counselor_choose(slot.counselor_ids, previous, counts)
