"""
What booking reads of a day before the office's lock (`booking_create`): the day's
bookings of the counselors present in one query, and the person's previous counselor.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from bookings.models import TIME_HOLDING_STATUSES, Applicant, Booking, BookingStatus
from common.clock import JST

# A hold that lapses unless confirmed (as `services.holds.UNCONFIRMED`).
UNCONFIRMED = (BookingStatus.PENDING_VERIFICATION, BookingStatus.REQUESTED)


def previous_counselor(applicant: Applicant) -> int | None:
    """The counselor of the person's latest booking at the office (one query)."""
    return (
        Booking.objects.filter(applicant=applicant)
        .exclude(status__in=[BookingStatus.EXPIRED])
        .order_by("-start")
        .values_list("counselor_id", flat=True)
        .first()
    )


@dataclass(frozen=True)
class DayLoad:
    """What `counselor_day_load` read of the day, before the office's lock."""

    counts: dict[int, int]  # bookings per counselor present that day
    holding: set[int]  # counselors holding [start, end) with a booking that has not lapsed
    lapsed: bool  # a hold over [start, end) whose email check window passed (to expire)


def counselor_day_load(
    present_ids: tuple[int, ...], start: datetime, end: datetime, now: datetime
) -> DayLoad:
    """
    One query, before the office's lock: how many bookings each counselor present has
    that day, which of them already hold a booking over [start, end) that has not lapsed,
    and whether a lapsed hold is there to expire. A time all of them hold is taken (only a
    cancellation could free it in between); one found free is checked again under the
    lock. `now` is the request's one moment: a hold lapsed at it stays lapsed. (Nothing
    about the person: what an address holds is `services.person_guard`'s, issue 23.)
    """
    day_start = datetime.combine(start.astimezone(JST).date(), datetime.min.time(), tzinfo=JST)
    # The day's rows (a few per counselor), counted here: the same query grouped and
    # counted by PostgreSQL, with three filtered aggregates, cost more of this process's
    # CPU to build than counting the rows does (issue 28, a profile of 200 bookings).
    rows = Booking.objects.filter(
        counselor_id__in=present_ids,
        status__in=TIME_HOLDING_STATUSES,
        start__gte=day_start,
        start__lt=day_start + timedelta(days=1),
    ).values_list("counselor_id", "start", "end", "status", "verification_expires_at")
    counts: dict[int, int] = {}
    holding: set[int] = set()
    any_lapsed = False
    for counselor_id, row_start, row_end, status, expires in rows:
        counts[counselor_id] = counts.get(counselor_id, 0) + 1
        if row_start < end and row_end > start:
            if status in UNCONFIRMED and expires is not None and expires <= now:
                any_lapsed = True
            else:
                holding.add(counselor_id)
    return DayLoad(counts, holding, any_lapsed)
