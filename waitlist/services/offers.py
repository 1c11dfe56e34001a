"""
Writes of the waitlist's offers: the matching that offers freed times (under the office's
waitlist lock), accepting through `booking_create`, declining, and the periodic sweep
(lapsed offers, past entries, the retention of personal data). The lock order and why:
`waitlist.services.entries`.
"""

import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from bookings.exceptions import SessionFull, SlotTaken
from bookings.models import BookingChannel, GroupSessionStatus
from bookings.selectors.availability import slot_list_available
from bookings.services.create import BookingCreated, booking_create
from bookings.services.locking import booking_transaction
from bookings.services.phone_calls import phone_calls_forget
from bookings.services.retention import retention_cutoff
from bookings.services.seats import seat_book
from common.clock import JST
from notifications.contacts import contacts_forget
from offices.models import Service
from waitlist.emails import LAPSED
from waitlist.errors import OfferClosed, OfferTaken
from waitlist.models import (
    IN_LINE,
    WAITLIST_OWNER,
    EntryStatus,
    OfferStatus,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistReason,
)
from waitlist.selectors import slot_fits_entry
from waitlist.services.entries import (
    entry_email,
    entry_lock,
    event_record,
    offer_end,
    offer_expiry,
    offer_lock,
    offer_make,
)
from waitlist.services.seats import seats_match

logger = logging.getLogger(__name__)

_accept_hooks: list[Callable] = []


def offer_accept_hook_register(hook: Callable) -> None:
    """
    `hook(entry=, now=)` runs inside every acceptance, once the entry and the offer are
    locked and before the booking is made: it may refuse (a DomainError, nothing is
    booked) and may return `record(booking)`, run once the booking is made, in the same
    transaction. How an app above the waitlist keeps its own rows in step (an invitation
    counts its uses) without the waitlist importing it.
    """
    if hook not in _accept_hooks:
        _accept_hooks.append(hook)


def offer_decline(*, offer: WaitlistOffer, now: datetime) -> WaitlistOffer:
    """The person lets the offered time pass to the next; they keep their place."""
    with transaction.atomic():
        entry = entry_lock(offer.entry_id)
        offer = offer_lock(offer.pk)
        if offer.status == OfferStatus.OPEN:
            offer_end(offer, entry, OfferStatus.DECLINED, WaitlistReason.DECLINED, now=now)
    return offer


def _refuse_closed(offer: WaitlistOffer, now: datetime) -> None:
    if offer.status == OfferStatus.OPEN and offer.expires_at > now:
        return
    if offer.status == OfferStatus.ACCEPTED:
        raise OfferClosed(_("You have already booked this time. The booking's email has its link."))
    raise OfferClosed(
        _(
            "This offer has ended and the time has passed to the next person. You stay on the "
            "waitlist: another time that frees up is offered to you by email."
        )
    )


def offer_accept(
    *,
    offer: WaitlistOffer,
    terms_version_id: int | None,
    agree_terms: bool,
    ip_address: str | None = None,
    user_agent: str = "",
    now: datetime,
) -> BookingCreated:
    """
    Books the offered time for the entry's person through `booking_create` (the guard of
    every booking), or the offered seat through `seat_book` (the session's guard, never
    over capacity): open entries as an open web booking whose address is already proven
    (the offer's link came to it), entries from an invitation for the record it names.
    Raises OfferClosed (lapsed or answered), OfferTaken (someone booked the time or the last
    seat first: the offer ends, the person keeps their place), or what the booking raises.
    """
    entry_id = offer.entry_id
    try:
        with booking_transaction():
            entry = entry_lock(entry_id)
            offer = offer_lock(offer.pk)
            _refuse_closed(offer, now)
            invited = entry.applicant_id is not None
            records = [hook(entry=entry, now=now) for hook in _accept_hooks]
            booking = {
                "data": entry.details,
                "terms_version_id": terms_version_id,
                "agree_terms": agree_terms,
                "channel": BookingChannel.INVITATION if invited else BookingChannel.WEB,
                "language": entry.language,
                "idempotency_key": f"waitlist-offer-{offer.pk}",
                "ip_address": ip_address,
                "user_agent": user_agent,
                "applicant": entry.applicant if invited else None,
                "email_verified": True,
                "now": now,
            }
            if entry.group_session_id is not None:  # the seat guard: the session's lock
                created = seat_book(session=entry.group_session, **booking)
            else:
                created = booking_create(service=entry.service, start=offer.start, **booking)
            offer.status, offer.answered_at, offer.booking = (
                OfferStatus.ACCEPTED,
                now,
                created.booking,
            )
            offer.save(update_fields=["status", "answered_at", "booking"])
            for record in filter(None, records):
                record(created.booking)
            entry.status, entry.booking = EntryStatus.BOOKED, created.booking
            entry.save(update_fields=["status", "booking"])
            event_record(entry, WaitlistReason.ACCEPTED, now=now, offer=offer)
    except (SlotTaken, SessionFull):
        # The booking's transaction is undone; the offer ends in one of its own.
        with transaction.atomic():
            entry = entry_lock(entry_id)
            offer = offer_lock(offer.pk)
            if offer.status == OfferStatus.OPEN:
                offer_end(offer, entry, OfferStatus.TAKEN, WaitlistReason.TAKEN, now=now,
                           actor="system")  # fmt: skip
        raise OfferTaken(
            _(
                "Someone booked this time on the site before you accepted it. You stay on the "
                "waitlist in your place: the next time that frees up is offered to you by email."
            )
        ) from None
    logger.info("waitlist offer id=%s accepted booking id=%s", offer.pk, created.booking.pk)
    return created


def waitlist_lock(office_id: int) -> list[Service]:
    """First in the waitlist's order: the office's services with a waitlist, in id order.
    Two matchings of one office run one after the other."""
    return list(
        Service.objects.select_for_update(no_key=True, of=("self",))
        .select_related("office")
        .filter(office_id=office_id, waitlist_enabled=True, is_active=True)
        .order_by("pk")
    )


def waitlist_match(*, office_id: int, now: datetime) -> int:
    """
    Offers the office's free times to its waiting people: for each service, in the order
    they asked, each waiting person gets the earliest free time within their days that is
    not already offered to as many people as it has free places, and that they have not
    been offered before. Idempotent: run twice, it offers nothing more. Returns how many
    offers it made.
    """
    today = now.astimezone(JST).date()
    made = 0
    with booking_transaction():
        for service in waitlist_lock(office_id):
            made += seats_match(service=service, now=now)
            waiting = list(
                WaitlistEntry.objects.filter(
                    service=service, status=EntryStatus.WAITING, last_day__gte=today,
                    group_session__isnull=True,
                ).select_related("office", "service")
            )  # fmt: skip
            if not waiting:
                continue
            first = max(today, min(e.first_day for e in waiting))
            last = max(e.last_day for e in waiting)
            slots = slot_list_available(service=service, first_day=first, last_day=last, now=now)
            if not slots:
                continue
            offered = Counter(
                WaitlistOffer.objects.filter(
                    service=service, status=OfferStatus.OPEN, entry__group_session__isnull=True
                ).values_list("start", flat=True)
            )
            before = set(
                WaitlistOffer.objects.filter(entry__in=waiting).values_list("entry_id", "start")
            )
            for entry in waiting:
                slot = next(
                    (
                        s for s in slots
                        if s.free > offered[s.start]
                        and (entry.pk, s.start) not in before
                        and slot_fits_entry(entry, s.start, s.end)
                    ),
                    None,
                )  # fmt: skip
                if slot is None:
                    continue
                offered[slot.start] += 1
                offer_make(
                    entry, start=slot.start, end=slot.end,
                    expires_at=offer_expiry(service, slot.start, now), now=now,
                )  # fmt: skip
                made += 1
    if made:
        logger.info("waitlist office=%s offers made=%s", office_id, made)
    return made


def waitlist_sweep(*, now: datetime) -> int:
    """
    Periodic: offers whose hold has passed lapse (emailed; the time passes on), entries
    whose days have passed end, unconfirmed requests lapse, and finished entries past the
    retention period lose their personal data. Returns how many rows it changed.
    """
    changed = 0
    due = WaitlistOffer.objects.filter(status=OfferStatus.OPEN, expires_at__lte=now)
    for offer_id, entry_id in due.values_list("pk", "entry_id")[:500]:
        with transaction.atomic():
            entry = entry_lock(entry_id)
            offer = offer_lock(offer_id)
            if offer.status != OfferStatus.OPEN:
                continue
            offer_end(offer, entry, OfferStatus.LAPSED, WaitlistReason.LAPSED, now=now,
                       actor="system")  # fmt: skip
            entry_email(entry, LAPSED, key=f"lapsed:{offer.pk}", offer=offer)
            changed += 1
    today = now.astimezone(JST).date()
    ended = WaitlistEntry.objects.filter(
        Q(last_day__lt=today)
        | Q(group_session__start__lte=now)
        | Q(group_session__status=GroupSessionStatus.CANCELLED),
        status__in=[EntryStatus.WAITING, EntryStatus.UNCONFIRMED],
    )
    lapsed = WaitlistEntry.objects.filter(status=EntryStatus.UNCONFIRMED, confirm_by__lte=now)
    for query, reason in (
        (ended, WaitlistReason.ENDED),
        (lapsed, WaitlistReason.UNCONFIRMED_LAPSED),
    ):
        for entry_id in query.values_list("pk", flat=True)[:500]:
            with transaction.atomic():
                entry = entry_lock(entry_id)
                if entry.status not in (EntryStatus.WAITING, EntryStatus.UNCONFIRMED):
                    continue
                entry.status = EntryStatus.ENDED
                entry.save(update_fields=["status"])
                event_record(entry, reason, now=now, actor="system")
                changed += 1
    cutoff = retention_cutoff(now).astimezone(JST).date()
    old = list(
        WaitlistEntry.objects.exclude(status__in=[*IN_LINE, EntryStatus.UNCONFIRMED])
        .filter(last_day__lt=cutoff)
        .exclude(name="")
        .values_list("pk", flat=True)[:500]
    )
    if old:
        with transaction.atomic():
            changed += WaitlistEntry.objects.filter(pk__in=old).update(
                name="", email="", details={}
            )
            contacts_forget(owner_kind=WAITLIST_OWNER, ids=old, now=now)
            phone_calls_forget(owner_kind=WAITLIST_OWNER, ids=old)
    return changed


def waitlist_match_waiting(*, now: datetime) -> int:
    """Periodic, after the sweep: matches every office where someone waits, so a freed time
    whose matching was never queued (the broker down at the commit) or failed (a lock not
    had in time) is still offered within a minute. Returns how many offers it made."""
    office_ids = (
        WaitlistEntry.objects.filter(status=EntryStatus.WAITING)
        .values_list("office_id", flat=True)
        .distinct()
    )
    return sum(waitlist_match(office_id=office_id, now=now) for office_id in list(office_ids))
