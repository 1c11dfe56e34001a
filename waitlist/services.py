"""
Writes of the waitlist: a person joins (and confirms their address), leaves; a freed time
is offered; an offer is accepted, declined, lapses or is found taken; the periodic sweep.
Each owns its transaction; emails go through the outbox (`notification_enqueue`), sent
after commit; matching runs after commit through the queue (`enqueue_after_commit`).

Lock order: the office's waitlist (its services with a waitlist, in id order) -> an entry
-> its offer -> what `booking_create` locks (the person, the office's counselors). Matching
holds the office's waitlist lock, so two freed times matched at once are offered one after
the other: never both to one person (also a partial unique index: one open offer per
entry). Accepting books through `booking_create`, the guard of every booking: the office's
lock, the re-check under it and the exclusion constraint. An offer never blocks the time
for anyone else: a person booking on the site may take it first, and the offer is then
"taken" and its person keeps their place.
"""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings.exceptions import SlotTaken
from bookings.models import Applicant, BookingChannel
from bookings.selectors.availability import slot_list_available
from bookings.services.create import BookingCreated, booking_create
from bookings.services.locking import booking_transaction
from bookings.services.retention import retention_cutoff
from bookings.tokens import new_token, token_hash
from bookings.validation import validate_applicant
from common.clock import JST
from common.queue import enqueue_after_commit
from notifications.services import notification_enqueue
from offices.business_days import booking_deadline
from offices.models import Service
from offices.rules import rules_for_service
from offices.selectors import office_calendar
from waitlist.emails import JOINED, LAPSED, OFFERED, waitlist_message
from waitlist.errors import OfferClosed, OfferTaken, WaitlistRefused
from waitlist.models import (
    IN_LINE,
    EntryStatus,
    OfferStatus,
    WaitlistEntry,
    WaitlistEvent,
    WaitlistLink,
    WaitlistOffer,
    WaitlistReason,
)
from waitlist.selectors import slot_fits_entry

logger = logging.getLogger(__name__)

MAX_DAYS = 31  # the longest range of days one entry asks for
CONFIRM_WITHIN = timedelta(hours=24)  # an open entry's address is confirmed within this
MATCH_TASK = "waitlist.tasks.waitlist_match_office"


@dataclass(frozen=True)
class WaitlistJoined:
    entry: WaitlistEntry
    token: str


def _event(entry: WaitlistEntry, reason: str, *, now: datetime, offer=None, actor="applicant"):
    WaitlistEvent.objects.create(
        entry=entry, offer=offer, at=now, reason_code=reason, actor_label=actor
    )


def waitlist_link_issue(*, entry: WaitlistEntry) -> str:
    """A new link to the entry's page (its token, shown once; only the hash is kept)."""
    token = new_token()
    WaitlistLink.objects.create(entry=entry, token_hash=token_hash(token))
    return token


def _email(entry: WaitlistEntry, kind: str, *, key: str, offer: WaitlistOffer | None = None):
    """One email of the entry in the caller's transaction; its link issued when written."""

    def render():
        token = waitlist_link_issue(entry=entry)
        return waitlist_message(
            entry, kind=kind, offer=offer, link_path=reverse("waitlist-entry", args=[token])
        )

    notification_enqueue(
        dedupe_key=f"waitlist:{entry.pk}:{key}", kind=kind, recipient=entry.email,
        language=entry.language, render=render, office_id=entry.office_id,
    )  # fmt: skip


def match_after_commit(office_id: int) -> None:
    """Matching of the office's waitlist, after the current transaction commits."""
    enqueue_after_commit(MATCH_TASK, office_id, what=f"waitlist match office={office_id}")


def _check_service(service: Service, *, invited: bool) -> None:
    office = service.office
    if not (service.is_active and service.waitlist_enabled and office.is_published):
        raise WaitlistRefused(
            _("This service has no waitlist. Please choose a free time, or phone the office.")
        )
    if not (service.accepts_invitations if invited else service.accepts_web):
        raise WaitlistRefused(
            _("This service takes no open online booking, so it has no open waitlist.")
        )


def _check_days(service: Service, first_day, last_day, earliest, latest, now: datetime) -> None:
    rules = rules_for_service(service, service.office)
    today = now.astimezone(JST).date()
    horizon = today + timedelta(days=rules.horizon_days)
    if not isinstance(first_day, date) or not isinstance(last_day, date):
        raise WaitlistRefused(
            _("Choose the first and the last day you could come."), field="first_day"
        )
    if first_day < today or last_day < first_day:
        raise WaitlistRefused(
            _("Choose days from today on, the last one on or after the first."), field="last_day"
        )
    if last_day > horizon:
        raise WaitlistRefused(
            _("The last day can be at most %(days)d days ahead, as far as bookings are taken.")
            % {"days": rules.horizon_days},
            field="last_day",
        )
    if (last_day - first_day).days >= MAX_DAYS:
        raise WaitlistRefused(
            _("Ask for at most %(days)d days at once.") % {"days": MAX_DAYS}, field="last_day"
        )
    if earliest is not None and latest is not None and latest <= earliest:
        raise WaitlistRefused(
            _("The “until” time must be later than the “from” time."), field="latest"
        )


def waitlist_join(
    *,
    service: Service,
    data: dict,
    first_day: date,
    last_day: date,
    earliest: time | None = None,
    latest: time | None = None,
    language: str = "ja",
    applicant: Applicant | None = None,
    invitation_id: int | None = None,
    now: datetime,
) -> WaitlistJoined:
    """
    The person asks for `service` on a day from `first_day` to `last_day` (between
    `earliest` and `latest`, when given). Open (no `applicant`): the details are checked as
    a booking's; the entry keeps no place until the emailed link is opened
    (`waitlist_confirm`). With the record an invitation names (`applicant`): in the list at
    once. Raises WaitlistRefused or BookingInvalid (field errors).
    """
    from bookings.exceptions import BookingInvalid

    invited = applicant is not None
    _check_service(service, invited=invited)
    _check_days(service, first_day, last_day, earliest, latest, now)
    rules = rules_for_service(service, service.office)
    cleaned, errors = validate_applicant(data, office=service.office, rules=rules)
    if errors:
        raise BookingInvalid(errors)
    with transaction.atomic():
        entry = WaitlistEntry.objects.create(
            office_id=service.office_id,
            service=service,
            applicant=applicant,
            invitation_id=invitation_id,
            first_day=first_day,
            last_day=last_day,
            earliest=earliest,
            latest=latest,
            name=cleaned.name,
            email=cleaned.email,
            details=data,
            language=language if language in ("ja", "en") else "ja",
            status=EntryStatus.WAITING if invited else EntryStatus.UNCONFIRMED,
            confirm_by=None if invited else now + CONFIRM_WITHIN,
        )
        _event(entry, WaitlistReason.JOINED, now=now)
        token = waitlist_link_issue(entry=entry)
        entry.office, entry.service = service.office, service
        _email(entry, JOINED, key="joined")
        if invited:
            match_after_commit(entry.office_id)
    logger.info("waitlist entry id=%s joined office=%s", entry.pk, entry.office_id)
    return WaitlistJoined(entry, token)


def _entry_lock(entry_id: int) -> WaitlistEntry:
    return (
        WaitlistEntry.objects.select_for_update(no_key=True, of=("self",))
        .select_related("office", "service", "applicant")
        .get(pk=entry_id)
    )


def _offer_lock(offer_id: int) -> WaitlistOffer:
    return WaitlistOffer.objects.select_for_update(no_key=True, of=("self",)).get(pk=offer_id)


def waitlist_confirm(*, entry: WaitlistEntry, now: datetime) -> WaitlistEntry:
    """The person opened the emailed link and confirms: the entry takes its place (in the
    order it was asked) and freed times may be offered to it."""
    with transaction.atomic():
        entry = _entry_lock(entry.pk)
        if entry.status != EntryStatus.UNCONFIRMED:
            return entry
        if entry.confirm_by is not None and entry.confirm_by <= now:
            raise WaitlistRefused(
                _("This request was not confirmed in time. Please ask to join the waitlist again.")
            )
        entry.status = EntryStatus.WAITING
        entry.save(update_fields=["status"])
        _event(entry, WaitlistReason.CONFIRMED, now=now)
        _email(entry, JOINED, key="confirmed")
        match_after_commit(entry.office_id)
    return entry


def _offer_end(offer: WaitlistOffer, entry: WaitlistEntry, status: str, reason: str, *,
               now: datetime, actor: str = "applicant") -> None:  # fmt: skip
    """Ends an open offer (the caller holds the entry's and the offer's locks); the entry
    goes back to waiting in its place, and the time to the next person after commit."""
    offer.status, offer.answered_at = status, now
    offer.save(update_fields=["status", "answered_at"])
    if entry.status == EntryStatus.OFFERED:
        entry.status = EntryStatus.WAITING
        entry.save(update_fields=["status"])
    _event(entry, reason, now=now, offer=offer, actor=actor)
    match_after_commit(entry.office_id)


def waitlist_leave(*, entry: WaitlistEntry, now: datetime) -> WaitlistEntry:
    """The person leaves the list; a time offered to them passes to the next."""
    with transaction.atomic():
        entry = _entry_lock(entry.pk)
        if entry.status not in (*IN_LINE, EntryStatus.UNCONFIRMED):
            return entry
        offer = entry.offers.filter(status=OfferStatus.OPEN).first()
        if offer is not None:
            offer = _offer_lock(offer.pk)
            _offer_end(offer, entry, OfferStatus.WITHDRAWN, WaitlistReason.DECLINED, now=now)
        entry.status = EntryStatus.LEFT
        entry.save(update_fields=["status"])
        _event(entry, WaitlistReason.LEFT, now=now)
    logger.info("waitlist entry id=%s left", entry.pk)
    return entry


def offer_decline(*, offer: WaitlistOffer, now: datetime) -> WaitlistOffer:
    """The person lets the offered time pass to the next; they keep their place."""
    with transaction.atomic():
        entry = _entry_lock(offer.entry_id)
        offer = _offer_lock(offer.pk)
        if offer.status == OfferStatus.OPEN:
            _offer_end(offer, entry, OfferStatus.DECLINED, WaitlistReason.DECLINED, now=now)
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
    every booking): open entries as an open web booking whose address is already proven
    (the offer's link came to it), entries from an invitation for the record it names.
    Raises OfferClosed (lapsed or answered), OfferTaken (someone booked the time first: the
    offer ends, the person keeps their place), or what `booking_create` raises.
    """
    entry_id = offer.entry_id
    try:
        with booking_transaction():
            entry = _entry_lock(entry_id)
            offer = _offer_lock(offer.pk)
            _refuse_closed(offer, now)
            invited = entry.applicant_id is not None
            created = booking_create(
                service=entry.service,
                start=offer.start,
                data=entry.details,
                terms_version_id=terms_version_id,
                agree_terms=agree_terms,
                channel=BookingChannel.INVITATION if invited else BookingChannel.WEB,
                language=entry.language,
                idempotency_key=f"waitlist-offer-{offer.pk}",
                ip_address=ip_address,
                user_agent=user_agent,
                applicant=entry.applicant if invited else None,
                email_verified=True,
                now=now,
            )
            offer.status, offer.answered_at, offer.booking = (
                OfferStatus.ACCEPTED,
                now,
                created.booking,
            )
            offer.save(update_fields=["status", "answered_at", "booking"])
            entry.status, entry.booking = EntryStatus.BOOKED, created.booking
            entry.save(update_fields=["status", "booking"])
            _event(entry, WaitlistReason.ACCEPTED, now=now, offer=offer)
    except SlotTaken:
        # The booking's transaction is undone; the offer ends in one of its own.
        with transaction.atomic():
            entry = _entry_lock(entry_id)
            offer = _offer_lock(offer.pk)
            if offer.status == OfferStatus.OPEN:
                _offer_end(offer, entry, OfferStatus.TAKEN, WaitlistReason.TAKEN, now=now,
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


def _offer_expiry(service: Service, start: datetime, now: datetime) -> datetime:
    """`now` + the service's hold, never past the time's booking deadline."""
    rules = rules_for_service(service, service.office)
    day = start.astimezone(JST).date()
    calendar = office_calendar(office=service.office, start=now.astimezone(JST).date(), end=day)
    deadline = booking_deadline(day, rules, calendar)
    return min(now + timedelta(minutes=service.waitlist_offer_minutes), deadline, start)


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
            waiting = list(
                WaitlistEntry.objects.filter(
                    service=service, status=EntryStatus.WAITING, last_day__gte=today
                ).select_related("office", "service")
            )
            if not waiting:
                continue
            first = max(today, min(e.first_day for e in waiting))
            last = max(e.last_day for e in waiting)
            slots = slot_list_available(service=service, first_day=first, last_day=last, now=now)
            if not slots:
                continue
            offered = Counter(
                WaitlistOffer.objects.filter(service=service, status=OfferStatus.OPEN).values_list(
                    "start", flat=True
                )
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
                offer = WaitlistOffer.objects.create(
                    entry=entry, office_id=office_id, service=service, start=slot.start,
                    end=slot.end, expires_at=_offer_expiry(service, slot.start, now),
                )  # fmt: skip
                entry.status = EntryStatus.OFFERED
                entry.save(update_fields=["status"])
                _event(entry, WaitlistReason.OFFERED, now=now, offer=offer, actor="system")
                _email(entry, OFFERED, key=f"offer:{offer.pk}", offer=offer)
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
            entry = _entry_lock(entry_id)
            offer = _offer_lock(offer_id)
            if offer.status != OfferStatus.OPEN:
                continue
            _offer_end(offer, entry, OfferStatus.LAPSED, WaitlistReason.LAPSED, now=now,
                       actor="system")  # fmt: skip
            _email(entry, LAPSED, key=f"lapsed:{offer.pk}", offer=offer)
            changed += 1
    today = now.astimezone(JST).date()
    ended = WaitlistEntry.objects.filter(
        status__in=[EntryStatus.WAITING, EntryStatus.UNCONFIRMED], last_day__lt=today
    )
    lapsed = WaitlistEntry.objects.filter(status=EntryStatus.UNCONFIRMED, confirm_by__lte=now)
    for query, reason in (
        (ended, WaitlistReason.ENDED),
        (lapsed, WaitlistReason.UNCONFIRMED_LAPSED),
    ):
        for entry_id in query.values_list("pk", flat=True)[:500]:
            with transaction.atomic():
                entry = _entry_lock(entry_id)
                if entry.status not in (EntryStatus.WAITING, EntryStatus.UNCONFIRMED):
                    continue
                entry.status = EntryStatus.ENDED
                entry.save(update_fields=["status"])
                _event(entry, reason, now=now, actor="system")
                changed += 1
    cutoff = retention_cutoff(now).astimezone(JST).date()
    changed += (
        WaitlistEntry.objects.exclude(status__in=[*IN_LINE, EntryStatus.UNCONFIRMED])
        .filter(last_day__lt=cutoff)
        .exclude(name="")
        .update(name="", email="", details={})
    )
    return changed
