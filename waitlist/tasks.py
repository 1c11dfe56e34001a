"""Thin Celery tasks of the waitlist: ids in, one service call."""

from celery import shared_task

from common import clock
from waitlist.services import waitlist_match, waitlist_match_waiting, waitlist_sweep


@shared_task
def waitlist_match_office(office_id: int) -> int:
    """After a change that may have freed a time at the office: offer it to the waitlist."""
    return waitlist_match(office_id=office_id, now=clock.now())


@shared_task
def waitlist_sweep_task() -> int:
    """Periodic: lapse offers past their hold, end past entries; then match every office
    where someone waits (the safety net for a matching that was never queued)."""
    now = clock.now()
    return waitlist_sweep(now=now) + waitlist_match_waiting(now=now)
