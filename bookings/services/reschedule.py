"""
Moving a booking to another time (予約の変更), by the person from their booking page and, at
offices whose counselors confirm bookings, confirmed by a counselor.

The new time is taken through the guard of a new booking: the office's booking lock, the
availability re-checked under it, and PostgreSQL's exclusion constraint. The old time is
released in the same transaction (the booking row itself moves), so the person never ends
with no time or with two. The platform meeting is moved (the update task), never issued
again, and the .ics keeps its UID with a higher SEQUENCE.

Lock order: the office's booking lock, then the booking's row, then its pending change.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings.exceptions import BookingInvalid, NotAllowedNow, SlotTaken
from bookings.models import Booking, BookingChange, BookingEvent, BookingStatus
from bookings.selectors.availability import slot_list_available
from bookings.selectors.bookings import booking_can_cancel_online
from bookings.services.create import alternatives_near, counselor_choose, counselor_preference
from bookings.services.locking import booking_transaction, office_booking_lock
from bookings.services.notify import booking_notify, staff_notify
from bookings.services.transitions import holds_expire_stale
from bookings.state import EmailKind
from common.clock import JST
from common.queue import enqueue_after_commit
from offices.models import User
from offices.rules import rules_for_service

logger = logging.getLogger(__name__)

MOVABLE_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.REQUESTED)


@dataclass(frozen=True)
class RescheduleResult:
    booking: Booking
    change: BookingChange | None  # a request waiting for a counselor; None: moved now


def _phone(booking: Booking) -> str:
    return f" ({booking.office.phone})" if booking.office.phone else ""


def booking_reschedule_refusal(booking: Booking, now: datetime) -> str | None:
    """Why the person cannot move this booking online now, or None when they can."""
    rules = rules_for_service(booking.service, booking.office)
    if booking.status not in MOVABLE_STATUSES:
        if booking.status == BookingStatus.PENDING_VERIFICATION:
            return _("Confirm your email address first; then you can change the time.")
        return _("This booking is no longer active, so its time cannot be changed.")
    if rules.reschedule_limit == 0 or not booking_can_cancel_online(booking, now):
        return _("The time can no longer be changed online. Please phone the office%(phone)s.") % {
            "phone": _phone(booking)
        }
    if booking.reschedule_count >= rules.reschedule_limit:
        return _(
            "This booking was already moved %(count)d times, the most the office allows online. "
            "Please phone the office%(phone)s."
        ) % {"count": booking.reschedule_count, "phone": _phone(booking)}
    return None


def _free_slot(booking: Booking, start: datetime, now: datetime):
    day = start.astimezone(JST).date()
    return next(
        (
            s
            for s in slot_list_available(
                service=booking.service, first_day=day, last_day=day, now=now
            )
            if s.start == start
        ),
        None,
    )


def _taken(booking: Booking, start: datetime, now: datetime) -> SlotTaken:
    return SlotTaken(
        _("That time was just taken. Please choose another time."),
        alternatives=alternatives_near(booking.service, start, now),
    )


def _move(booking: Booking, slot, *, now: datetime, actor: User | None, reason: str) -> None:
    """Moves the locked booking to the free `slot` (caller holds the office lock)."""
    old_start = booking.start
    if booking.counselor_id in slot.counselor_ids:
        counselor_id = booking.counselor_id
    else:
        previous, counts = counselor_preference(booking.applicant, slot.counselor_ids, slot.start)
        counselor_id = counselor_choose(slot.counselor_ids, previous, counts)
    booking.start, booking.end, booking.counselor_id = slot.start, slot.end, counselor_id
    booking.sequence += 1
    booking.reschedule_count += 1
    try:
        with transaction.atomic():
            booking.save(
                update_fields=[
                    "start",
                    "end",
                    "counselor",
                    "sequence",
                    "reschedule_count",
                    "updated_at",
                ]
            )
    except IntegrityError as error:
        if "no_overlap" in str(error) or "exclusion" in str(error).lower():
            raise SlotTaken(
                _("That time was just taken. Please choose another time."), alternatives=[]
            ) from error
        raise
    BookingEvent.objects.create(
        booking=booking, at=now, from_status=booking.status, to_status=booking.status,
        actor=actor, actor_label="staff" if actor else "applicant",
        reason=f"{reason} (was {old_start.astimezone(JST):%Y-%m-%d %H:%M}, "
        f"now {slot.start.astimezone(JST):%Y-%m-%d %H:%M})",
    )  # fmt: skip
    if booking.status == BookingStatus.CONFIRMED:
        enqueue_after_commit(
            "bookings.tasks.update_meeting", booking.pk,
            what=f"meeting move of booking id={booking.pk}",
        )  # fmt: skip
    booking_notify(booking, EmailKind.RESCHEDULED, occurrence=str(booking.sequence))


def booking_reschedule_by_applicant(
    *, booking: Booking, start: datetime | None, now: datetime
) -> RescheduleResult:
    """
    The person moves their booking to `start`, a free time of the same service, while the
    office's online-cancellation rule and its limit of changes allow. A requested booking
    moves at once (still waiting for a counselor); a confirmed one at an office whose
    counselors confirm becomes a change request, the booking keeping its time until a
    counselor decides. Raises BookingInvalid, NotAllowedNow or SlotTaken (with times).
    """
    if start is None:
        raise BookingInvalid({"start": [_("Choose one of the free times.")]})
    start = start.astimezone(JST)
    with booking_transaction():
        counselor_ids = office_booking_lock(booking.office)
        booking = (
            Booking.objects.select_for_update(no_key=True, of=("self",))
            .select_related("office", "service", "applicant")
            .get(pk=booking.pk)
        )
        refusal = booking_reschedule_refusal(booking, now)
        if refusal:
            raise NotAllowedNow(refusal)
        if start == booking.start:
            raise BookingInvalid({"start": [_("That is your booking's time now. Choose another.")]})
        holds_expire_stale(counselor_ids, now)
        slot = _free_slot(booking, start, now)
        if slot is None:
            raise _taken(booking, start, now)
        rules = rules_for_service(booking.service, booking.office)
        if rules.needs_staff_approval and booking.status == BookingStatus.CONFIRMED:
            return RescheduleResult(booking, _change_request(booking, slot, now=now))
        _move(booking, slot, now=now, actor=None, reason="moved by the person")
        BookingChange.objects.filter(booking=booking, status=BookingChange.Status.PENDING).update(
            status=BookingChange.Status.WITHDRAWN, decided_at=now
        )
    logger.info("booking id=%s moved by the person", booking.pk)
    return RescheduleResult(booking, None)


def _change_request(booking: Booking, slot, *, now: datetime) -> BookingChange:
    BookingChange.objects.filter(booking=booking, status=BookingChange.Status.PENDING).update(
        status=BookingChange.Status.WITHDRAWN, decided_at=now
    )
    change = BookingChange.objects.create(
        booking=booking, office_id=booking.office_id, from_start=booking.start,
        from_end=booking.end, to_start=slot.start, to_end=slot.end, requested_at=now,
    )  # fmt: skip
    BookingEvent.objects.create(
        booking=booking, at=now, from_status=booking.status, to_status=booking.status,
        actor_label="applicant",
        reason=f"asked to move to {slot.start.astimezone(JST):%Y-%m-%d %H:%M}",
    )  # fmt: skip
    booking_notify(booking, EmailKind.CHANGE_REQUESTED, occurrence=str(change.pk))
    staff_notify(booking, "staff_change_waiting", dedupe_suffix=f":{change.pk}")
    return change


def booking_change_confirm(*, change: BookingChange, by: User, now: datetime) -> Booking:
    """
    A counselor confirms a requested change: the booking moves through the same guard as a
    new booking. Raises NotAllowedNow (decided already, another office, booking not active,
    the new time passed) or SlotTaken (the time was taken meanwhile; decline it then).
    """
    with booking_transaction():
        office_booking_lock(change.office)
        booking = (
            Booking.objects.select_for_update(no_key=True, of=("self",))
            .select_related("office", "service", "applicant")
            .get(pk=change.booking_id)
        )
        change = BookingChange.objects.select_for_update(no_key=True, of=("self",)).get(
            pk=change.pk
        )
        _may_decide(change, by)
        if booking.status not in MOVABLE_STATUSES:
            raise NotAllowedNow(_("This booking is no longer active."))
        slot = _free_slot(booking, change.to_start, now)
        if slot is None:
            raise SlotTaken(
                _(
                    "The requested time is no longer free. Decline the change; the booking "
                    "keeps its time."
                ),
                alternatives=[],
            )
        _move(booking, slot, now=now, actor=by, reason="change of time confirmed")
        change.status, change.decided_at, change.decided_by = (
            BookingChange.Status.CONFIRMED, now, by,
        )  # fmt: skip
        change.save(update_fields=["status", "decided_at", "decided_by"])
    return booking


@booking_transaction()
def booking_change_decline(*, change: BookingChange, by: User, now: datetime) -> Booking:
    """A counselor declines a requested change: the booking keeps its time; the person is told."""
    booking = Booking.objects.select_for_update(no_key=True, of=("self",)).get(pk=change.booking_id)
    change = BookingChange.objects.select_for_update(no_key=True, of=("self",)).get(pk=change.pk)
    _may_decide(change, by)
    change.status, change.decided_at, change.decided_by = BookingChange.Status.DECLINED, now, by
    change.save(update_fields=["status", "decided_at", "decided_by"])
    BookingEvent.objects.create(
        booking=booking, at=now, from_status=booking.status, to_status=booking.status,
        actor=by, actor_label="staff", reason="change of time declined",
    )  # fmt: skip
    if booking.is_active:
        booking_notify(booking, EmailKind.CHANGE_DECLINED, occurrence=str(change.pk))
    return booking


def _may_decide(change: BookingChange, by: User) -> None:
    if not (by.is_superuser or by.office_id == change.office_id):
        raise NotAllowedNow(_("This booking belongs to another office."))
    if change.status != BookingChange.Status.PENDING:
        raise NotAllowedNow(_("This change was already decided or withdrawn."))
