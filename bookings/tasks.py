"""Thin Celery tasks: ids in, one service call."""

import random
from collections.abc import Callable
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from bookings.services.closing import bookings_close_stale
from bookings.services.find import booking_link_send
from bookings.services.holds import requests_lapse_undecided
from bookings.services.meetings import (
    meeting_delete,
    meeting_issue,
    meeting_update,
    meetings_poll_attendance,
    meetings_sweep,
)
from bookings.services.no_shows import bookings_mark_no_shows
from bookings.services.reminders import bookings_send_reminders
from bookings.services.retention import personal_data_purge, sessions_clear_expired
from bookings.services.terms_changes import terms_changes_notify_recent
from bookings.services.transitions import bookings_expire_unverified
from common import clock
from conferencing.types import RateLimited, TransientError


@shared_task
def expire_unverified_bookings() -> int:
    """Periodic: bookings whose email check window passed free their time."""
    return bookings_expire_unverified(now=clock.now())


@shared_task
def lapse_undecided_requests() -> int:
    """Periodic: requests no counselor answered by their `decide_by` lapse (the person is
    told and offered to book again)."""

    return requests_lapse_undecided(now=clock.now())


@shared_task
def close_stale_bookings() -> int:
    """Periodic (daily): bookings that can no longer take place get their final status."""

    return bookings_close_stale(now=clock.now())


@shared_task
def send_booking_link(reference: str, email: str) -> bool:
    """ "Find my booking": the look-up and its email, out of the request (services.find)."""

    return booking_link_send(reference=reference, email=email, now=clock.now())


@shared_task
def notify_recent_terms_changes() -> int:
    """Periodic: versions that took effect recently (each person is told once)."""
    return terms_changes_notify_recent(now=clock.now())


@dataclass(frozen=True)
class RetryPolicy:
    """
    How a task that calls a platform tries again, declared once for all of them:
    a 429 waits as long as the platform says, plus a little jitter (a rescheduled task,
    never a sleeping worker); a platform failing (5xx, connection) or the database gone
    while the result was being recorded backs off exponentially from
    `settings.MEETING_RETRY_BASE_SECONDS` (read when a retry is due, never at import),
    capped, with jitter. After `max_retries` the error stands (issue_meeting's last try
    marks the meeting failed for staff instead).
    """

    max_retries: int = 6
    max_backoff_seconds: int = 3600
    rate_limit_jitter_seconds: float = 5
    retry_on: tuple[type[BaseException], ...] = (TransientError, DatabaseError)

    def countdown(self, error: BaseException, retries: int) -> float | None:
        """Seconds until the next try after `error` on try number `retries`, or None when
        the error is not one to retry. Jitter spreads retries; it needs no cryptographic
        randomness."""
        if isinstance(error, RateLimited):
            return error.retry_after_seconds + random.uniform(0, self.rate_limit_jitter_seconds)  # noqa: S311
        if isinstance(error, self.retry_on):
            backoff = min(
                self.max_backoff_seconds, settings.MEETING_RETRY_BASE_SECONDS * 2**retries
            )
            return backoff + random.uniform(0, backoff / 4)  # noqa: S311
        return None

    def run(self, task, call: Callable[[], object]) -> None:
        """`call()`, turning an error to retry into the task's retry (the same task id, so
        a meeting's claim is taken back by its own retry)."""
        try:
            call()
        except Exception as error:
            countdown = self.countdown(error, task.request.retries)
            if countdown is None:
                raise
            raise task.retry(countdown=countdown, exc=error) from None


PLATFORM_RETRIES = RetryPolicy()


@shared_task(bind=True, acks_late=True, max_retries=PLATFORM_RETRIES.max_retries)
def issue_meeting(self, booking_id: int) -> None:
    """Issues the booking's meeting (PLATFORM_RETRIES); the last try marks it failed for staff,
    who can paste a link by hand."""
    final = self.request.retries >= PLATFORM_RETRIES.max_retries
    PLATFORM_RETRIES.run(
        self,
        lambda: meeting_issue(
            booking_id=booking_id, now=clock.now(), final_attempt=final,
            claim_id=self.request.id or "",
        ),
    )  # fmt: skip


@shared_task(bind=True, acks_late=True, max_retries=PLATFORM_RETRIES.max_retries)
def update_meeting(self, booking_id: int) -> None:
    """After a booking's time changed (rescheduled or extended)."""
    PLATFORM_RETRIES.run(self, lambda: meeting_update(booking_id=booking_id))


@shared_task(bind=True, acks_late=True, max_retries=PLATFORM_RETRIES.max_retries)
def delete_meeting(self, booking_id: int) -> None:
    PLATFORM_RETRIES.run(self, lambda: meeting_delete(booking_id=booking_id, now=clock.now()))


@shared_task
def poll_meeting_attendance() -> int:
    """Periodic: when applicants joined Teams sessions (Zoom reports it by webhook)."""
    return meetings_poll_attendance(now=clock.now())


@shared_task
def mark_no_shows() -> int:
    """Periodic: confirmed bookings nobody attended, 10 minutes (the grace) after the start."""

    return bookings_mark_no_shows(now=clock.now())


@shared_task
def send_reminders() -> int:
    """Periodic: the previous-business-day and the shortly-before reminders."""

    return bookings_send_reminders(now=clock.now())


@shared_task(soft_time_limit=1500, time_limit=1800)
def purge_personal_data() -> int:
    """Periodic (daily): the retention schedule; returns how many bookings were purged."""

    return personal_data_purge(now=clock.now()).bookings


@shared_task
def clear_expired_sessions() -> None:
    """Periodic (hourly): expired sessions go, with the drafts of unfinished bookings."""

    sessions_clear_expired()


@shared_task
def sweep_meetings() -> int:
    """Periodic: re-queues meeting work whose task never ran (broker down, worker lost)."""

    to_issue, to_delete = meetings_sweep(now=clock.now())
    for booking_id in to_issue:
        issue_meeting.delay(booking_id)
    for booking_id in to_delete:
        delete_meeting.delay(booking_id)
    return len(to_issue) + len(to_delete)
