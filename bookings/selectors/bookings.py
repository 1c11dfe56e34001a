"""
Reads of one booking: by its secret link, until when it may be cancelled online, its
meeting.
"""

from datetime import datetime, timedelta

from bookings.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingLink,
)
from bookings.tokens import token_hash
from common.clock import JST
from conferencing.models import OnlineMeeting
from offices.rules import rules_for_service


def booking_get_by_token(*, token: str, purpose: str) -> Booking | None:
    """The booking an open link of this purpose leads to, or None (unknown or ended)."""
    if not token or len(token) > 100:
        return None
    link = (
        BookingLink.objects.select_related(
            "booking__office", "booking__service", "booking__counselor"
        )
        .filter(token_hash=token_hash(token), purpose=purpose, ended_at__isnull=True)
        .first()
    )
    return link.booking if link else None


def cancellation_deadline(booking: Booking) -> datetime | None:
    """Until when the person may cancel online; None when only by phone."""
    rules = rules_for_service(booking.service, booking.office)
    if not rules.online_cancel_allowed:
        return None
    if rules.online_cancel_days_before == 0:
        return booking.start
    day = booking.start.astimezone(JST).date() - timedelta(days=rules.online_cancel_days_before)
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=JST)


def booking_can_cancel_online(booking: Booking, now: datetime) -> bool:
    deadline = cancellation_deadline(booking)
    return booking.is_active and deadline is not None and now < deadline


def meeting_for(booking: Booking) -> OnlineMeeting | None:
    return OnlineMeeting.objects.filter(booking_uuid=booking.uuid).first()


def upcoming_count_for_email(*, office, email: str, now) -> int:
    """Active bookings at the office not yet over, made with this email address."""
    return Booking.objects.filter(
        office=office, email__iexact=email, status__in=ACTIVE_STATUSES, end__gt=now
    ).count()


def session_before_next_business_day(booking: Booking, now: datetime) -> bool:
    """Whether the session is no later than the office's next business day after `now`."""
    from offices.selectors import office_calendar

    today = now.astimezone(JST).date()
    calendar = office_calendar(office=booking.office, start=today, end=today + timedelta(days=14))
    return booking.start.astimezone(JST).date() <= calendar.business_day_add(today, 1)
