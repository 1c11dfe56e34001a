"""Thin Celery tasks: ids in, one service call."""

import random

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from bookings.services.meetings import (
    meeting_delete,
    meeting_issue,
    meeting_update,
    meetings_poll_attendance,
)
from bookings.services.terms_changes import terms_changes_notify_recent
from bookings.services.transitions import bookings_expire_unverified
from common import clock
from conferencing.types import RateLimited, TransientError


@shared_task
def expire_unverified_bookings() -> int:
    """Periodic: bookings whose email check window passed free their time."""
    return bookings_expire_unverified(now=clock.now())


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
        meeting_issue(
            booking_id=booking_id, now=clock.now(), final_attempt=final,
            claim_id=self.request.id or "",
        )  # fmt: skip
    except RateLimited as limited:
        # Jitter spreads retries out; it needs no cryptographic randomness.
        jitter = random.uniform(0, 5)  # noqa: S311
        raise self.retry(countdown=limited.retry_after_seconds + jitter) from None
    except (TransientError, DatabaseError):
        # The platform failing, or the database gone while the result was being recorded:
        # the retry (same task id, so it takes its own claim back) looks the meeting up.
        backoff = min(3600, settings.MEETING_RETRY_BASE_SECONDS * 2**self.request.retries)
        raise self.retry(countdown=backoff + random.uniform(0, backoff / 4)) from None  # noqa: S311


# 5xx and connection errors retry on their own, backing off exponentially from one base
# delay (MEETING_RETRY_BASE_SECONDS) with full jitter; a 429 waits as long as it is told.
_PLATFORM_RETRIES = {
    "autoretry_for": (TransientError,),
    "retry_backoff": settings.MEETING_RETRY_BASE_SECONDS,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": MEETING_MAX_RETRIES,
}


@shared_task(bind=True, acks_late=True, **_PLATFORM_RETRIES)
def update_meeting(self, booking_id: int) -> None:
    """After a booking's time changed (rescheduled or extended)."""
    try:
        meeting_update(booking_id=booking_id)
    except RateLimited as limited:
        raise self.retry(countdown=limited.retry_after_seconds) from None


@shared_task(bind=True, acks_late=True, **_PLATFORM_RETRIES)
def delete_meeting(self, booking_id: int) -> None:
    try:
        meeting_delete(booking_id=booking_id, now=clock.now())
    except RateLimited as limited:
        raise self.retry(countdown=limited.retry_after_seconds) from None


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


@shared_task(soft_time_limit=1500, time_limit=1800)
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
