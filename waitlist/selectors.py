"""Reads of the waitlist: an entry by its link, its place in the list, its open offer, and
what the counselor's day shows."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q

from bookings.selectors.availability_cache import setup_cached
from bookings.tokens import token_hash
from common.clock import JST
from offices.models import Service
from waitlist.models import (
    IN_LINE,
    OfferStatus,
    WaitlistEntry,
    WaitlistLink,
    WaitlistOffer,
)


def office_has_waitlist(office_id: int) -> bool:
    """Whether a service of the office keeps a waitlist (cached with the office's setup,
    so asking costs no query once known)."""
    return setup_cached(
        office_id, "waitlist-on",
        lambda: Service.objects.filter(
            office_id=office_id, waitlist_enabled=True, is_active=True
        ).exists(),
    )  # fmt: skip


def entry_get_by_token(*, token: str) -> WaitlistEntry | None:
    """The entry a link opens, or None (an unknown token tells nothing more)."""
    if not token or len(token) > 100:
        return None
    link = (
        WaitlistLink.objects.select_related("entry__office", "entry__service")
        .filter(token_hash=token_hash(token))
        .first()
    )
    return link.entry if link else None


def entry_place(entry: WaitlistEntry) -> int | None:
    """The entry's place among those waiting for its service's times, or for its session's
    seats (1 = next to be offered), or None when it keeps no place (unconfirmed, booked,
    left, ended)."""
    if entry.status not in IN_LINE:
        return None
    ahead = WaitlistEntry.objects.filter(
        Q(asked_at__lt=entry.asked_at) | Q(asked_at=entry.asked_at, pk__lt=entry.pk),
        service_id=entry.service_id,
        group_session_id=entry.group_session_id,
        status__in=IN_LINE,
    ).count()
    return ahead + 1


def entry_open_offer(entry: WaitlistEntry) -> WaitlistOffer | None:
    return entry.offers.filter(status=OfferStatus.OPEN).first()


def slot_fits_entry(entry: WaitlistEntry, start: datetime, end: datetime) -> bool:
    """Whether a time lies within the days and times of day the person asked for."""
    local_start, local_end = start.astimezone(JST), end.astimezone(JST)
    if not entry.first_day <= local_start.date() <= entry.last_day:
        return False
    if entry.earliest is not None and local_start.time() < entry.earliest:
        return False
    return entry.latest is None or local_end.time() <= entry.latest


@dataclass(frozen=True)
class DayWaitlist:
    """The waitlist as the counselor's day shows it: who waits for the day, the offers."""

    waiting: int
    offers: list[WaitlistOffer]


def waitlist_for_day(*, office_id: int, day: date) -> DayWaitlist:
    """Two queries: the entries in line whose days include `day`, and the day's offers
    that are open or were accepted."""
    waiting = WaitlistEntry.objects.filter(
        office_id=office_id, status__in=IN_LINE, first_day__lte=day, last_day__gte=day
    ).count()
    start = datetime.combine(day, datetime.min.time(), tzinfo=JST)
    offers = list(
        WaitlistOffer.objects.filter(
            office_id=office_id,
            start__gte=start,
            start__lt=start + timedelta(days=1),
            status__in=[OfferStatus.OPEN, OfferStatus.ACCEPTED],
        )
        .select_related("entry", "service")
        .order_by("start", "pk")
    )
    return DayWaitlist(waiting=waiting, offers=offers)


def waitlist_filled_counts(*, office_ids, first: datetime, last: datetime) -> dict[int, int]:
    """Per office, how many freed times the waitlist filled: offers accepted (each a
    booking) whose time starts in [first, last)."""
    rows = (
        WaitlistOffer.objects.filter(
            office_id__in=office_ids,
            status=OfferStatus.ACCEPTED,
            start__gte=first,
            start__lt=last,
        )
        .values("office_id")
        .annotate(n=Count("pk"))
    )
    return {row["office_id"]: row["n"] for row in rows}


def session_waitlist(*, session_id: int) -> list[WaitlistEntry]:
    """Who waits for a seat of the session, in the order they asked, each with
    `open_offer` (their open offer, or None); two queries."""
    entries = list(
        WaitlistEntry.objects.filter(group_session_id=session_id, status__in=IN_LINE).order_by(
            "asked_at", "pk"
        )
    )
    offers = {
        offer.entry_id: offer
        for offer in WaitlistOffer.objects.filter(entry__in=entries, status=OfferStatus.OPEN)
    }
    for entry in entries:
        entry.open_offer = offers.get(entry.pk)
    return entries
