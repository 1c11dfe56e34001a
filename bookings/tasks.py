"""Thin Celery tasks: ids in, one service call."""

from celery import shared_task

from bookings.services import bookings_expire_unverified


@shared_task
def expire_unverified_bookings() -> int:
    """Periodic: bookings whose email check window passed free their time."""
    return bookings_expire_unverified()
