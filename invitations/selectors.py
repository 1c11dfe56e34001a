"""Reads of invitations: by a link's token, its state, the free times in its window, and the
people invited who have not booked."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import QuerySet

from bookings.selectors.availability_cache import slot_list_cached
from bookings.tokens import token_hash
from common.clock import JST
from invitations.models import Invitation, InvitationLink

OPEN, EXPIRED, USED_UP, WITHDRAWN, NOT_OFFERED = (
    "open", "expired", "used_up", "withdrawn", "not_offered",
)  # fmt: skip
# The longest window shown on one page of the person's time step.
DAYS_PER_PAGE = 14


def invitation_get_by_token(*, token: str) -> Invitation | None:
    """The invitation a link opens, or None (an unknown token tells nothing more)."""
    if not token or len(token) > 100:
        return None
    link = (
        InvitationLink.objects.select_related(
            "invitation__office", "invitation__service", "invitation__applicant"
        )
        .filter(token_hash=token_hash(token))
        .first()
    )
    return link.invitation if link else None


def invitation_state(invitation: Invitation, now: datetime) -> str:
    """What the person's link can do now: book (`OPEN`) or why not."""
    if invitation.withdrawn_at is not None:
        return WITHDRAWN
    if invitation.uses >= invitation.max_uses:
        return USED_UP
    if now >= invitation.expires_at or now.astimezone(JST).date() > invitation.last_day:
        return EXPIRED
    service = invitation.service
    if not (service.is_active and service.accepts_invitations and invitation.office.is_published):
        return NOT_OFFERED
    return OPEN


def invitation_window(invitation: Invitation, now: datetime) -> tuple[date, date]:
    """The days the person may still book: from today (or the window's first day) on."""
    today = now.astimezone(JST).date()
    return max(invitation.first_day, today), invitation.last_day


@dataclass(frozen=True)
class InvitationSlot:
    start: datetime
    end: datetime


def invitation_slots(
    invitation: Invitation, *, first_day: date, now: datetime
) -> list[InvitationSlot]:
    """The free times of the invitation's service from `first_day`, for one page of days,
    never outside its window (the public form's cached reading)."""
    start, last = invitation_window(invitation, now)
    first_day = max(first_day, start)
    last_day = min(last, first_day + timedelta(days=DAYS_PER_PAGE - 1))
    if last_day < first_day:
        return []
    slots = slot_list_cached(
        service=invitation.service, first_day=first_day, last_day=last_day, now=now
    )
    return [InvitationSlot(s.start, s.end) for s in slots]


def invitations_not_booked(*, office_id: int, now: datetime) -> QuerySet[Invitation]:
    """Invitations of the office nobody has booked with, not withdrawn: still open or
    expired in the last 30 days, so a counselor can phone the person."""
    return (
        Invitation.objects.filter(
            office_id=office_id,
            uses=0,
            withdrawn_at__isnull=True,
            expires_at__gt=now - timedelta(days=30),
        )
        .select_related("applicant", "service", "invited_by")
        .order_by("expires_at")
    )
