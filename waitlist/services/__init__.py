"""Writes of the waitlist: `entries` (join, confirm, leave, and what offers share) and
`offers` (match, accept, decline, sweep)."""

from waitlist.services.entries import (
    MATCH_TASK,
    WaitlistJoined,
    waitlist_confirm,
    waitlist_join,
    waitlist_leave,
    waitlist_link_issue,
)
from waitlist.services.offers import (
    offer_accept,
    offer_accept_hook_register,
    offer_decline,
    waitlist_lock,
    waitlist_match,
    waitlist_match_waiting,
    waitlist_sweep,
)

__all__ = [
    "MATCH_TASK", "WaitlistJoined", "offer_accept", "offer_accept_hook_register",
    "offer_decline", "waitlist_confirm",
    "waitlist_join", "waitlist_leave", "waitlist_link_issue", "waitlist_lock", "waitlist_match",
    "waitlist_match_waiting", "waitlist_sweep",
]  # fmt: skip
