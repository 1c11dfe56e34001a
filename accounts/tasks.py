"""Thin Celery tasks of staff sign-in."""

from celery import shared_task

from accounts.access_log import staff_access_purge
from accounts.staff_sessions import staff_sessions_end_idle
from common import clock


@shared_task
def purge_staff_access_log() -> int:
    """Periodic (daily): entries of the record of views older than the retention period."""

    return staff_access_purge(now=clock.now())


@shared_task
def end_idle_staff_sessions() -> int:
    """Periodic (every 10 minutes): staff sessions idle past the timeout end in the store
    too, even if their browser never comes back."""

    return staff_sessions_end_idle(now=clock.now())
