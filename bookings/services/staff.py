"""
What a counselor does to a booking during the day, each within the same guards as the
public site: the booking's row is locked, its state re-checked, the change recorded as a
BookingEvent, and a change of time goes under the office's booking lock and PostgreSQL's
exclusion constraint, so an extension or a proposed time can never double-book.
"""

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.exceptions import (
    BookingInvalid,
    NotAllowedNow,
    SlotTaken,
)
from bookings.models import (
    TIME_HOLDING_STATUSES,
    Booking,
    BookingStatus,
    is_overlap_violation,
)
from bookings.selectors.availability import counselors_committed
from bookings.selectors.bookings import meeting_key
from bookings.selectors.slots import counselor_for_slot, slot_at, slot_lengthened
from bookings.services.events import booking_event_record
from bookings.services.links import booking_links_end
from bookings.services.locking import (
    applicant_lock,
    booking_lock,
    booking_transaction,
    office_booking_lock,
)
from bookings.services.no_shows import bar_if_threshold
from bookings.services.notify import booking_notify
from bookings.services.person_guard import move_guard_check
from bookings.services.transitions import booking_transition, meeting_enqueue_after_commit
from bookings.state import (
    OFFICE_NOTICES,
    Action,
    Actor,
    EmailKind,
    Reason,
    refusal,
)
from common.clock import JST
from common.dates import moment_in_bounds
from common.queue import enqueue_after_commit
from common.text import text_refuse_hidden
from conferencing.models import OnlineMeeting
from offices.models import User
from offices.rules import rules_for_service

logger = logging.getLogger(__name__)


def _locked(booking: Booking, by: User) -> Booking:
    return booking_lock(booking.pk, by=by)


def _allowed(booking: Booking, action: Action, now: datetime) -> None:
    """The state table's answer for a staff action that keeps the status (extend, ...)."""
    refused = refusal(action, booking, Actor.STAFF, now)
    if refused:
        raise NotAllowedNow(refused)


@booking_transaction()
def booking_check_in(*, booking: Booking, by: User, now: datetime) -> Booking:
    """The person is in the session: it can no longer become a no-show."""
    booking = _locked(booking, by)
    booking_transition(
        booking, BookingStatus.IN_PROGRESS, at=now, actor=by, actor_label=Actor.STAFF,
        reason_code=Reason.CHECKED_IN,
    )  # fmt: skip
    return booking


@booking_transaction()
def booking_complete(*, booking: Booking, by: User, now: datetime) -> Booking:
    """Confirmed and started, checked in (even early) or on the phone: the session is over."""
    booking = _locked(booking, by)
    booking_transition(
        booking, BookingStatus.COMPLETED, at=now, actor=by, actor_label=Actor.STAFF,
        reason_code=Reason.COMPLETED,
    )  # fmt: skip
    return booking


@booking_transaction()
def booking_switch_to_phone(
    *, booking: Booking, by: User, reason: str = "", now: datetime
) -> Booking:
    """Connection trouble: the counselor phones the person and the session goes on by phone."""
    booking = _locked(booking, by)
    booking_transition(
        booking, BookingStatus.SWITCHED_TO_PHONE, at=now, actor=by, actor_label=Actor.STAFF,
        reason_code=Reason.SWITCHED_TO_PHONE, reason=reason,
    )  # fmt: skip
    booking_notify(booking, EmailKind.SWITCHED_TO_PHONE)
    return booking


@booking_transaction()
def booking_mark_no_show(*, booking: Booking, by: User, now: datetime) -> Booking:
    """
    A counselor records a no-show by hand, once the office's grace after the start has
    passed (the table's window); it counts toward the bar. The schedule asks to confirm.
    """

    applicant_lock(booking.applicant_id)  # the lock order: applicant, then the booking
    booking = _locked(booking, by)
    if booking.contact_noted_at is not None:
        raise NotAllowedNow(
            _("The person contacted the office about this session, so it is not a no-show.")
        )
    booking_transition(
        booking, BookingStatus.NO_SHOW, at=now, actor=by, actor_label=Actor.STAFF,
        reason_code=Reason.NO_SHOW_BY_STAFF,
    )  # fmt: skip
    booking_notify(booking, EmailKind.NO_SHOW)
    bar_if_threshold(booking.applicant_id, booking.office, now)
    return booking


def _update_meeting_after_commit(booking: Booking) -> None:
    """The platform meeting follows a new time (if the broker is down, only its time is old)."""
    enqueue_after_commit(
        "bookings.tasks.update_meeting", booking.pk, what=f"meeting move of booking id={booking.pk}"
    )


@booking_transaction()
def booking_extend(*, booking: Booking, by: User, minutes: int, now: datetime) -> Booking:
    """
    Lengthens a session by `minutes` (e.g. 30 to 45 at Kawagoe), up to the service's
    maximum extension. Refused when the counselor has another booking in the added time;
    the platform meeting follows.
    """
    if not 5 <= minutes <= 120:
        raise BookingInvalid({"minutes": [_("Extend by 5 to 120 minutes.")]})
    office_booking_lock(booking.office)
    booking = _locked(booking, by)
    _allowed(booking, Action.EXTEND, now)
    rules = rules_for_service(booking.service, booking.office)
    # The minutes "more time" added when it was booked are not an extension.
    added = (booking.end - booking.start) - timedelta(
        minutes=rules.slot_minutes + booking.extra_minutes
    )
    allowed = rules.max_extension_minutes - int(added.total_seconds() // 60)
    if minutes > allowed:
        raise NotAllowedNow(
            _("Sessions of this service cannot be extended.")
            if rules.max_extension_minutes == 0
            else _(
                "This session can be extended by %(allowed)d more minutes at most (the "
                "office allows %(max)d in all)."
            )
            % {"allowed": max(allowed, 0), "max": rules.max_extension_minutes}
        )
    new_end = booking.end + timedelta(minutes=minutes)
    clash = (
        Booking.objects.filter(
            counselor_id=booking.counselor_id, status__in=TIME_HOLDING_STATUSES,
            start__lt=new_end, end__gt=booking.end,
        )
        .exclude(pk=booking.pk)
        .order_by("start")
        .first()
    )  # fmt: skip
    if clash is not None:
        raise SlotTaken(
            _(
                "Cannot extend: %(counselor)s has another booking at %(time)s. Shorten the "
                "extension or move that booking first."
            )
            % {
                "counselor": booking.counselor.display_name,
                "time": clash.start.astimezone(JST).strftime("%H:%M"),
            },
            alternatives=[],
        )
    if counselors_committed(counselor_ids=[booking.counselor_id], start=booking.end, end=new_end):
        raise SlotTaken(_("Cannot extend: the counselor is busy then."), alternatives=[])
    old_end = booking.end
    booking.end = new_end
    try:
        with transaction.atomic():
            booking.save(update_fields=["end", "updated_at"])
    except IntegrityError as error:
        if not is_overlap_violation(error):
            raise
        raise SlotTaken(_("Cannot extend: the counselor is busy then."), alternatives=[]) from error
    booking_event_record(
        booking, at=now, actor=by,
        actor_label=Actor.STAFF, reason_code=Reason.EXTENDED,
        reason_params={
            "minutes": minutes,
            "old_end": f"{old_end.astimezone(JST):%H:%M}",
            "new_end": f"{new_end.astimezone(JST):%H:%M}",
        },
    )  # fmt: skip
    _update_meeting_after_commit(booking)
    return booking


@booking_transaction()
def booking_propose_time(*, booking: Booking, by: User, start: datetime, now: datetime) -> Booking:
    """
    Staff-approval offices: instead of the requested time, the counselor offers another
    free time. The booking moves to it (holding it) and stays `requested` until the person
    accepts on their booking page; the person is emailed the new time.
    """
    counselor_ids = office_booking_lock(booking.office)
    booking = _locked(booking, by)
    _allowed(booking, Action.PROPOSE, now)
    if timezone.is_naive(start) or not moment_in_bounds(start):
        raise SlotTaken(_("That time is not free. Choose another."), alternatives=[])
    slot = slot_lengthened(
        slot_at(service=booking.service, start=start, now=now), booking.extra_minutes,
        now=now, exclude_booking_id=booking.pk,
    )  # fmt: skip
    if slot is None or not set(slot.counselor_ids) & set(counselor_ids):
        raise SlotTaken(_("That time is not free. Choose another."), alternatives=[])
    move_guard_check(booking, slot, now=now, by=by)  # as a new booking of that time
    old = booking.start
    booking.start, booking.end = slot.start, slot.end
    if booking.counselor_id not in slot.counselor_ids:  # the usual choice, as for a new booking
        booking.counselor_id = counselor_for_slot(booking.applicant, slot)
    booking.proposed_at = now
    # The person's turn: the proposal lapses at the office's deadline, never after the
    # start (services.holds.requests_lapse_undecided).
    booking.decide_by = min(now + timedelta(hours=booking.office.proposal_answer_hours), slot.start)
    booking.sequence += 1
    try:
        with transaction.atomic():
            booking.save(
                update_fields=[
                    "start",
                    "end",
                    "counselor",
                    "proposed_at",
                    "decide_by",
                    "sequence",
                    "updated_at",
                ]
            )
    except IntegrityError as error:
        if not is_overlap_violation(error):
            raise
        raise SlotTaken(_("That time was just taken. Choose another."), alternatives=[]) from error
    booking_event_record(
        booking, at=now, actor=by,
        actor_label=Actor.STAFF, reason_code=Reason.PROPOSED,
        reason_params={"was_at": old.isoformat()},
    )  # fmt: skip
    booking_notify(booking, EmailKind.PROPOSED, occurrence=f"{now.timestamp():.0f}")
    return booking


@booking_transaction()
def meeting_reissue(*, booking: Booking, by: User, now: datetime) -> None:
    """Asks the platform for the meeting again (after a failure or a fixed account)."""

    booking = _locked(booking, by)
    _allowed(booking, Action.REISSUE_MEETING, now)
    OnlineMeeting.objects.filter(booking_uuid=meeting_key(booking)).exclude(
        status=OnlineMeeting.Status.ISSUED
    ).update(status=OnlineMeeting.Status.PENDING, attempts=0, last_error="")
    booking_event_record(
        booking, at=now, actor=by,
        actor_label=Actor.STAFF, reason_code=Reason.MEETING_REISSUE,
    )  # fmt: skip

    meeting_enqueue_after_commit(booking)


@booking_transaction()
def booking_confirm(*, booking: Booking, by: User, now: datetime) -> Booking:
    """A counselor confirms a requested time (staff-approval offices)."""
    booking = booking_lock(booking.pk, by=by)
    booking_transition(
        booking, BookingStatus.CONFIRMED, at=now, actor=by, actor_label=Actor.STAFF,
        reason_code=Reason.CONFIRMED,
    )  # fmt: skip
    booking_notify(booking, EmailKind.CONFIRMED)
    return booking


@booking_transaction()
def booking_cancel_by_staff(
    *, booking: Booking, by: User, reason: str, now: datetime, message: str = "",
    on_request: bool = False, notice: str = "",
) -> Booking:  # fmt: skip
    """
    Staff cancel (or decline a request), on the person's request (`on_request`: counted as
    theirs, and the email says it was as they asked) or the office's. The `reason` is the
    staff's note, never sent; `message` (optional) is what the person reads in the email,
    or `notice`, a key of `state.OFFICE_NOTICES` worded in the person's language.
    """
    if notice and notice not in OFFICE_NOTICES:
        raise ValueError(f"unknown office notice: {notice}")
    text_refuse_hidden(reason=reason, message=message)  # the message is emailed
    booking = booking_lock(booking.pk, by=by)
    _allowed(booking, Action.CANCEL, now)
    if not reason.strip():
        raise BookingInvalid({"reason": [_("Say why the booking is cancelled.")]})
    declined = booking.status == BookingStatus.REQUESTED
    booking_transition(
        booking, BookingStatus.CANCELLED, at=now, actor=by, actor_label=Actor.STAFF,
        reason_code=Reason.CANCELLED_ON_REQUEST if on_request else Reason.CANCELLED_BY_STAFF,
        reason=reason,
    )  # fmt: skip
    booking_notify(
        booking,
        EmailKind.CANCELLED,
        extra={
            "by_office": True, "on_request": on_request, "declined": declined and not on_request,
            "reason": message.strip()[:300], "notice": notice,
        },
    )  # fmt: skip
    return booking


@booking_transaction()
def booking_note_contact(*, booking: Booking, by: User, now: datetime) -> Booking:
    """The person phoned or emailed about this session: it will not count as a no-show.
    Noting it twice changes nothing."""
    booking = booking_lock(booking.pk, by=by)
    if booking.contact_noted_at is not None:
        return booking
    _allowed(booking, Action.NOTE_CONTACT, now)
    booking.contact_noted_at = now
    booking.save(update_fields=["contact_noted_at", "updated_at"])
    booking_event_record(
        booking, at=now, actor=by, actor_label=Actor.STAFF, reason_code=Reason.CONTACT_NOTED
    )
    return booking


@booking_transaction()
def booking_withdraw_contact(*, booking: Booking, by: User, reason: str, now: datetime) -> Booking:
    """Takes back "the person contacted us" (noted by mistake, or on the wrong booking): the
    session can count as a no-show again. With a reason, recorded as an event."""
    if not reason.strip():
        raise BookingInvalid({"reason": [_("Say why the contact is withdrawn.")]})
    booking = booking_lock(booking.pk, by=by)
    _allowed(booking, Action.UNNOTE_CONTACT, now)
    booking.contact_noted_at = None
    booking.save(update_fields=["contact_noted_at", "updated_at"])
    booking_event_record(
        booking, at=now, actor=by, actor_label=Actor.STAFF,
        reason_code=Reason.CONTACT_WITHDRAWN, reason=reason[:300],
    )  # fmt: skip
    return booking


def booking_link_send_new(*, booking: Booking, now: datetime) -> int:
    """
    A counselor's "send a new link": every link sent so far stops working, and the person
    gets an email with a new one. Returns how many links were ended.
    """
    with booking_transaction():
        ended = booking_links_end(booking=booking, now=now)
        booking_notify(booking, EmailKind.NEW_LINK, occurrence=f"{now.timestamp():.0f}")
    return ended
