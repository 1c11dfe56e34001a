"""
Writes of the waitlist's entries: a person joins (and confirms their address), leaves;
what the offers share: the locks, the events, the emails, making and ending an offer.
An entry waits for a time of its service on its days or, with `group_session`, for a seat
of that full session: one list, one order, one offer, one expiry and one set of emails.
Each owns its transaction; emails go through the outbox (`notification_enqueue`), sent
after commit; matching runs after commit through the queue (`enqueue_after_commit`).

Lock order: the office's waitlist (its services with a waitlist, in id order) -> an entry
-> its offer -> what `booking_create` locks (the person, the office's counselors) or
`seat_book` (the person, the session's row). Matching holds the office's waitlist lock, so
two freed times matched at once are offered one after the other: never both to one person
(also a partial unique index: one open offer per entry). Accepting books through
`booking_create`, the guard of every booking (the office's lock, the re-check under it and
the exclusion constraint), or a seat through `seat_book` (the session's lock, the count
under it). An offer never blocks the time or the seat for anyone else: a person booking on
the site may take it first, and the offer is then "taken" and its person keeps their place.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings.exceptions import BookingInvalid
from bookings.models import Applicant, GroupSession
from bookings.selectors.group_sessions import seats_taken
from bookings.tokens import new_token, token_hash
from bookings.validation import validate_applicant
from common import languages
from common.clock import JST
from common.queue import enqueue_after_commit
from notifications.models import Owner
from notifications.services import notification_enqueue
from offices.business_days import booking_deadline
from offices.models import Service
from offices.rules import rules_for_service
from offices.selectors import office_calendar
from waitlist.emails import JOINED, OFFERED, POINTER_KINDS, waitlist_message
from waitlist.errors import WaitlistRefused
from waitlist.models import (
    IN_LINE,
    WAITLIST_OWNER,
    EntryStatus,
    OfferStatus,
    WaitlistEntry,
    WaitlistEvent,
    WaitlistLink,
    WaitlistOffer,
    WaitlistReason,
)

logger = logging.getLogger(__name__)

MAX_DAYS = 31  # the longest range of days one entry asks for
CONFIRM_WITHIN = timedelta(hours=24)  # an open entry's address is confirmed within this
MATCH_TASK = "waitlist.tasks.waitlist_match_office"


@dataclass(frozen=True)
class WaitlistJoined:
    entry: WaitlistEntry
    token: str


def event_record(
    entry: WaitlistEntry, reason: str, *, now: datetime, offer=None, actor="applicant"
):
    WaitlistEvent.objects.create(
        entry=entry, offer=offer, at=now, reason_code=reason, actor_label=actor
    )


def waitlist_link_issue(*, entry: WaitlistEntry) -> str:
    """A new link to the entry's page (its token, shown once; only the hash is kept)."""
    token = new_token()
    WaitlistLink.objects.create(entry=entry, token_hash=token_hash(token))
    return token


def entry_email(entry: WaitlistEntry, kind: str, *, key: str, offer: WaitlistOffer | None = None):
    """One message of the entry in the caller's transaction: the email (its link issued
    when written) and, for an offer or its lapse, a pointer by the entry's LINE or SMS
    after it (`waitlist.services.notices`). A person without email (an invitation's record)
    is told of offers there, or by a counselor's call."""
    if not entry.email and kind not in POINTER_KINDS:
        return

    def render():
        token = waitlist_link_issue(entry=entry)
        return waitlist_message(
            entry, kind=kind, offer=offer, link_path=reverse("waitlist-entry", args=[token])
        )

    notification_enqueue(
        dedupe_key=f"waitlist:{entry.pk}:{key}", kind=kind, recipient=entry.email,
        language=entry.language, render=render, office_id=entry.office_id,
        owner=Owner(WAITLIST_OWNER, entry.pk),
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


def _check_session(session: GroupSession, now: datetime) -> None:
    """A seat of `session` is waited for only while it is scheduled, still to start, and
    full (a free seat is booked, not waited for)."""
    if not session.is_scheduled:
        raise WaitlistRefused(_("This session was cancelled. Choose another session."))
    if session.start <= now:
        raise WaitlistRefused(_("This session has already started. Choose another session."))
    if seats_taken(session, now=now) < session.capacity:
        raise WaitlistRefused(
            _("This session still has a free seat: book it instead of joining the waitlist.")
        )


def waitlist_join(
    *,
    service: Service,
    data: dict,
    first_day: date | None = None,
    last_day: date | None = None,
    earliest: time | None = None,
    latest: time | None = None,
    group_session: GroupSession | None = None,
    language: str = "ja",
    applicant: Applicant | None = None,
    invitation_id: int | None = None,
    now: datetime,
) -> WaitlistJoined:
    """
    The person asks for `service` on a day from `first_day` to `last_day` (between
    `earliest` and `latest`, when given), or for a seat of `group_session` (a full session
    of the service: its day is the entry's). Open (no `applicant`): the details are checked
    as a booking's; the entry keeps no place until the emailed link is opened
    (`waitlist_confirm`). With the record an invitation names (`applicant`): in the list at
    once. Raises WaitlistRefused or BookingInvalid (field errors).
    """

    invited = applicant is not None
    _check_service(service, invited=invited)
    if group_session is not None:
        if group_session.service_id != service.pk:
            raise ValueError("a session's entry is for the session's own service")
        _check_session(group_session, now)
        first_day = last_day = group_session.start.astimezone(JST).date()
        earliest = latest = None
    else:
        _check_days(service, first_day, last_day, earliest, latest, now)
    rules = rules_for_service(service, service.office)
    cleaned, errors = validate_applicant(
        data, office=service.office, rules=rules, email_optional=invited
    )
    if errors:
        raise BookingInvalid(errors)
    with transaction.atomic():
        entry = WaitlistEntry.objects.create(
            office_id=service.office_id,
            service=service,
            applicant=applicant,
            invitation_id=invitation_id,
            group_session=group_session,
            first_day=first_day,
            last_day=last_day,
            earliest=earliest,
            latest=latest,
            name=cleaned.name,
            email=cleaned.email,
            details=data,
            language=languages.supported(language),
            status=EntryStatus.WAITING if invited else EntryStatus.UNCONFIRMED,
            confirm_by=None if invited else now + CONFIRM_WITHIN,
        )
        event_record(entry, WaitlistReason.JOINED, now=now)
        token = waitlist_link_issue(entry=entry)
        entry.office, entry.service = service.office, service
        entry_email(entry, JOINED, key="joined")
        if invited:
            match_after_commit(entry.office_id)
    logger.info("waitlist entry id=%s joined office=%s", entry.pk, entry.office_id)
    return WaitlistJoined(entry, token)


def entry_lock(entry_id: int) -> WaitlistEntry:
    return (
        WaitlistEntry.objects.select_for_update(no_key=True, of=("self",))
        .select_related("office", "service", "applicant")
        .get(pk=entry_id)
    )


def offer_lock(offer_id: int) -> WaitlistOffer:
    return WaitlistOffer.objects.select_for_update(no_key=True, of=("self",)).get(pk=offer_id)


def waitlist_confirm(*, entry: WaitlistEntry, now: datetime) -> WaitlistEntry:
    """The person opened the emailed link and confirms: the entry takes its place (in the
    order it was asked) and freed times may be offered to it."""
    with transaction.atomic():
        entry = entry_lock(entry.pk)
        if entry.status != EntryStatus.UNCONFIRMED:
            return entry
        if entry.confirm_by is not None and entry.confirm_by <= now:
            raise WaitlistRefused(
                _("This request was not confirmed in time. Please ask to join the waitlist again.")
            )
        entry.status = EntryStatus.WAITING
        entry.save(update_fields=["status"])
        event_record(entry, WaitlistReason.CONFIRMED, now=now)
        entry_email(entry, JOINED, key="confirmed")
        match_after_commit(entry.office_id)
    return entry


def offer_expiry(service: Service, start: datetime, now: datetime) -> datetime:
    """`now` + the service's hold, never past the booking deadline of the time (or the
    session) starting at `start`, nor past `start`."""
    rules = rules_for_service(service, service.office)
    day = start.astimezone(JST).date()
    calendar = office_calendar(office=service.office, start=now.astimezone(JST).date(), end=day)
    deadline = booking_deadline(day, rules, calendar)
    return min(now + timedelta(minutes=service.waitlist_offer_minutes), deadline, start)


def offer_make(entry: WaitlistEntry, *, start: datetime, end: datetime, expires_at: datetime,
               now: datetime) -> WaitlistOffer:  # fmt: skip
    """Offers `entry` the time (or its session's seat) from `start` to `end` until
    `expires_at`, with its event and its email (the caller holds the office's waitlist
    lock)."""
    offer = WaitlistOffer.objects.create(
        entry=entry, office_id=entry.office_id, service_id=entry.service_id, start=start,
        end=end, expires_at=expires_at,
    )  # fmt: skip
    entry.status = EntryStatus.OFFERED
    entry.save(update_fields=["status"])
    event_record(entry, WaitlistReason.OFFERED, now=now, offer=offer, actor="system")
    entry_email(entry, OFFERED, key=f"offer:{offer.pk}", offer=offer)
    return offer


def offer_end(offer: WaitlistOffer, entry: WaitlistEntry, status: str, reason: str, *,
               now: datetime, actor: str = "applicant") -> None:  # fmt: skip
    """Ends an open offer (the caller holds the entry's and the offer's locks); the entry
    goes back to waiting in its place, and the time to the next person after commit. An
    entry for a session's seat waits for nothing else: declined or lapsed, its wait ends;
    only a seat someone else booked first leaves it in its place."""
    offer.status, offer.answered_at = status, now
    offer.save(update_fields=["status", "answered_at"])
    if entry.status == EntryStatus.OFFERED:
        waits_on = entry.group_session_id is None or status == OfferStatus.TAKEN
        entry.status = EntryStatus.WAITING if waits_on else EntryStatus.ENDED
        entry.save(update_fields=["status"])
    event_record(entry, reason, now=now, offer=offer, actor=actor)
    match_after_commit(entry.office_id)


def waitlist_leave(*, entry: WaitlistEntry, now: datetime) -> WaitlistEntry:
    """The person leaves the list; a time offered to them passes to the next."""
    with transaction.atomic():
        entry = entry_lock(entry.pk)
        if entry.status not in (*IN_LINE, EntryStatus.UNCONFIRMED):
            return entry
        offer = entry.offers.filter(status=OfferStatus.OPEN).first()
        if offer is not None:
            offer = offer_lock(offer.pk)
            offer_end(offer, entry, OfferStatus.WITHDRAWN, WaitlistReason.DECLINED, now=now)
        entry.status = EntryStatus.LEFT
        entry.save(update_fields=["status"])
        event_record(entry, WaitlistReason.LEFT, now=now)
    logger.info("waitlist entry id=%s left", entry.pk)
    return entry
