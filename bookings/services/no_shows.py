"""
The rule every office shares: a confirmed booking whose start plus the office's grace
(10 minutes) has passed, that no counselor checked in (that would be `in_progress`), with
no platform attendance recorded and no contact noted, counts as cancelled: `no_show`.
When a person's unannounced no-shows at an office reach its threshold, they are barred
from online booking until a counselor lifts the bar; no-shows before a lifting do not count
again. Only a verified identity's no-shows count (`_counted`), and a bar follows its record's
no-shows: taken back, or moved to another record by a counselor, it is withdrawn.
"""

import logging
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from bookings.exceptions import NotAllowedNow
from bookings.models import Applicant, Booking, BookingStatus
from bookings.selectors.identity import address_shown
from bookings.services.locking import applicant_lock, booking_lock, booking_transaction
from bookings.services.notify import booking_notify
from bookings.services.transitions import booking_transition
from bookings.state import Actor, EmailKind, Reason
from common.text import text_refuse_hidden
from conferencing.models import OnlineMeeting
from offices.models import Office, User

logger = logging.getLogger(__name__)


def _joined(booking: Booking) -> bool:
    """The applicant joined, or someone did and a counselor decides (never automatic). A
    seat shares its session's meeting, which cannot tell who joined: its check-in decides."""
    if booking.group_session_id:
        return False
    return (
        OnlineMeeting.objects.filter(booking_uuid=booking.uuid)
        .filter(Q(applicant_joined_at__isnull=False) | Q(someone_joined_at__isnull=False))
        .exists()
    )


def bookings_mark_no_shows(*, now: datetime) -> int:
    """Periodic. Safe to run twice or late: each booking is locked and re-checked."""
    marked = 0
    for office in Office.objects.only("pk", "no_show_grace_minutes", "no_show_bar_threshold"):
        due = now - timedelta(minutes=office.no_show_grace_minutes)
        ids = Booking.objects.filter(
            office=office,
            status=BookingStatus.CONFIRMED,
            start__lte=due,
            contact_noted_at__isnull=True,
        ).values_list("pk", flat=True)
        for booking_id in ids:
            marked += _mark_one(booking_id, office, due, now)
    return marked


def _mark_one(booking_id: int, office: Office, due: datetime, now: datetime) -> int:
    with booking_transaction():
        # The lock order: the person first, then the booking (as every booking service).
        applicant_lock(Booking.objects.values_list("applicant_id", flat=True).get(pk=booking_id))
        booking = booking_lock(booking_id)
        if (
            booking.status != BookingStatus.CONFIRMED
            or booking.start > due
            or booking.contact_noted_at is not None
            or _no_show_undone(booking)
            or _joined(booking)
        ):
            return 0
        booking_transition(
            booking,
            BookingStatus.NO_SHOW,
            at=now,
            actor_label=Actor.SYSTEM,
            reason_code=Reason.NO_SHOW_AUTOMATIC,
            reason_params={"minutes": office.no_show_grace_minutes},
        )
        booking_notify(booking, EmailKind.NO_SHOW)
        bar_if_threshold(booking.applicant_id, office, now)
    logger.info("booking id=%s marked no-show", booking_id)
    return 1


def _no_show_undone(booking: Booking) -> bool:
    """A counselor took back a no-show of this booking: the rule does not mark it again."""
    return booking.events.filter(
        reason_code=Reason.UNDONE, from_status=BookingStatus.NO_SHOW
    ).exists()


def _counted(applicant: Applicant):
    """
    The no-shows that count toward the bar: those of a verified identity (issue 23). An
    office record's are all its own; an open booking's record is an address anyone may
    type, so only its bookings whose address was shown to be the person's count: a
    stranger's bookings made with someone's address at a service that checks no address
    never bar that address's owner.
    """
    counted = Booking.objects.filter(applicant=applicant, status=BookingStatus.NO_SHOW)
    if not applicant.is_checked:
        counted = counted.filter(address_shown())
    if applicant.bar_lifted_at:
        counted = counted.filter(start__gt=applicant.bar_lifted_at)
    return counted


def bar_withdraw_if_caused(booking: Booking, *, since: datetime, now: datetime) -> bool:
    """
    After a no-show was taken back: a bar set since it (so caused by it) is withdrawn
    when the no-shows left no longer reach the threshold, and the person is told.
    Runs inside the caller's transaction; returns whether a bar was withdrawn.
    """
    applicant = applicant_lock(booking.applicant_id)
    if not applicant.is_barred or applicant.barred_at < since:
        return False
    if not _bar_withdraw_below_threshold(applicant, booking.office):
        return False
    booking_notify(booking, EmailKind.BAR_WITHDRAWN, occurrence=f"{now.timestamp():.0f}")
    return True


def bar_recompute(applicant_id: int, office: Office) -> bool:
    """
    After a booking left the record (a counselor linked it to the office's record of the
    person, who may not be this address's owner): a bar its remaining no-shows no longer
    reach is withdrawn. The counselor who linked, having spoken with the person, tells
    them. Runs inside the caller's transaction; returns whether a bar was withdrawn.
    """
    applicant = applicant_lock(applicant_id)
    return applicant.is_barred and _bar_withdraw_below_threshold(applicant, office)


def _bar_withdraw_below_threshold(applicant: Applicant, office: Office) -> bool:
    threshold = office.no_show_bar_threshold
    if threshold and _counted(applicant).count() >= threshold:
        return False
    applicant.barred_at = None
    applicant.barred_reason = ""
    applicant.save(update_fields=["barred_at", "barred_reason"])
    return True


def bar_if_threshold(applicant_id: int, office: Office, now: datetime) -> None:
    if not office.no_show_bar_threshold:
        return
    applicant = applicant_lock(applicant_id)
    if applicant.is_barred:
        return
    counted = _counted(applicant)
    if counted.count() < office.no_show_bar_threshold:
        return
    applicant.barred_at = now
    applicant.barred_reason = _("%(count)d unannounced no-shows") % {"count": counted.count()}
    applicant.save(update_fields=["barred_at", "barred_reason"])
    latest = counted.order_by("-start").first()
    booking_notify(latest, EmailKind.BARRED)


@booking_transaction()
def applicant_lift_bar(*, applicant: Applicant, by: User, reason: str, now: datetime) -> Applicant:
    """A counselor of the office lifts the bar, with a reason (kept on the record)."""
    applicant = applicant_lock(applicant.pk)
    if not (by.is_superuser or by.office_id == applicant.office_id):
        raise NotAllowedNow(_("This person belongs to another office."))
    if not applicant.is_barred:
        raise NotAllowedNow(_("This person is not barred."))
    if not reason.strip():
        raise NotAllowedNow(_("Say why the bar is lifted."))
    text_refuse_hidden(reason=reason)
    applicant.barred_at = None
    applicant.bar_lifted_at = now
    applicant.bar_lifted_by = by
    applicant.bar_lift_reason = reason[:300]
    applicant.save(update_fields=["barred_at", "bar_lifted_at", "bar_lifted_by", "bar_lift_reason"])
    return applicant
