"""Reads of group sessions (`bookings.group_sessions`): seats taken and left, upcoming."""

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from bookings.models import (
    SEAT_COUNTED,
    TIME_HOLDING_STATUSES,
    Booking,
    BookingStatus,
    GroupSession,
)
from bookings.models import GroupSessionStatus as Status
from bookings.selectors.identity import address_shown
from offices.models import Service

UNCONFIRMED = (BookingStatus.PENDING_VERIFICATION, BookingStatus.REQUESTED)


def _holding(now: datetime, prefix: str = "") -> Q:
    """Seats that hold their place at `now`: a hold whose email check lapsed does not."""
    p = prefix
    lapsed = Q(**{f"{p}status__in": UNCONFIRMED, f"{p}verification_expires_at__lte": now})
    return Q(**{f"{p}status__in": TIME_HOLDING_STATUSES}) & ~lapsed


def seats_taken(session: GroupSession, *, now: datetime) -> int:
    """How many seats of the session are held (one query)."""
    return Booking.objects.filter(_holding(now), group_session=session).count()


def seat_held(
    *, session_id: int, applicant_id: int, email: str = "", exclude_pk: int | None = None
) -> bool:
    """Whether the person already holds a seat of the session that the one-seat rule counts
    (`models.SEAT_COUNTED`: a public request still waiting for its email link does not): on
    their record, or (`email`) booked with the address where it was shown to be theirs
    (`selectors.identity.address_shown`). One query; the caller holds the session's lock."""
    whose = Q(applicant_id=applicant_id)
    if email:
        whose |= Q(email__iexact=email) & address_shown()
    seats = Booking.objects.filter(SEAT_COUNTED, whose, group_session_id=session_id)
    return seats.exclude(pk=exclude_pk).exists() if exclude_pk else seats.exists()


def group_sessions_upcoming(*, service: Service, now: datetime) -> QuerySet[GroupSession]:
    """The service's scheduled sessions still to start, each with `taken` (its seats held)
    and `left`; one query."""
    return (
        GroupSession.objects.filter(service=service, status=Status.SCHEDULED, start__gt=now)
        .select_related("counselor")
        .annotate(taken=Count("seats", filter=_holding(now, "seats__")))
        .order_by("start")
    )
