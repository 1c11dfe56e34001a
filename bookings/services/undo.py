"""
Staff take back the office's last status change of a booking (「操作を元に戻す」): a
mistaken no-show, an early check-in, a completion, a switch to phone, on the day it was
made and with a reason.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from bookings.exceptions import BookingInvalid, NotAllowedNow, SlotTaken
from bookings.models import Booking, BookingStatus, is_overlap_violation
from bookings.selectors.availability import counselors_committed
from bookings.services.locking import (
    applicant_lock,
    booking_lock,
    booking_transaction,
    office_booking_lock,
)
from bookings.services.no_shows import bar_withdraw_if_caused
from bookings.services.notify import booking_notify
from bookings.services.transitions import booking_transition
from bookings.state import TIME_HOLDING_STATUSES, Action, Actor, EmailKind, Reason, undo_refusal
from offices.models import User


def _last_change(booking: Booking):
    return (
        booking.events.exclude(from_status=F("to_status")).exclude(from_status="").order_by("-pk")
    ).first()


@booking_transaction()
def booking_undo(*, booking: Booking, by: User, reason: str, now: datetime) -> Booking:
    """
    Takes back the office's last status change of the booking (a mistaken no-show, an
    early check-in, a completion, a switch to phone) on the day it was made, with a reason.
    A no-show taken back also withdraws what it caused: it no longer counts toward the
    bar, a bar it triggered is withdrawn, and the person gets a correction email. Going
    back to a status that holds the counselor's time needs that time to be free still.
    """
    if not reason.strip():
        raise BookingInvalid({"reason": [_("Say why the change is undone.")]})
    applicant_lock(booking.applicant_id)  # the lock order: person, counselors, booking
    office_booking_lock(booking.office)
    booking = booking_lock(booking.pk, by=by)
    event = _last_change(booking)
    refused = undo_refusal(event, now)
    if refused:
        raise NotAllowedNow(refused)
    back = event.from_status
    if back in TIME_HOLDING_STATUSES and booking.status not in TIME_HOLDING_STATUSES:
        clash = (
            Booking.objects.filter(
                counselor_id=booking.counselor_id, status__in=TIME_HOLDING_STATUSES,
                start__lt=booking.end, end__gt=booking.start,
            )
            .exclude(pk=booking.pk)
            .exists()
        )  # fmt: skip
        # A booking, or a commitment that no booking row holds (a session, an interview).
        if clash or counselors_committed(
            counselor_ids=[booking.counselor_id], start=booking.start, end=booking.end,
            exclude=booking.group_session,
        ):  # fmt: skip
            raise SlotTaken(
                _("Cannot undo: the counselor is busy at this time now."), alternatives=[]
            )
    undone = booking.status
    try:
        with transaction.atomic():
            booking_transition(
                booking, back, at=now, actor=by, actor_label=Actor.STAFF, action=Action.UNDO,
                reason_code=Reason.UNDONE,
                reason_params={"from_status": undone, "to_status": back}, reason=reason,
            )  # fmt: skip
    except IntegrityError as error:
        if not is_overlap_violation(error):
            raise
        raise SlotTaken(
            _("Cannot undo: the counselor has another booking at this time now."), alternatives=[]
        ) from error
    if undone == BookingStatus.NO_SHOW:
        booking_notify(booking, EmailKind.NO_SHOW_WITHDRAWN, occurrence=str(event.pk))
        bar_withdraw_if_caused(booking, since=event.at, now=now)
    return booking
