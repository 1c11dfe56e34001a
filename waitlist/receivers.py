"""
The one place the waitlist hears that a time may have been freed: the booking core's
`availability_moved`, sent after the commit of any change that moves an office's
availability (a cancellation, a lapsed hold, a declined request, a booking moved, a
closure lifted, a counselor added, hours extended). An office with no service on the
waitlist costs nothing (its setup is cached); otherwise the matching is queued.
"""

from bookings.selectors.availability_cache import availability_moved, setup_cached
from common.queue import enqueue_after_commit
from offices.models import Service
from waitlist.services import MATCH_TASK


def _office_has_waitlist(office_id: int) -> bool:
    return setup_cached(
        office_id, "waitlist-on",
        lambda: Service.objects.filter(
            office_id=office_id, waitlist_enabled=True, is_active=True
        ).exists(),
    )  # fmt: skip


def on_availability_moved(sender, office_id: int, **kwargs) -> None:
    if _office_has_waitlist(office_id):
        enqueue_after_commit(MATCH_TASK, office_id, what=f"waitlist match office={office_id}")


def connect() -> None:
    availability_moved.connect(on_availability_moved, dispatch_uid="waitlist-match")
