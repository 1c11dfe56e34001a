"""Thin Celery tasks: ids in, one service call."""

import random

from celery import shared_task
from django.conf import settings

from bookings.services.meetings import (
    meeting_delete,
    meeting_issue,
    meeting_update,
    meetings_poll_attendance,
)
from bookings.services.terms_changes import terms_change_notify, terms_changes_notify_recent
from bookings.services.transitions import bookings_expire_unverified
from common import clock
from conferencing.types import RateLimited, TransientError


@shared_task
def expire_unverified_bookings() -> int:
    """Periodic: bookings whose email check window passed free their time."""
    return bookings_expire_unverified(now=clock.now())


@shared_task
def notify_terms_change(terms_version_id: int) -> int:
    """Entry point: tell people with upcoming bookings about a version now in force."""
    return terms_change_notify(terms_version_id=terms_version_id, now=clock.now())


@shared_task
def notify_recent_terms_changes() -> int:
    """Periodic: versions that took effect recently (each person is told once)."""
    return terms_changes_notify_recent(now=clock.now())


MEETING_MAX_RETRIES = 6


@shared_task(bind=True, acks_late=True, max_retries=MEETING_MAX_RETRIES)
def issue_meeting(self, booking_id: int) -> None:
    """
    429: wait as long as the platform says (a rescheduled task, not a sleeping worker).
    5xx and connection errors: exponential backoff with jitter. After the last try the
    meeting is marked failed and shown to staff, who can paste a link by hand.
    """
    final = self.request.retries >= MEETING_MAX_RETRIES
    try:
        meeting_issue(booking_id=booking_id, now=clock.now(), final_attempt=final)
    except RateLimited as limited:
        # Jitter spreads retries out; it needs no cryptographic randomness.
        jitter = random.uniform(0, 5)  # noqa: S311
        raise self.retry(countdown=limited.retry_after_seconds + jitter) from None
    except TransientError:
        backoff = min(3600, settings.MEETING_RETRY_BASE_SECONDS * 2**self.request.retries)
        raise self.retry(countdown=backoff + random.uniform(0, backoff / 4)) from None  # noqa: S311


@shared_task(bind=True, acks_late=True, max_retries=MEETING_MAX_RETRIES)
def update_meeting(self, booking_id: int) -> None:
    """After a booking's time changed (rescheduled or extended)."""
    try:
        meeting_update(booking_id=booking_id)
    except RateLimited as limited:
        raise self.retry(countdown=limited.retry_after_seconds) from None
    except TransientError:
        raise self.retry(countdown=min(3600, 10 * 2**self.request.retries)) from None


@shared_task(bind=True, acks_late=True, max_retries=MEETING_MAX_RETRIES)
def delete_meeting(self, booking_id: int) -> None:
    try:
        meeting_delete(booking_id=booking_id)
    except RateLimited as limited:
        raise self.retry(countdown=limited.retry_after_seconds) from None
    except TransientError:
        raise self.retry(countdown=min(3600, 10 * 2**self.request.retries)) from None


@shared_task
def poll_meeting_attendance() -> int:
    """Periodic: when applicants joined Teams sessions (Zoom reports it by webhook)."""
    return meetings_poll_attendance(now=clock.now())


@shared_task
def mark_no_shows() -> int:
    """Periodic: confirmed bookings nobody attended, 10 minutes (the grace) after the start."""
    from bookings.services.no_shows import bookings_mark_no_shows

    return bookings_mark_no_shows(now=clock.now())


@shared_task
def send_reminders() -> int:
    """Periodic: the previous-business-day and the shortly-before reminders."""
    from bookings.services.reminders import bookings_send_reminders

    return bookings_send_reminders(now=clock.now())


@shared_task
def purge_personal_data() -> int:
    """Periodic (daily): the retention schedule; returns how many bookings were purged."""
    from bookings.services.retention import personal_data_purge

    return personal_data_purge(now=clock.now()).bookings


@shared_task
def clear_expired_sessions() -> None:
    """Periodic (hourly): expired sessions go, with the drafts of unfinished bookings."""
    from bookings.services.retention import sessions_clear_expired

    sessions_clear_expired()


@shared_task
def sweep_meetings() -> int:
    """Periodic: re-queues meeting work whose task never ran (broker down, worker lost)."""
    from bookings.services.meetings import meetings_sweep

    to_issue, to_delete = meetings_sweep(now=clock.now())
    for booking_id in to_issue:
        issue_meeting.delay(booking_id)
    for booking_id in to_delete:
        delete_meeting.delay(booking_id)
    return len(to_issue) + len(to_delete)
