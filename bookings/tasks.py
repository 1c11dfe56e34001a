"""Thin Celery tasks: ids in, one service call."""

from celery import shared_task

from bookings.services import (
    bookings_expire_unverified,
    terms_change_notify,
    terms_changes_notify_recent,
)


@shared_task
def expire_unverified_bookings() -> int:
    """Periodic: bookings whose email check window passed free their time."""
    return bookings_expire_unverified()


@shared_task
def notify_terms_change(terms_version_id: int) -> int:
    """Entry point: tell people with upcoming bookings about a version now in force."""
    return terms_change_notify(terms_version_id=terms_version_id)


@shared_task
def notify_recent_terms_changes() -> int:
    """Periodic: versions that took effect recently (each person is told once)."""
    return terms_changes_notify_recent()
