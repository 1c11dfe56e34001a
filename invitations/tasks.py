"""Thin Celery tasks of invitations."""

from celery import shared_task

from common import clock
from invitations.services import invitations_remind


@shared_task
def remind_unused_invitations() -> int:
    """Periodic: one reminder for an invitation nobody has booked with yet."""
    return invitations_remind(now=clock.now())
