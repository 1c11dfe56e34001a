"""Thin Celery tasks of interviews: ids in, one service call, the platform retry policy."""

from celery import shared_task

from bookings.tasks import PLATFORM_RETRIES
from common import clock
from interviews.services.meetings import interview_meeting_delete, interview_meeting_issue
from interviews.services.outcomes import interviews_absent_sweep


@shared_task(bind=True, acks_late=True, max_retries=PLATFORM_RETRIES.max_retries)
def issue_interview_meeting(self, interview_id: int) -> None:
    PLATFORM_RETRIES.run(
        self, lambda: interview_meeting_issue(interview_id=interview_id, now=clock.now())
    )


@shared_task(bind=True, acks_late=True, max_retries=PLATFORM_RETRIES.max_retries)
def delete_interview_meeting(self, interview_id: int) -> None:
    PLATFORM_RETRIES.run(
        self, lambda: interview_meeting_delete(interview_id=interview_id, now=clock.now())
    )


@shared_task
def mark_interview_absences() -> int:
    """Periodic: the 10-minute rule, per party, for interviews past their start."""
    return interviews_absent_sweep(now=clock.now())
