"""
The waitlist of full group sessions: a seat freed (a seat cancelled, a held seat lapsed,
more seats given by staff) is offered to the first people waiting for that session, as many
as it has seats free and not already offered. The rest is the waitlist's own: the order of
asking, `offer_make` (its event and email), `offer_expiry` (the office's minutes, never past
the session's booking deadline), the sweep's lapse, and `offer_accept`, which books through
`seat_book` under the session's row lock (never over capacity).
"""

from collections import defaultdict
from datetime import datetime

from bookings.models import GroupSessionStatus
from bookings.selectors.group_sessions import seats_taken
from offices.models import Service
from waitlist.models import EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer
from waitlist.services.entries import offer_expiry, offer_make


def seats_match(*, service: Service, now: datetime) -> int:
    """
    Offers the free seats of `service`'s sessions to the people waiting for them, in the
    order they asked. The caller holds the office's waitlist lock (`waitlist_match`), so two
    seats freed at once go to two people. A seat is free when neither held nor already
    offered; a session past its booking deadline offers nothing. Returns the offers made.
    """
    waiting = (
        WaitlistEntry.objects.filter(
            service=service, status=EntryStatus.WAITING,
            group_session__status=GroupSessionStatus.SCHEDULED, group_session__start__gt=now,
        )
        .select_related("office", "service", "group_session")
        .order_by("asked_at", "pk")
    )  # fmt: skip
    by_session: dict[int, list[WaitlistEntry]] = defaultdict(list)
    for entry in waiting:
        by_session[entry.group_session_id].append(entry)
    made = 0
    for entries in by_session.values():
        session = entries[0].group_session
        expires_at = offer_expiry(service, session.start, now)
        if expires_at <= now:
            continue
        offered = WaitlistOffer.objects.filter(
            entry__group_session=session, status=OfferStatus.OPEN
        ).count()
        free = session.capacity - seats_taken(session, now=now) - offered
        for entry in entries[: max(free, 0)]:
            offer_make(entry, start=session.start, end=session.end, expires_at=expires_at, now=now)
            made += 1
    return made
