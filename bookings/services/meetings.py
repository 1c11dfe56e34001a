"""
Meetings of bookings: issued on confirmation, after commit, by a Celery task; deleted on
cancellation. Idempotent: the meeting row is locked while a task works on it, an issued
meeting is never issued again, and a create that may have reached the platform is looked
up (by the booking's UUID) before it is tried again. The booking never waits for any of it.
"""

import logging
from datetime import datetime

from django.db import transaction

from bookings.models import Booking, BookingStatus
from bookings.selectors.bookings import meeting_for
from conferencing.models import OnlineMeeting
from conferencing.providers import provider_for
from conferencing.providers.teleoffice import TeleOfficeProvider
from conferencing.types import (
    AccountMissing,
    ConferencingError,
    MeetingRequest,
    RateLimited,
    TransientError,
)
from offices.models import User

logger = logging.getLogger(__name__)

MEETING_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.IN_PROGRESS)


def _request(booking: Booking) -> MeetingRequest:
    return MeetingRequest(
        booking_uuid=str(booking.uuid),
        topic=f"{booking.office.name} {booking.reference}",
        start_utc=booking.start,
        end_utc=booking.end,
        attendee_email=booking.email,
    )


def _notify_issued(booking: Booking, meeting: OnlineMeeting) -> None:
    from bookings.emails.applicant import meeting_issued_message
    from bookings.services.links import booking_email_links
    from notifications.services import notification_is_queued, notification_queue
    from notifications.tasks import send_after_commit

    dedupe_key = f"booking:{booking.pk}:meeting:{meeting.join_url}"
    if notification_is_queued(dedupe_key):
        return
    links = booking_email_links(booking)
    notification, created = notification_queue(
        dedupe_key=dedupe_key,
        kind="meeting_issued",
        recipient=booking.email,
        language=booking.language,
        message=meeting_issued_message(booking, meeting, links=links),
        office_id=booking.office_id,
    )
    if created:
        transaction.on_commit(lambda: send_after_commit(notification.pk))


def _notify_staff(booking: Booking, meeting: OnlineMeeting) -> None:
    """Counselors hear of a meeting that needs them, once per booking and meeting status."""
    from bookings.services.notify import staff_notify

    staff_notify(
        booking, "staff_meeting_needs_action", meeting=meeting, dedupe_suffix=f":{meeting.status}"
    )


def meeting_issue(
    *, booking_id: int, now: datetime, final_attempt: bool = False
) -> OnlineMeeting | None:
    """
    Issues the booking's meeting if it has none. Raises RateLimited / TransientError for
    the task to retry, after committing the attempt; on the final attempt a transient
    failure marks the meeting failed (staff see it and can paste a link by hand).
    """
    retry_error: ConferencingError | None = None
    with transaction.atomic():
        booking = Booking.objects.select_related("office").get(pk=booking_id)
        meeting, _created = OnlineMeeting.objects.get_or_create(
            booking_uuid=booking.uuid, defaults={"office_id": booking.office_id}
        )
        meeting = OnlineMeeting.objects.select_for_update().get(pk=meeting.pk)
        if booking.status not in MEETING_STATUSES or meeting.status == OnlineMeeting.Status.ISSUED:
            return meeting
        office = booking.office
        try:
            provider = provider_for(platform=office.platform, account=office.platform_account)
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
        meeting.attempts += 1
        try:
            # A create that may have reached the platform is looked up before it is retried.
            info = provider.find_meeting(str(booking.uuid)) if meeting.attempts > 1 else None
            info = info or provider.create_meeting(
                _request(booking), idempotency_key=str(booking.uuid)
            )
        except ConferencingError as error:
            meeting.last_error = f"{type(error).__name__}: {error}"[:300]
            retryable = isinstance(error, RateLimited | TransientError)
            if retryable and not (final_attempt and isinstance(error, TransientError)):
                retry_error = error
            else:
                meeting.status = OnlineMeeting.Status.FAILED
                logger.warning(
                    "meeting of booking id=%s failed: %s", booking.pk, type(error).__name__
                )
            meeting.save(
                update_fields=["provider", "attempts", "last_error", "status", "updated_at"]
            )
            if meeting.status == OnlineMeeting.Status.FAILED:
                _notify_staff(booking, meeting)
        else:
            meeting.status = OnlineMeeting.Status.ISSUED
            meeting.external_id, meeting.join_url = info.external_id, info.join_url
            meeting.host_url, meeting.passcode = info.host_url, info.passcode
            meeting.meeting_number = info.meeting_number
            meeting.issued_at, meeting.last_error = now, ""
            meeting.save()
            _notify_issued(booking, meeting)
            logger.info("meeting issued for booking id=%s via %s", booking.pk, provider.name)
    if retry_error is not None:
        raise retry_error
    return meeting


def meeting_update(*, booking_id: int) -> None:
    """Moves the platform meeting to the booking's current time (rescheduled, extended)."""
    with transaction.atomic():
        booking = Booking.objects.select_related("office").get(pk=booking_id)
        meeting = (
            OnlineMeeting.objects.select_for_update().filter(booking_uuid=booking.uuid).first()
        )
        if meeting is None or meeting.status != OnlineMeeting.Status.ISSUED:
            return
        if meeting.provider in ("", "manual", "teleoffice", "fake"):
            return  # nothing to move at the platform
        provider = provider_for(
            platform=booking.office.platform, account=booking.office.platform_account
        )
        provider.update_meeting(meeting.external_id, _request(booking))


def meeting_delete(*, booking_id: int) -> None:
    """Deletes the platform meeting of a cancelled booking; not-found counts as done."""
    with transaction.atomic():
        booking = Booking.objects.select_related("office").get(pk=booking_id)
        meeting = (
            OnlineMeeting.objects.select_for_update().filter(booking_uuid=booking.uuid).first()
        )
        if meeting is None or meeting.status == OnlineMeeting.Status.DELETED:
            return
        if meeting.external_id and meeting.provider not in ("", "teleoffice"):
            provider = provider_for(
                platform=booking.office.platform, account=booking.office.platform_account
            )
            provider.delete_meeting(meeting.external_id)
        meeting.status = OnlineMeeting.Status.DELETED
        meeting.save(update_fields=["status", "updated_at"])


@transaction.atomic
def meeting_set_manual_link(
    *, booking: Booking, join_url: str, passcode: str = "", by: User, now: datetime
) -> OnlineMeeting:
    """A counselor pastes the join link (TeleOffice, or after a platform failure)."""
    if not (by.is_superuser or by.office_id == booking.office_id):
        raise ConferencingError("this booking belongs to another office")
    join_url = TeleOfficeProvider.validate_join_url(join_url)
    meeting, _created = OnlineMeeting.objects.get_or_create(
        booking_uuid=booking.uuid, defaults={"office_id": booking.office_id}
    )
    meeting = OnlineMeeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.provider = meeting.provider or "manual"
    meeting.join_url, meeting.passcode = join_url, passcode[:50]
    meeting.status, meeting.last_error = OnlineMeeting.Status.ISSUED, ""
    meeting.issued_at = now
    meeting.save()
    _notify_issued(booking, meeting)
    return meeting


def meetings_poll_attendance(*, now: datetime, window_hours: int = 3) -> int:
    """
    For platforms that report attendance on request (Teams), records when the applicant
    (matched by the booking's email) joined sessions that started in the last hours and
    have no join recorded yet. Returns how many joins were recorded.
    """
    from datetime import timedelta

    from conferencing.services import meeting_record_applicant_join

    bookings = Booking.objects.select_related("office").filter(
        status__in=MEETING_STATUSES,
        start__lte=now,
        start__gte=now - timedelta(hours=window_hours),
        office__platform="teams",
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
                platform=booking.office.platform, account=booking.office.platform_account
            )
            records = provider.fetch_attendance(meeting.external_id) or []
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
    from datetime import timedelta

    from django.conf import settings
    from django.db.models import Exists, OuterRef

    if stale_minutes is None:
        stale_minutes = settings.MEETING_SWEEP_STALE_MINUTES
    stale = now - timedelta(minutes=stale_minutes)
    meetings = OnlineMeeting.objects.filter(booking_uuid=OuterRef("uuid"))
    to_issue = list(
        Booking.objects.filter(status__in=MEETING_STATUSES, end__gt=now, updated_at__lt=stale)
        .filter(
            ~Exists(meetings)
            | Exists(meetings.filter(status=OnlineMeeting.Status.PENDING, updated_at__lt=stale))
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
