"""
The one place the waitlist hears that a time may have been freed: the booking core's
`availability_moved`, sent after the commit of any change that moves an office's
availability (a cancellation, a lapsed hold, a declined request, a booking moved, a
closure lifted, a counselor added, hours extended). An office with no service on the
waitlist costs nothing (its setup is cached); otherwise the matching is queued.
"""

from bookings.selectors.availability_cache import availability_moved
from common.queue import enqueue_after_commit
from waitlist.selectors import office_has_waitlist
from waitlist.services import MATCH_TASK


def on_availability_moved(sender, office_id: int, **kwargs) -> None:
    if office_has_waitlist(office_id):
        enqueue_after_commit(MATCH_TASK, office_id, what=f"waitlist match office={office_id}")


def connect() -> None:
    availability_moved.connect(on_availability_moved, dispatch_uid="waitlist-match")
