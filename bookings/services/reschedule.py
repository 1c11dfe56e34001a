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
from datetime import datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings.exceptions import BookingInvalid, NotAllowedNow, SlotTaken
from bookings.models import (
    Booking,
    BookingChange,
    BookingEvent,
    BookingStatus,
    is_overlap_violation,
)
from bookings.selectors.bookings import booking_can_cancel_online
from bookings.selectors.slots import counselor_for_slot, slot_at, slot_lengthened, slots_near
from bookings.services.events import booking_event_record
from bookings.services.identity import refusal_message
from bookings.services.locking import (
    booking_change_lock,
    booking_lock,
    booking_transaction,
    office_booking_lock,
)
from bookings.services.notify import booking_notify, staff_notify
from bookings.services.person_guard import move_guard_check
from bookings.services.transitions import holds_expire_stale
from bookings.state import Actor, EmailKind, Reason
from common.clock import JST
from common.queue import enqueue_after_commit
from offices.models import User
from offices.phone import phone_in_brackets
from offices.rules import rules_for_service

logger = logging.getLogger(__name__)

MOVABLE_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.REQUESTED)


@dataclass(frozen=True)
class RescheduleResult:
    booking: Booking
    change: BookingChange | None  # a request waiting for a counselor; None: moved now


def _phone(booking: Booking) -> str:
    return phone_in_brackets(booking.office.phone)


def booking_reschedule_refusal(booking: Booking, now: datetime) -> str | None:
    """Why the person cannot move this booking online now, or None when they can."""
    rules = rules_for_service(booking.service, booking.office)
    if booking.status not in MOVABLE_STATUSES:
        if booking.status == BookingStatus.PENDING_VERIFICATION:
            return _("Confirm your email address first; then you can change the time.")
        return _("This booking is no longer active, so its time cannot be changed.")
    if booking.group_session_id:
        return _(
            "A seat in a group session keeps the session's time. To go to another session, "
            "cancel this seat and book a seat there."
        )
    if booking.applicant.is_barred:  # barred for its no-shows: as a new booking online
        return refusal_message(booking.office)
    if rules.reschedule_limit == 0 or not rules.online_cancel_allowed:
        # Never online at this office: not a deadline that "passed" (issue 26, minor).
        return _(
            "At this office, the time of a booking is changed by phone. Please phone the "
            "office%(phone)s."
        ) % {"phone": _phone(booking)}
    if not booking_can_cancel_online(booking, now):
        return _("The time can no longer be changed online. Please phone the office%(phone)s.") % {
            "phone": _phone(booking)
        }
    if booking.reschedule_count >= rules.reschedule_limit:
        return _(
            "This booking was already moved %(count)d times, the most the office allows online. "
            "Please phone the office%(phone)s."
        ) % {"count": booking.reschedule_count, "phone": _phone(booking)}
    if _asks_counselors(booking, rules) and _change_requests_today(booking, now) >= (
        settings.CHANGE_REQUESTS_PER_BOOKING_PER_DAY
    ):
        return _(
            "You have asked to change this booking's time %(count)d times today, the most "
            "allowed in a day. A counselor will answer your latest request; to ask for "
            "another time, try again tomorrow or phone the office%(phone)s."
        ) % {"count": settings.CHANGE_REQUESTS_PER_BOOKING_PER_DAY, "phone": _phone(booking)}
    return None


def _asks_counselors(booking: Booking, rules) -> bool:
    """A move of this booking is a request a counselor confirms (the booking keeps its time)."""
    return rules.needs_staff_approval and booking.status == BookingStatus.CONFIRMED


def _change_requests_today(booking: Booking, now: datetime) -> int:
    """How many changes of time the person asked for today (Japan), by their events."""
    day_start = datetime.combine(now.astimezone(JST).date(), time.min, tzinfo=JST)
    return BookingEvent.objects.filter(
        booking=booking, reason_code=Reason.CHANGE_REQUESTED, at__gte=day_start
    ).count()


def _slot_for(booking: Booking, start: datetime, now: datetime):
    """The free time at `start` as long as this booking is (with its minutes of more time)."""
    slot = slot_at(service=booking.service, start=start, now=now)
    return slot_lengthened(slot, booking.extra_minutes, now=now, exclude_booking_id=booking.pk)


def _taken(booking: Booking, start: datetime, now: datetime) -> SlotTaken:
    return SlotTaken(
        _("That time was just taken. Please choose another time."),
        alternatives=slots_near(service=booking.service, start=start, now=now),
    )


def _move(
    booking: Booking, slot, *, now: datetime, actor: User | None, reason_code: Reason
) -> None:
    """Moves the locked booking to the free `slot` (caller holds the office lock)."""
    old_start = booking.start
    if booking.counselor_id in slot.counselor_ids:
        counselor_id = booking.counselor_id
    else:
        counselor_id = counselor_for_slot(booking.applicant, slot)
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
        if not is_overlap_violation(error):
            raise
        raise SlotTaken(
            _("That time was just taken. Please choose another time."), alternatives=[]
        ) from error
    booking_event_record(
        booking, at=now, actor=actor, actor_label=Actor.STAFF if actor else Actor.APPLICANT,
        reason_code=reason_code,
        reason_params={"was_at": old_start.isoformat(), "new_at": slot.start.isoformat()},
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
        booking = booking_lock(booking.pk)
        refusal = booking_reschedule_refusal(booking, now)
        if refusal:
            raise NotAllowedNow(refusal)
        if start == booking.start:
            raise BookingInvalid({"start": [_("That is your booking's time now. Choose another.")]})
        holds_expire_stale(counselor_ids, now)
        slot = _slot_for(booking, start, now)
        if slot is None:
            raise _taken(booking, start, now)
        move_guard_check(booking, slot, now=now)  # as a new booking of that time
        rules = rules_for_service(booking.service, booking.office)
        if _asks_counselors(booking, rules):
            return RescheduleResult(booking, _change_request(booking, slot, now=now))
        _move(booking, slot, now=now, actor=None, reason_code=Reason.MOVED)
        BookingChange.objects.filter(booking=booking, status=BookingChange.Status.PENDING).update(
            status=BookingChange.Status.WITHDRAWN, decided_at=now
        )
    logger.info("booking id=%s moved by the person", booking.pk)
    return RescheduleResult(booking, None)


def _change_request(booking: Booking, slot, *, now: datetime) -> BookingChange:
    """
    The booking's one pending change (a unique constraint): a new request replaces the
    time of the pending one, so the counselors, told when it was first asked, are not told
    again; the person is emailed the time they asked for now (the caller holds the
    booking's lock, and `booking_reschedule_refusal` limits the requests per day).
    """
    pending = BookingChange.objects.filter(booking=booking, status=BookingChange.Status.PENDING)
    pending_id = pending.values_list("pk", flat=True).first()
    change = booking_change_lock(pending_id) if pending_id else None  # after the booking
    if change is None:
        change = BookingChange.objects.create(
            booking=booking, office_id=booking.office_id, from_start=booking.start,
            from_end=booking.end, to_start=slot.start, to_end=slot.end, requested_at=now,
        )  # fmt: skip
    else:
        change.to_start, change.to_end, change.requested_at = slot.start, slot.end, now
        change.save(update_fields=["to_start", "to_end", "requested_at"])
    booking_event_record(
        booking, at=now, actor_label=Actor.APPLICANT, reason_code=Reason.CHANGE_REQUESTED,
        reason_params={"to_at": slot.start.isoformat()},
    )  # fmt: skip
    asked = _change_requests_today(booking, now)
    booking_notify(booking, EmailKind.CHANGE_REQUESTED, occurrence=f"{change.pk}:{asked}")
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
        booking = booking_lock(change.booking_id)
        change = booking_change_lock(change.pk)
        _may_decide(change, by)
        if booking.status not in MOVABLE_STATUSES:
            raise NotAllowedNow(_("This booking is no longer active."))
        slot = _slot_for(booking, change.to_start, now)
        if slot is None:
            raise SlotTaken(
                _(
                    "The requested time is no longer free. Decline the change; the booking "
                    "keeps its time."
                ),
                alternatives=[],
            )
        move_guard_check(booking, slot, now=now, by=by)
        _move(booking, slot, now=now, actor=by, reason_code=Reason.CHANGE_CONFIRMED)
        change.status, change.decided_at, change.decided_by = (
            BookingChange.Status.CONFIRMED, now, by,
        )  # fmt: skip
        change.save(update_fields=["status", "decided_at", "decided_by"])
    return booking


@booking_transaction()
def booking_change_decline(*, change: BookingChange, by: User, now: datetime) -> Booking:
    """A counselor declines a requested change: the booking keeps its time; the person is told."""
    booking = booking_lock(change.booking_id)
    change = booking_change_lock(change.pk)
    _may_decide(change, by)
    change.status, change.decided_at, change.decided_by = BookingChange.Status.DECLINED, now, by
    change.save(update_fields=["status", "decided_at", "decided_by"])
    booking_event_record(
        booking, at=now, actor=by, actor_label=Actor.STAFF, reason_code=Reason.CHANGE_DECLINED
    )
    if booking.is_active:
        booking_notify(booking, EmailKind.CHANGE_DECLINED, occurrence=str(change.pk))
    return booking


def _may_decide(change: BookingChange, by: User) -> None:
    if not (by.is_superuser or by.office_id == change.office_id):
        raise NotAllowedNow(_("This booking belongs to another office."))
    if change.status != BookingChange.Status.PENDING:
        raise NotAllowedNow(_("This change was already decided or withdrawn."))
