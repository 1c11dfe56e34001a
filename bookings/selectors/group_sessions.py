"""Reads of group sessions (`bookings.group_sessions`): seats taken and left, upcoming."""

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from bookings.models import TIME_HOLDING_STATUSES, Booking, BookingStatus, GroupSession
from bookings.models import GroupSessionStatus as Status
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


def group_sessions_upcoming(*, service: Service, now: datetime) -> QuerySet[GroupSession]:
    """The service's scheduled sessions still to start, each with `taken` (its seats held)
    and `left`; one query."""
    return (
        GroupSession.objects.filter(service=service, status=Status.SCHEDULED, start__gt=now)
        .select_related("counselor")
        .annotate(taken=Count("seats", filter=_holding(now, "seats__")))
        .order_by("start")
    )
