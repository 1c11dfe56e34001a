"""
The booking's state changes: every change goes through `booking_transition`, which writes
its BookingEvent; email-check holds that lapsed free their time here.
"""

import logging
from datetime import datetime

from django.utils.translation import gettext as _

from bookings.exceptions import NotAllowedNow
from bookings.models import Booking, BookingStatus
from bookings.outcomes import outcome_after
from bookings.services.events import booking_event_record
from bookings.services.locking import booking_lock, booking_transaction
from bookings.services.notify import booking_notify
from bookings.state import RULES, Action, Actor, EmailKind, Reason, transition_rule
from common.queue import enqueue_after_commit
from offices.models import User

logger = logging.getLogger(__name__)

# Holds that lapse when their `verification_expires_at` passes (services.holds): the email
# check, and public requests not yet confirmed from the email.
UNCONFIRMED_HOLDS = (BookingStatus.PENDING_VERIFICATION, BookingStatus.REQUESTED)


def booking_transition(
    booking: Booking,
    to: str,
    *,
    at: datetime,
    actor: User | None = None,
    actor_label: Actor,
    reason_code: Reason,
    reason_params: dict | None = None,
    reason: str = "",
    action: Action | None = None,
    extra_fields: tuple[str, ...] = (),
) -> None:
    """
    Changes the status and records the event; the caller holds the booking's lock.
    Refuses (NotAllowedNow, nothing written) a change the table in `bookings.state` does not
    allow to `actor_label` from the booking's status, or, for staff, outside its window at
    `at`. `action` names the table's rule when the change is not the usual one (an undo).
    """
    from_status = booking.status
    rule = transition_rule(from_status, to, Actor(actor_label), action=action)
    if rule is None:
        expected = next(
            (r for r in RULES if r.to == to and (action is None or r.action == action)), None
        )
        raise NotAllowedNow(expected.refusal if expected else _("This change is not possible."))
    if actor_label == Actor.STAFF:
        refused = rule.staff_refusal(booking, at)
        if refused:
            raise NotAllowedNow(refused)
    booking.status = to
    booking.outcome = outcome_after(
        from_status=from_status, to_status=to, actor_label=actor_label, reason_code=reason_code
    )
    # The calendar file changes with the status (TENTATIVE, CONFIRMED, CANCEL).
    booking.sequence += 1
    booking.save(update_fields=["status", "outcome", "sequence", "updated_at", *extra_fields])
    booking_event_record(
        booking,
        at=at,
        from_status=from_status,
        to_status=to,
        actor=actor,
        actor_label=actor_label,
        reason_code=reason_code,
        reason_params=reason_params,
        reason=reason,
    )
    meeting_enqueue_after_commit(booking)


def meeting_enqueue_after_commit(booking: Booking) -> None:
    """Confirmed: issue the meeting; cancelled: delete it. Both after commit, in a worker."""
    if booking.status == BookingStatus.CONFIRMED:
        task = "bookings.tasks.issue_meeting"
    elif booking.status == BookingStatus.CANCELLED:
        task = "bookings.tasks.delete_meeting"
    else:
        return
    enqueue_after_commit(task, booking.pk, what=f"meeting of booking id={booking.pk}")


def hold_expire(booking: Booking, *, now: datetime) -> None:
    """An email-check hold whose window passed frees its time: expired, with its event and
    the email that says so (the caller holds the booking's lock)."""
    booking_transition(
        booking, BookingStatus.EXPIRED, at=now, actor_label=Actor.SYSTEM,
        reason_code=Reason.EMAIL_CHECK_LAPSED,
    )  # fmt: skip
    booking_notify(booking, EmailKind.EXPIRED)


def holds_expire_stale(
    counselor_ids: list[int], now: datetime, *, start: datetime | None = None,
    end: datetime | None = None,
) -> None:  # fmt: skip
    """Bookings whose email check window has passed free their time, with an event (only
    those overlapping [start, end) when given: what a new booking of that time needs)."""
    stale = Booking.objects.select_for_update(no_key=True).filter(
        counselor_id__in=counselor_ids,
        status__in=UNCONFIRMED_HOLDS,
        verification_expires_at__lte=now,
    )
    if start is not None and end is not None:
        stale = stale.filter(start__lt=end, end__gt=start)
    for booking in stale:
        hold_expire(booking, now=now)


def bookings_expire_unverified(*, now: datetime) -> int:
    """Expires every booking whose email check window has passed; returns how many."""
    expired = 0
    ids = list(
        Booking.objects.filter(
            status__in=UNCONFIRMED_HOLDS, verification_expires_at__lte=now
        ).values_list("pk", flat=True)
    )
    for booking_id in ids:
        with booking_transaction():
            booking = booking_lock(booking_id)
            if (
                booking.status not in UNCONFIRMED_HOLDS
                or booking.verification_expires_at is None
                or booking.verification_expires_at > now
            ):
                continue  # verified, confirmed or expired meanwhile
            hold_expire(booking, now=now)
            expired += 1
    return expired
