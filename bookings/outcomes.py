"""
What became of a booking, as the figures (実績) count it: exactly one `Outcome` per booking,
kept on the booking (`Booking.outcome`) and set by the one transition
(`services.transitions.booking_transition`) from the change it records. The last
meaningful change decides, not the status alone:

- a session switched to phone stays a phone session when the counselor then completes it
  (終了), and one whose completion is undone back to the phone is one again;
- a cancellation is the person's when they cancelled online or a counselor cancelled at
  their request (`Reason.CANCELLED_ON_REQUEST`), the office's when the office closed that
  day, a declined request when a counselor refused a request, the office's otherwise.

The statuses' groups come from `bookings.state`; this module only names the outcomes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bookings.state import HELD_STATUSES, UPCOMING_STATUSES, Actor, BookingStatus, Reason


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
# Gave the counselor's time back (every other outcome kept it).
RELEASED_OUTCOMES = (
    Outcome.CANCELLED_BY_PERSON,
    Outcome.CANCELLED_BY_OFFICE,
    Outcome.DECLINED,
    Outcome.EXPIRED,
)
PERSON_REASONS = (Reason.CANCELLED_ONLINE, Reason.CANCELLED_ON_REQUEST)


def outcome_after(*, from_status: str, to_status: str, actor_label: str, reason_code: str) -> str:
    """
    The booking's outcome once it changed from `from_status` to `to_status` by
    `actor_label` for `reason_code`. Raises ValueError for a status no group of
    `bookings.state` places (a new status must be given its outcome).
    """
    S = BookingStatus
    if to_status in UPCOMING_STATUSES:
        return Outcome.SCHEDULED
    if to_status == S.SWITCHED_TO_PHONE or (
        to_status == S.COMPLETED and from_status == S.SWITCHED_TO_PHONE
    ):
        return Outcome.SWITCHED_TO_PHONE
    if to_status in HELD_STATUSES:
        return Outcome.HELD
    if to_status == S.NO_SHOW:
        return Outcome.NO_SHOW
    if to_status == S.EXPIRED:
        return Outcome.EXPIRED
    if to_status == S.CANCELLED:
        if actor_label == Actor.APPLICANT or reason_code in PERSON_REASONS:
            return Outcome.CANCELLED_BY_PERSON
        if reason_code == Reason.CANCELLED_FOR_CLOSURE:
            return Outcome.CANCELLED_BY_OFFICE
        if from_status == S.REQUESTED:
            return Outcome.DECLINED
        return Outcome.CANCELLED_BY_OFFICE
    raise ValueError(f"status {to_status!r} has no outcome: place it in bookings.state's groups")
