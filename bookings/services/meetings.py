"""
Meetings of bookings: issued on confirmation, after commit, by a Celery task; deleted on
cancellation. Idempotent: the meeting row is locked while a task works on it, an issued
meeting is never issued again, and a create that may have reached the platform is looked
up (by the booking's UUID) before it is tried again. The booking never waits for any of it.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from bookings.emails.applicant import meeting_issued_message
from bookings.models import Booking, BookingStatus
from bookings.selectors.bookings import meeting_for, meeting_key, meeting_platform
from bookings.services.links import booking_email_links
from bookings.services.locking import booking_lock, booking_transaction
from bookings.services.notify import staff_notify
from bookings.state import Action, Actor, refusal
from common.queue import enqueue_after_commit
from conferencing.models import OnlineMeeting
from conferencing.providers import join_hosts_for, platforms_where, provider_for
from conferencing.providers.base import join_url_validate
from conferencing.services import attendee_key, meeting_record_applicant_join
from conferencing.types import (
    AccountMissing,
    ConferencingError,
    MeetingRequest,
    RateLimited,
    TransientError,
)
from notifications.services import notification_enqueue
from offices.models import User

logger = logging.getLogger(__name__)

MEETING_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.IN_PROGRESS)


def _request(booking: Booking) -> MeetingRequest:
    seat = booking.group_session_id is not None  # one meeting for all a session's seats
    timed = booking.group_session if seat else booking
    return MeetingRequest(
        booking_uuid=str(timed.uuid),
        topic=f"{booking.office.name} {timed.display_title if seat else booking.reference}",
        start_utc=timed.start,
        end_utc=timed.end,
        attendee_email="" if seat else booking.email,
    )


def _notify_issued(booking: Booking, meeting: OnlineMeeting) -> None:

    if not booking.email:
        return  # entered by staff without email: the counselor gives the link by phone
    notification_enqueue(
        dedupe_key=f"booking:{booking.pk}:meeting:{meeting.join_url}",
        kind="meeting_issued",
        recipient=booking.email,
        language=booking.language,
        render=lambda: meeting_issued_message(booking, meeting, links=booking_email_links(booking)),
        office_id=booking.office_id,
    )


def _notify_seats(booking: Booking, meeting: OnlineMeeting) -> None:
    """Each confirmed seat of the session gets its join link (deduped per seat)."""
    for seat in Booking.objects.select_related("office", "service", "group_session").filter(
        group_session_id=booking.group_session_id, status__in=MEETING_STATUSES
    ):
        _notify_issued(seat, meeting)


def _calendar_revised(booking: Booking) -> None:
    """A new join link changes the calendar event (its location and text): one more
    SEQUENCE, so the file sent with the link replaces the one sent before."""
    booking.sequence += 1
    booking.save(update_fields=["sequence", "updated_at"])


def _notify_staff(booking: Booking, meeting: OnlineMeeting) -> None:
    """Counselors hear of a meeting that needs them, once per booking and meeting status."""

    staff_notify(
        booking, "staff_meeting_needs_action", meeting=meeting, dedupe_suffix=f":{meeting.status}"
    )


def meeting_issue(
    *, booking_id: int, now: datetime, final_attempt: bool = False, claim_id: str = ""
) -> OnlineMeeting | None:
    """
    Issues the booking's meeting if it has none, with no network call inside a
    transaction: (1) a short transaction claims the work (the meeting row locked, its
    status `issuing`, the attempt counted and committed); (2) the platform is called
    outside any transaction; (3) a second short transaction records the result after
    re-reading the state. A claim younger than `MEETING_CLAIM_SECONDS` is another run's (a
    duplicate task returns at once) unless it carries this run's `claim_id` (the task's
    id, the same across its retries: a retry after the database went away mid-record
    takes its own claim back); an older one was lost and is taken over. From the second
    attempt on, the platform is asked for the meeting by the booking's UUID before one is
    created, so a create whose answer was lost is never repeated. Raises RateLimited /
    TransientError for the task to retry; on the final attempt a transient failure marks
    the meeting failed (staff see it and can paste a link by hand).
    """
    claim = _meeting_claim(booking_id=booking_id, now=now, claim_id=claim_id)
    if not isinstance(claim, _Claim):
        return claim
    try:
        # A create that may have reached the platform is looked up before it is retried.
        info = claim.provider.find_meeting(claim.key) if claim.attempts > 1 else None
        info = info or claim.provider.create_meeting(claim.request, idempotency_key=claim.key)
    except ConferencingError as error:
        return _meeting_record_failure(claim, error, now=now, final_attempt=final_attempt)
    return _meeting_record_issued(claim, info, now=now)


@dataclass(frozen=True)
class _Claim:
    meeting_id: int
    booking_id: int
    attempts: int
    provider: object
    request: MeetingRequest
    key: str


def _meeting_claim(*, booking_id: int, now: datetime, claim_id: str) -> "_Claim | OnlineMeeting":
    with transaction.atomic():
        booking = Booking.objects.select_related("office", "group_session").get(pk=booking_id)
        seat = booking.group_session_id is not None
        meeting, _created = OnlineMeeting.objects.get_or_create(
            booking_uuid=meeting_key(booking),
            defaults={
                "office_id": booking.office_id,
                "attendee_key": "" if seat else attendee_key(booking.email),
            },
        )
        meeting = OnlineMeeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)
        if booking.status not in MEETING_STATUSES:
            return meeting
        if meeting.status == OnlineMeeting.Status.ISSUED:
            if seat:  # the session's meeting exists: this seat's person gets its link
                _notify_issued(booking, meeting)
            return meeting
        lease = timedelta(seconds=settings.MEETING_CLAIM_SECONDS)
        theirs = not claim_id or meeting.claim_id != claim_id
        if (
            meeting.status == OnlineMeeting.Status.ISSUING
            and meeting.updated_at > now - lease
            and theirs
        ):
            return meeting  # another run is calling the platform for it right now
        office = booking.office
        try:
            provider = provider_for(
                platform=meeting_platform(booking),
                account=office.platform_account,
                office=office.slug,
            )
        except AccountMissing as missing:
            meeting.status = OnlineMeeting.Status.WAITING_FOR_ACCOUNT
            meeting.last_error = str(missing)
            meeting.save(update_fields=["status", "last_error", "updated_at"])
            _notify_staff(booking, meeting)
            return meeting
        meeting.provider = provider.name
        if not provider.capabilities.auto_create:
            meeting.status = OnlineMeeting.Status.MANUAL_NEEDED
            meeting.save(update_fields=["provider", "status", "updated_at"])
            _notify_staff(booking, meeting)
            return meeting
        # Counted and committed before the call: a retry after any earlier attempt (whose
        # answer may have been lost with its worker or the database) looks it up first.
        meeting.attempts += 1
        meeting.status, meeting.claim_id = OnlineMeeting.Status.ISSUING, claim_id
        meeting.save(update_fields=["provider", "attempts", "status", "claim_id", "updated_at"])
        return _Claim(
            meeting_id=meeting.pk, booking_id=booking.pk, attempts=meeting.attempts,
            provider=provider, request=_request(booking), key=str(meeting_key(booking)),
        )  # fmt: skip


def _meeting_record_issued(claim: _Claim, info, *, now: datetime) -> OnlineMeeting:
    with booking_transaction():
        # The one order: the booking, then its meeting.
        booking = booking_lock(claim.booking_id)
        meeting = OnlineMeeting.objects.select_for_update(no_key=True).get(pk=claim.meeting_id)
        if meeting.status == OnlineMeeting.Status.ISSUED:
            return meeting
        meeting.status = OnlineMeeting.Status.ISSUED
        meeting.external_id, meeting.join_url = info.external_id, info.join_url
        meeting.host_url, meeting.passcode = info.host_url, info.passcode
        meeting.meeting_number = info.meeting_number
        meeting.issued_at, meeting.last_error = now, ""
        meeting.save()
        if booking.group_session_id:  # each seat's person (their calendars keep the session)
            _notify_seats(booking, meeting)
        elif booking.status in MEETING_STATUSES:
            _calendar_revised(booking)
            _notify_issued(booking, meeting)
        else:  # cancelled while the platform was creating it: it goes again
            enqueue_after_commit(
                "bookings.tasks.delete_meeting", booking.pk,
                what=f"deletion of the meeting of booking id={booking.pk}",
            )  # fmt: skip
    logger.info("meeting issued for booking id=%s via %s", claim.booking_id, meeting.provider)
    return meeting


def _meeting_record_failure(
    claim: _Claim, error: ConferencingError, *, now: datetime, final_attempt: bool
) -> OnlineMeeting:
    with transaction.atomic():
        meeting = OnlineMeeting.objects.select_for_update(no_key=True).get(pk=claim.meeting_id)
        if meeting.status == OnlineMeeting.Status.ISSUED:
            return meeting
        meeting.last_error = f"{type(error).__name__}: {error}"[:300]
        retryable = isinstance(error, RateLimited | TransientError)
        retry = retryable and not (final_attempt and isinstance(error, TransientError))
        meeting.status = OnlineMeeting.Status.PENDING if retry else OnlineMeeting.Status.FAILED
        meeting.save(update_fields=["last_error", "status", "updated_at"])
        if not retry:
            logger.warning(
                "meeting of booking id=%s failed: %s", claim.booking_id, type(error).__name__
            )
            _notify_staff(
                Booking.objects.select_related("office").get(pk=claim.booking_id), meeting
            )
    if retry:
        raise error
    return meeting


def meeting_update(*, booking_id: int) -> None:
    """Moves the platform meeting to the booking's current time (rescheduled, extended).
    Read, then call the platform outside any transaction (a PATCH is idempotent)."""
    booking = Booking.objects.select_related("office").get(pk=booking_id)
    if booking.group_session_id:
        return  # a seat never moves: its session's meeting stays as it is
    meeting = OnlineMeeting.objects.filter(booking_uuid=booking.uuid).first()
    if meeting is None or meeting.status != OnlineMeeting.Status.ISSUED:
        return
    provider = provider_for(
        platform=booking.office.platform,
        account=booking.office.platform_account,
        office=booking.office.slug,
    )
    if meeting.provider != provider.name or not provider.capabilities.auto_update:
        return  # a pasted link, or a platform with nothing to move
    provider.update_meeting(meeting.external_id, _request(booking))


def meeting_delete(*, booking_id: int, now: datetime) -> None:
    """Deletes the platform meeting of a cancelled booking; not-found counts as done. The
    platform is called outside any transaction (a DELETE is idempotent), then recorded."""
    booking = Booking.objects.select_related("office", "group_session").get(pk=booking_id)
    if booking.group_session_id and booking.group_session.is_scheduled:
        return  # one seat given back: the session, and its meeting, go on for the others
    meeting = OnlineMeeting.objects.filter(booking_uuid=meeting_key(booking)).first()
    if meeting is None or meeting.status == OnlineMeeting.Status.DELETED:
        return
    if meeting.external_id and meeting.provider not in ("", "manual"):
        provider = provider_for(
            platform=meeting_platform(booking),
            account=booking.office.platform_account,
            office=booking.office.slug,
        )
        if provider.capabilities.auto_delete and meeting.provider == provider.name:
            provider.delete_meeting(meeting.external_id)
    OnlineMeeting.objects.filter(pk=meeting.pk, external_id=meeting.external_id).update(
        status=OnlineMeeting.Status.DELETED, updated_at=now
    )


@transaction.atomic
def meeting_set_manual_link(
    *, booking: Booking, join_url: str, passcode: str = "", by: User, now: datetime
) -> OnlineMeeting:
    """
    A counselor pastes the join link (TeleOffice, or after a platform failure). It replaces
    the whole meeting as the staff see it: an issued meeting's ID and host link belong to
    the old link and are cleared, so no stale ID is read out to the person.
    """
    if not (by.is_superuser or by.office_id == booking.office_id):
        raise ConferencingError(_("This booking belongs to another office."))
    refused = refusal(Action.PASTE_LINK, booking, Actor.STAFF, now)
    if refused:
        raise ConferencingError(refused)
    office = booking.office
    join_url = join_url_validate(
        join_url, hosts=join_hosts_for(platform=office.platform, account=office.platform_account)
    )
    _calendar_revised(booking)  # before the meeting's lock: the booking, then its meeting
    meeting, _created = OnlineMeeting.objects.get_or_create(
        booking_uuid=meeting_key(booking), defaults={"office_id": booking.office_id}
    )
    meeting = OnlineMeeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.provider = meeting.provider or "manual"
    meeting.join_url, meeting.passcode = join_url, passcode[:50]
    meeting.meeting_number, meeting.host_url = "", ""
    meeting.status, meeting.last_error = OnlineMeeting.Status.ISSUED, ""
    meeting.issued_at = now
    meeting.save()
    (_notify_seats if booking.group_session_id else _notify_issued)(booking, meeting)
    return meeting


def meetings_poll_attendance(*, now: datetime, window_hours: int = 3) -> int:
    """
    For platforms that report attendance on request (Teams), records when the applicant
    (matched by the booking's email) joined sessions that started in the last hours and
    have no join recorded yet. Returns how many joins were recorded.
    """
    bookings = Booking.objects.select_related("office").filter(
        status__in=MEETING_STATUSES,
        start__lte=now,
        start__gte=now - timedelta(hours=window_hours),
        office__platform__in=platforms_where("attendance_polled"),
    )
    recorded = 0
    for booking in bookings:
        meeting = meeting_for(booking)
        if (
            meeting is None
            or meeting.status != OnlineMeeting.Status.ISSUED
            or meeting.applicant_joined_at
        ):
            continue
        try:
            provider = provider_for(
                platform=booking.office.platform,
                account=booking.office.platform_account,
                office=booking.office.slug,
            )
            records = provider.fetch_attendance(meeting.external_id)
        except ConferencingError as error:
            logger.warning(
                "attendance of booking id=%s unavailable: %s", booking.pk, type(error).__name__
            )
            continue
        joins = [r.joined_at for r in records if r.email.lower() == booking.email.lower()]
        if joins:
            meeting_record_applicant_join(
                provider=meeting.provider, external_id=meeting.external_id, joined_at=min(joins)
            )
            recorded += 1
    return recorded


def meetings_sweep(*, now: datetime, stale_minutes: int | None = None) -> tuple[list, list]:
    """
    Periodic: finds the meeting work whose task never ran (the broker was down at commit,
    or a worker died): upcoming confirmed bookings with no meeting, or one left pending for
    `stale_minutes`; cancelled bookings whose meeting still exists at the platform. Returns
    (booking ids to issue, booking ids to delete); the tasks are idempotent, so a sweep
    that overlaps a task in flight does no harm.
    """
    if stale_minutes is None:
        stale_minutes = settings.MEETING_SWEEP_STALE_MINUTES
    stale = now - timedelta(minutes=stale_minutes)
    # A seat's meeting is its session's (`meeting_key`).
    meetings = OnlineMeeting.objects.filter(
        booking_uuid=Coalesce(OuterRef("group_session__uuid"), OuterRef("uuid"))
    )
    to_issue = list(
        Booking.objects.filter(status__in=MEETING_STATUSES, end__gt=now, updated_at__lt=stale)
        .filter(
            ~Exists(meetings)
            | Exists(
                meetings.filter(
                    status__in=[OnlineMeeting.Status.PENDING, OnlineMeeting.Status.ISSUING],
                    updated_at__lt=stale,
                )
            )
        )
        .values_list("pk", flat=True)
    )
    to_delete = list(
        Booking.objects.filter(status=BookingStatus.CANCELLED)
        .filter(
            Exists(
                meetings.exclude(status=OnlineMeeting.Status.DELETED)
                .exclude(external_id="")
                .filter(updated_at__lt=stale)
            )
        )
        .values_list("pk", flat=True)
    )
    return to_issue, to_delete
