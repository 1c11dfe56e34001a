"""
What a counselor does to a booking during the day, each within the same guards as the
public site: the booking's row is locked, its state re-checked, the change recorded as a
BookingEvent, and a change of time goes under the office's booking lock and PostgreSQL's
exclusion constraint, so an extension or a proposed time can never double-book.
"""

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings.exceptions import (
    BookingInvalid,
    NotAllowedNow,
    SlotTaken,
)
from bookings.models import (
    ACTIVE_STATUSES,
    Applicant,
    Booking,
    BookingStatus,
)
from bookings.selectors.availability import slot_list_available
from bookings.services.locking import office_booking_lock
from bookings.services.notify import booking_notify
from bookings.services.transitions import booking_transition
from common.clock import JST
from common.queue import enqueue_after_commit
from conferencing.models import OnlineMeeting
from offices.models import User
from offices.rules import rules_for_service

logger = logging.getLogger(__name__)


def _locked(booking: Booking, by: User) -> Booking:
    booking = (
        Booking.objects.select_for_update()
        .select_related("office", "service", "counselor")
        .get(pk=booking.pk)
    )
    if not (by.is_superuser or by.office_id == booking.office_id):
        raise NotAllowedNow(_("This booking belongs to another office."))
    return booking


def _expect(booking: Booking, *statuses: str, message: str) -> None:
    if booking.status not in statuses:
        raise NotAllowedNow(message)


@transaction.atomic
def booking_check_in(*, booking: Booking, by: User, now: datetime) -> Booking:
    """The person is in the session: it can no longer become a no-show."""
    booking = _locked(booking, by)
    _expect(
        booking, BookingStatus.CONFIRMED, message=_("Only a confirmed booking can be checked in.")
    )
    booking_transition(
        booking, BookingStatus.IN_PROGRESS, at=now, actor=by, actor_label="staff",
        reason="checked in",
    )  # fmt: skip
    return booking


@transaction.atomic
def booking_complete(*, booking: Booking, by: User, now: datetime) -> Booking:
    booking = _locked(booking, by)
    _expect(
        booking, BookingStatus.IN_PROGRESS, BookingStatus.CONFIRMED,
        message=_("Only a confirmed or running session can be completed."),
    )  # fmt: skip
    if booking.start > now:
        raise NotAllowedNow(_("A session that has not started yet cannot be completed."))
    booking_transition(booking, BookingStatus.COMPLETED, at=now, actor=by, actor_label="staff")
    return booking


@transaction.atomic
def booking_switch_to_phone(
    *, booking: Booking, by: User, reason: str = "", now: datetime
) -> Booking:
    """Connection trouble: the counselor phones the person and the session goes on by phone."""
    booking = _locked(booking, by)
    _expect(
        booking, BookingStatus.CONFIRMED, BookingStatus.IN_PROGRESS,
        message=_("Only a confirmed or running session can switch to phone."),
    )  # fmt: skip
    booking_transition(
        booking, BookingStatus.SWITCHED_TO_PHONE, at=now, actor=by, actor_label="staff",
        reason=(reason or "connection trouble")[:300],
    )  # fmt: skip
    return booking


@transaction.atomic
def booking_mark_no_show(*, booking: Booking, by: User, now: datetime) -> Booking:
    """A counselor records a no-show by hand (after the start); it counts toward the bar."""
    from bookings.services.no_shows import bar_if_threshold

    booking = _locked(booking, by)
    _expect(
        booking, BookingStatus.CONFIRMED, message=_("Only a confirmed booking can be a no-show.")
    )
    if booking.start > now:
        raise NotAllowedNow(_("A session that has not started yet cannot be a no-show."))
    booking_transition(
        booking, BookingStatus.NO_SHOW, at=now, actor=by, actor_label="staff",
        reason="marked by a counselor",
    )  # fmt: skip
    booking_notify(booking, "no_show")
    bar_if_threshold(booking.applicant_id, booking.office, now)
    return booking


def _update_meeting_after_commit(booking: Booking) -> None:
    """The platform meeting follows a new time (if the broker is down, only its time is old)."""
    enqueue_after_commit(
        "bookings.tasks.update_meeting", booking.pk, what=f"meeting move of booking id={booking.pk}"
    )


@transaction.atomic
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
    _expect(
        booking, BookingStatus.CONFIRMED, BookingStatus.IN_PROGRESS,
        message=_("Only a confirmed or running session can be extended."),
    )  # fmt: skip
    rules = rules_for_service(booking.service, booking.office)
    added = (booking.end - booking.start) - timedelta(minutes=rules.slot_minutes)
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
            counselor_id=booking.counselor_id, status__in=ACTIVE_STATUSES,
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
    old_end = booking.end
    booking.end = new_end
    try:
        with transaction.atomic():
            booking.save(update_fields=["end", "updated_at"])
    except IntegrityError as error:
        raise SlotTaken(_("Cannot extend: the counselor is busy then."), alternatives=[]) from error
    booking.events.create(
        at=now, from_status=booking.status, to_status=booking.status, actor=by,
        actor_label="staff",
        reason=f"extended by {minutes} min (end {old_end.astimezone(JST):%H:%M} → "
        f"{new_end.astimezone(JST):%H:%M})",
    )  # fmt: skip
    _update_meeting_after_commit(booking)
    return booking


@transaction.atomic
def booking_propose_time(*, booking: Booking, by: User, start: datetime, now: datetime) -> Booking:
    """
    Staff-approval offices: instead of the requested time, the counselor offers another
    free time. The booking moves to it (holding it) and stays `requested` until the person
    accepts on their booking page; the person is emailed the new time.
    """
    counselor_ids = office_booking_lock(booking.office)
    booking = _locked(booking, by)
    _expect(booking, BookingStatus.REQUESTED, message=_("Only a requested booking can be moved."))
    day = start.astimezone(JST).date()
    slot = next(
        (
            s
            for s in slot_list_available(
                service=booking.service, first_day=day, last_day=day, now=now
            )
            if s.start == start
        ),
        None,
    )
    if slot is None or not set(slot.counselor_ids) & set(counselor_ids):
        raise SlotTaken(_("That time is not free. Choose another."), alternatives=[])
    old = booking.start
    booking.start, booking.end = slot.start, slot.end
    if booking.counselor_id not in slot.counselor_ids:
        booking.counselor_id = min(slot.counselor_ids)
    booking.proposed_at = now
    try:
        with transaction.atomic():
            booking.save(update_fields=["start", "end", "counselor", "proposed_at", "updated_at"])
    except IntegrityError as error:
        raise SlotTaken(_("That time was just taken. Choose another."), alternatives=[]) from error
    booking.events.create(
        at=now, from_status=booking.status, to_status=booking.status, actor=by,
        actor_label="staff",
        reason=f"another time proposed (was {old.astimezone(JST):%Y-%m-%d %H:%M})",
    )  # fmt: skip
    booking_notify(booking, f"proposed:{now.timestamp():.0f}")
    return booking


@transaction.atomic
def meeting_reissue(*, booking: Booking, by: User, now: datetime) -> None:
    """Asks the platform for the meeting again (after a failure or a fixed account)."""

    booking = _locked(booking, by)
    _expect(
        booking, BookingStatus.CONFIRMED, BookingStatus.IN_PROGRESS,
        message=_("Only a confirmed booking has a meeting."),
    )  # fmt: skip
    OnlineMeeting.objects.filter(booking_uuid=booking.uuid).exclude(
        status=OnlineMeeting.Status.ISSUED
    ).update(status=OnlineMeeting.Status.PENDING, attempts=0, last_error="")
    booking.events.create(
        at=now, from_status=booking.status, to_status=booking.status, actor=by,
        actor_label="staff", reason="meeting re-issue requested",
    )  # fmt: skip
    from bookings.services.transitions import meeting_enqueue_after_commit

    meeting_enqueue_after_commit(booking)


def staff_may_act(user: User, booking: Booking) -> None:
    if not (user.is_superuser or user.office_id == booking.office_id):
        raise NotAllowedNow(_("This booking belongs to another office."))


@transaction.atomic
def booking_confirm(*, booking: Booking, by: User, now: datetime) -> Booking:
    """A counselor confirms a requested time (staff-approval offices)."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    staff_may_act(by, booking)
    if booking.status != BookingStatus.REQUESTED:
        raise NotAllowedNow(_("Only a requested booking can be confirmed."))
    booking_transition(booking, BookingStatus.CONFIRMED, at=now, actor=by, actor_label="staff")
    booking_notify(booking, BookingStatus.CONFIRMED)
    return booking


@transaction.atomic
def booking_cancel_by_staff(*, booking: Booking, by: User, reason: str, now: datetime) -> Booking:
    """Staff cancel (or decline a request), on the person's request or the office's."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    staff_may_act(by, booking)
    if not booking.is_active:
        raise NotAllowedNow(_("This booking is no longer active."))
    if not reason.strip():
        raise BookingInvalid({"reason": [_("Say why the booking is cancelled.")]})
    declined = booking.status == BookingStatus.REQUESTED
    booking_transition(
        booking, BookingStatus.CANCELLED, at=now, actor=by, actor_label="staff", reason=reason[:300]
    )
    booking_notify(
        booking,
        "cancelled",
        extra={"by_office": True, "declined": declined, "reason": reason[:300]},
    )
    return booking


@transaction.atomic
def booking_note_contact(*, booking: Booking, by: User, now: datetime) -> Booking:
    """The person phoned or emailed about this session: it will not count as a no-show."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if not (by.is_superuser or by.office_id == booking.office_id):
        raise NotAllowedNow(_("This booking belongs to another office."))
    if booking.contact_noted_at is None:
        booking.contact_noted_at = now
        booking.save(update_fields=["contact_noted_at", "updated_at"])
    return booking


@transaction.atomic
def applicant_lift_bar(*, applicant: Applicant, by: User, reason: str, now: datetime) -> Applicant:
    applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
    if not (by.is_superuser or by.office_id == applicant.office_id):
        raise NotAllowedNow(_("This person belongs to another office."))
    if not applicant.is_barred:
        raise NotAllowedNow(_("This person is not barred."))
    if not reason.strip():
        raise NotAllowedNow(_("Say why the bar is lifted."))
    applicant.barred_at = None
    applicant.bar_lifted_at = now
    applicant.bar_lifted_by = by
    applicant.bar_lift_reason = reason[:300]
    applicant.save(update_fields=["barred_at", "bar_lifted_at", "bar_lifted_by", "bar_lift_reason"])
    return applicant
