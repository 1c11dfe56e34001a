"""
Reads of one booking: by its secret link, until when it may be cancelled online, its
meeting.
"""

from datetime import datetime, timedelta

from bookings.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingLink,
    DeviceCheck,
)
from bookings.tokens import token_hash
from common.clock import JST
from conferencing.models import OnlineMeeting
from conferencing.providers import capabilities_for
from offices.display import format_meeting_id
from offices.rules import rules_for_service
from offices.selectors import office_calendar


def booking_get_by_token(*, token: str, purpose: str) -> Booking | None:
    """The booking an open link of this purpose leads to, or None (unknown or ended)."""
    if not token or len(token) > 100:
        return None
    link = (
        BookingLink.objects.select_related(
            "booking__office", "booking__service", "booking__counselor", "booking__group_session"
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


def meeting_key(booking: Booking):
    """Whose meeting a booking joins: its own, or, for a seat, its group session's (one
    meeting for all the seats; `OnlineMeeting.booking_uuid` holds the session's UUID)."""
    return booking.group_session.uuid if booking.group_session_id else booking.uuid


def meeting_platform(booking: Booking) -> str:
    """The platform of a booking's meeting: a seat's session's own, if it names one."""
    if booking.group_session_id and booking.group_session.platform:
        return booking.group_session.platform
    return booking.office.platform


def meeting_for(booking: Booking) -> OnlineMeeting | None:
    return OnlineMeeting.objects.filter(booking_uuid=meeting_key(booking)).first()


def device_check_latest(booking: Booking) -> DeviceCheck | None:
    """The person's latest device check for this booking, if they made one."""
    return DeviceCheck.objects.filter(booking=booking).order_by("-at", "-pk").first()


def meeting_for_person(booking: Booking, meeting: OnlineMeeting | None = None) -> dict | None:
    """
    What the person may see of the booking's meeting, once it is issued: the join link,
    and the meeting ID and passcode where the office's platform lets people join with them;
    never the host link. The booking page and every email show this, and only this.
    """

    meeting = meeting if meeting is not None else meeting_for(booking)
    if meeting is None or meeting.status != OnlineMeeting.Status.ISSUED:
        return None
    by_number = capabilities_for(booking.office.platform).joins_with_number
    return {
        "join_url": meeting.join_url,
        # Grouped as Zoom prints it (`850 1234 5678`), the same in every email, page and .ics.
        "meeting_number": format_meeting_id(meeting.meeting_number) if by_number else "",
        "passcode": meeting.passcode if by_number else "",
    }


def session_before_next_business_day(booking: Booking, now: datetime) -> bool:
    """Whether the session is no later than the office's next business day after `now`."""

    today = now.astimezone(JST).date()
    calendar = office_calendar(office=booking.office, start=today, end=today + timedelta(days=14))
    return booking.start.astimezone(JST).date() <= calendar.business_day_add(today, 1)


def booking_made_here_at(
    *, booking_ids: list[int], office_slug: str, email: str, start: datetime, end: datetime
) -> Booking | None:
    """Among the bookings this browser made (`booking_ids`), an active one of this address
    overlapping [start, end) at the office: what a second press of "book" meets."""
    if not booking_ids or not email:
        return None
    return (
        Booking.objects.filter(
            pk__in=booking_ids,
            office__slug=office_slug,
            email__iexact=email,
            status__in=ACTIVE_STATUSES,
            start__lt=end,
            end__gt=start,
        )
        .order_by("start")
        .first()
    )
