"""
Writes to bookings. Every channel (web, API, phone, next session booked during a session)
books through `booking_create`; every change of state goes through `booking_transition`, which
writes its BookingEvent.

Double booking is impossible twice over: the office's counselors are locked inside the
transaction and availability is re-checked under that lock (one booking at a time per
office), and PostgreSQL's exclusion constraint refuses overlapping active bookings of one
counselor whatever code writes them. A lost race is `SlotTaken`, with fresh alternatives.
"""

import dataclasses
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.exceptions import (
    Alternative,
    BookingInvalid,
    IdempotencyConflict,
    RateLimited,
    ServiceClosed,
    SlotTaken,
)
from bookings.models import (
    Applicant,
    Booking,
    BookingChannel,
    BookingStatus,
    is_overlap_violation,
)
from bookings.selectors.availability import (
    Slot,
    counselors_busy,
    counselors_committed,
    slot_list_available,
)
from bookings.selectors.availability_cache import day_offer_cached, slot_list_cached
from bookings.selectors.day_load import DayLoad, counselor_day_load, previous_counselor
from bookings.selectors.slots import counselor_choose
from bookings.services.events import booking_event_record
from bookings.services.holds import (
    hold_allowance_check,
    hold_count,
    hold_day_check,
    hold_expires_at,
    is_public_hold,
)
from bookings.services.identity import applicant_for_request, booking_refuse_for_applicant
from bookings.services.links import booking_link_issue
from bookings.services.locking import (
    applicant_lock,
    booking_transaction,
    lock_timeout_set_and_booking_id,
    office_booking_lock_and_setup_version,
)
from bookings.services.notify import booking_notify
from bookings.services.person_guard import person_guard_check, person_guard_notice
from bookings.services.transitions import holds_expire_stale, meeting_enqueue_after_commit
from bookings.state import Actor, EmailKind, Reason
from bookings.tokens import MANAGE, VERIFY
from bookings.validation import ApplicantInput, validate_applicant
from common import languages, ratelimit
from common.clock import JST
from common.dates import moment_in_bounds
from common.http import address_key
from offices import display
from offices.accommodation import extra_minutes_for
from offices.business_days import booking_deadline
from offices.display import format_datetime, not_open_online_text
from offices.models import Service, User
from offices.rules import BookingRules, rules_for_service
from offices.selectors import office_calendar
from terms.models import Consent
from terms.services import consent_give

logger = logging.getLogger(__name__)

PUBLIC_CHANNELS = (BookingChannel.WEB, BookingChannel.API)
STAFF_CHANNELS = (BookingChannel.PHONE, BookingChannel.SESSION)
# A counselor's invitation names the person's record: the booking joins it (`applicant=`),
# is confirmed at once and holds no unconfirmed time (invitations/services.py).
INVITED = BookingChannel.INVITATION
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_ALTERNATIVES = 6


@dataclass(frozen=True)
class BookingCreated:
    booking: Booking
    manage_token: str
    verification_token: str | None
    replayed: bool = False


def _reference() -> str:
    return "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def _fingerprint(service: Service, start: datetime, cleaned: ApplicantInput) -> str:
    """Every detail of the request: a replay that differs in any of them is a conflict."""
    details = dataclasses.asdict(cleaned) | {"email": cleaned.email.lower()}
    raw = f"{service.pk}|{start.isoformat()}|" + json.dumps(details, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def _result(booking: Booking, *, replayed: bool) -> BookingCreated:
    """Links of their own for the answer (a replay gets new ones: tokens are never kept)."""
    verification = (
        booking_link_issue(booking=booking, purpose=VERIFY)
        if booking.status == BookingStatus.PENDING_VERIFICATION
        else None
    )
    return BookingCreated(
        booking, booking_link_issue(booking=booking, purpose=MANAGE), verification, replayed
    )


def rate_check(scope: str, keys: list[str], rate: str) -> None:
    for key in keys:
        wait = ratelimit.hit(scope=scope, key=key, rate=rate)
        if wait is not None:
            raise RateLimited(
                _("Too many attempts. Please wait %(wait)s and try again.")
                % {"wait": display.format_wait(wait)},
                retry_after=wait,
            )


def alternatives_near(service: Service, start: datetime, now: datetime) -> list[Alternative]:
    day = start.astimezone(JST).date()
    # The cached answer, current as of the office's last commit: in a burst for one time,
    # the hundreds refused share one reading rather than each make their own.
    slots = slot_list_cached(
        service=service, first_day=day, last_day=day + timedelta(days=14), now=now
    )
    slots = sorted(slots, key=lambda slot: abs((slot.start - start).total_seconds()))
    nearest = sorted(slots[:_ALTERNATIVES], key=lambda slot: slot.start)
    return [Alternative(start=s.start, end=s.end, free=s.free) for s in nearest]


def _slot_refusal(service: Service, start: datetime, rules: BookingRules, now: datetime) -> str:
    """Why a time the office's offer does not hold is not bookable, in the person's words:
    (just) passed, past its deadline, too far ahead, or never offered (a closed day, a time
    that is not a session's start). Bookings are not the reason: the offer ignores them."""

    if start <= now:
        if now - start < timedelta(hours=1):  # shown free, and passed while the form was filled
            return _("That time has just passed. Please choose one of the next free times.")
        return _("That time has already passed. Please choose another time.")
    day = start.astimezone(JST).date()
    calendar = office_calendar(office=service.office, start=now.astimezone(JST).date(), end=day)
    deadline = booking_deadline(day, rules, calendar)
    if now >= deadline:
        return _(
            "Booking for that day closed at %(deadline)s. Please choose a later day, or phone "
            "the office."
        ) % {"deadline": format_datetime(deadline - timedelta(minutes=1))}
    if day > now.astimezone(JST).date() + timedelta(days=rules.horizon_days):
        return _("That day cannot be booked yet. Please choose an earlier day.")
    return _(
        "The office does not hold sessions at that time (a closed day, or not a session's "
        "start time). Please choose one of the free times."
    )


def _taken_under_lock(extra_minutes: int = 0) -> SlotTaken:
    """ "Just taken", its alternatives left for `booking_create` to add once the transaction
    is over: reading them takes four queries, which must not hold the office's lock. With
    more time asked for, the longer time is what is not free."""
    error = SlotTaken(_taken_message(extra_minutes), alternatives=[])
    error.alternatives_later = True
    return error


def _taken_message(extra_minutes: int) -> str:
    if extra_minutes:
        return _(
            "With the %(minutes)d minutes more you asked for, no counselor is free for the "
            "whole time. Please choose another time."
        ) % {"minutes": extra_minutes}
    return _("That time was just taken. Please choose another time.")


def _lengthened(slot: Slot, extra_minutes: int) -> Slot:
    """The offered time with the minutes "more time" adds: what the booking holds, so the
    busy checks and the no-overlap constraint see its real end."""
    if not extra_minutes:
        return slot
    return dataclasses.replace(slot, end=slot.end + timedelta(minutes=extra_minutes))


def _offered_under_lock(
    service: Service, start: datetime, rules: BookingRules, now: datetime, extra_minutes: int
):
    day = start.astimezone(JST).date()
    fresh = slot_list_available(
        service=service, first_day=day, last_day=day, now=now, ignore_bookings=True
    )
    offered = next((s for s in fresh if s.start == start), None)
    if offered is None:
        error = SlotTaken(_slot_refusal(service, start, rules, now), alternatives=[])
        error.alternatives_later = True
        raise error
    return _lengthened(offered, extra_minutes)


def _check_channel(service: Service, channel: str) -> None:
    office = service.office
    if channel in PUBLIC_CHANNELS:
        if not (service.is_active and office.is_published):
            raise ServiceClosed(
                _("This service does not take bookings online. Please phone the office.")
            )
        if not service.accepts_web:  # invitation only, or phone only: never an open booking
            raise ServiceClosed(not_open_online_text(service, office))
    elif channel == INVITED:
        if not (service.is_active and service.accepts_invitations and office.is_published):
            raise ServiceClosed(
                _("This service does not take bookings by invitation. Please phone the office.")
            )
    elif not (service.is_active and service.accepts_phone):
        raise ServiceClosed(_("This service does not take phone bookings."))


def booking_create(
    *,
    service: Service,
    start: datetime | None,
    data: dict,
    terms_version_id: int | None,
    agree_terms: bool,
    channel: str,
    language: str = "ja",
    idempotency_key: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
    created_by: User | None = None,
    applicant: Applicant | None = None,
    email_verified: bool = False,
    now: datetime,
) -> BookingCreated:
    """
    Books `start` at `service` for the person described by `data` (raw values; see
    `bookings.validation`); `applicant`: the record the booking joins, known to the office
    (an invitation names it), instead of the one found from `data`. Raises BookingInvalid
    (field errors), ServiceClosed, RateLimited, ApplicantBarred, BookingLimitReached,
    TermsOutdated / NoTermsInForce, SlotTaken (with alternatives) or IdempotencyConflict.
    A repeated request with the same idempotency key returns the first booking
    (`replayed=True`).
    """
    office = service.office
    rules = rules_for_service(service, office)
    _check_channel(service, channel)

    cleaned, errors = validate_applicant(
        data, office=office, rules=rules, email_optional=channel in (*STAFF_CHANNELS, INVITED)
    )
    if start is None or timezone.is_naive(start) or not moment_in_bounds(start):
        errors.add("start", _("Choose one of the free times."))
    if not agree_terms:
        errors.add(
            "agree_terms", _("To book, read the terms of use and tick the box to agree to them.")
        )
    if channel in STAFF_CHANNELS and created_by is None:
        raise ValueError("a booking entered by staff names who entered it")
    if (channel == INVITED) != (applicant is not None) or (
        applicant is not None and applicant.office_id != office.pk
    ):
        raise ValueError("an invited booking, and only one, names its record at the office")
    if errors:
        raise BookingInvalid(errors)
    start = start.astimezone(JST)
    fingerprint = _fingerprint(service, start, cleaned)
    idempotency_key = (idempotency_key or "")[:100]

    if channel in PUBLIC_CHANNELS:
        # Before the replay check: replaying a key is no way around the flood limit. Keyed
        # by the address only (IPv6: its /64), never by a job-seeker number, which anyone
        # can type to lock its owner out (issue 23).
        keys = [key] if (key := address_key(ip_address)) else []
        rate_check("booking", keys, settings.RATE_LIMIT_BOOKING)
    if idempotency_key:
        replay = _replay(office, idempotency_key, fingerprint)
        if replay is not None:
            return replay
    if channel in PUBLIC_CHANNELS and is_public_hold(rules):
        # A new hold (a replay above is not): limited per address (services.holds). The
        # web form asked at its time step; here it stops only a script's pile of forms.
        factor = 2 if channel == BookingChannel.WEB else 1
        hold_allowance_check(office=office, ip_address=ip_address, now=now, factor=factor)

    try:
        booking = _create(
            service=service,
            start=start,
            cleaned=cleaned,
            rules=rules,
            terms_version_id=terms_version_id,
            channel=channel,
            language=language,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            ip_address=ip_address,
            user_agent=user_agent,
            created_by=created_by,
            known=applicant,
            email_verified=email_verified,
            now=now,
        )
    except SlotTaken as error:
        if getattr(error, "alternatives_later", False):
            # Read now that the transaction, and with it the office's lock, is over.
            error.alternatives = alternatives_near(service, start, now)
        raise
    except IntegrityError:
        # A concurrent request with the same idempotency key won the insert.
        replay = _replay(office, idempotency_key, fingerprint) if idempotency_key else None
        if replay is None:
            raise
        return replay
    if channel in PUBLIC_CHANNELS and is_public_hold(rules):
        hold_count(office=office, ip_address=ip_address, now=now)  # made: now it counts
    logger.info(
        "booking created id=%s office=%s status=%s", booking.pk, office.slug, booking.status
    )
    return _result(booking, replayed=False)


def _replay(office, idempotency_key: str, fingerprint: str) -> BookingCreated | None:
    existing = Booking.objects.filter(office=office, idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    if existing.request_fingerprint != fingerprint:
        raise IdempotencyConflict(
            _("This request key was already used for a different booking. Reload the page.")
        )
    return _result(existing, replayed=True)


@booking_transaction(timeout=False)
def _create(
    *,
    service: Service,
    start: datetime,
    cleaned: ApplicantInput,
    rules: BookingRules,
    terms_version_id: int | None,
    channel: str,
    language: str,
    idempotency_key: str,
    fingerprint: str,
    ip_address: str | None,
    user_agent: str,
    created_by: User | None,
    known: Applicant | None,
    email_verified: bool = False,
    now: datetime,
) -> Booking:
    # First: the lock timeout, and the booking's id drawn from its sequence (PostgreSQL).
    reserved_id = lock_timeout_set_and_booking_id()
    office = service.office
    public = channel in PUBLIC_CHANNELS
    online = public or channel == INVITED  # the person books: the bar and cap apply
    extra = extra_minutes_for(office, cleaned.accommodations)
    # Everything that does not depend on other bookings is read before the office's lock:
    # whether the service offers this start at all, who is present, whom to prefer.
    day_slots = day_offer_cached(service=service, day=start.date(), now=now)
    offered = next((s for s in day_slots if s.start == start), None)
    if offered is None:  # passed, past its deadline, beyond the horizon, or never offered
        raise SlotTaken(
            _slot_refusal(service, start, rules, now),
            alternatives=alternatives_near(service, start, now),
        )
    offered = _lengthened(offered, extra)
    load = counselor_day_load(offered.counselor_ids, offered.start, offered.end, now)
    if load.holding >= set(offered.counselor_ids):
        # Taken already, as in a burst once the first few have booked: answered without
        # writing the person's record or waiting for the office's lock.
        raise _taken_under_lock(extra)
    # Whose record: bookings.services.identity (a typed number never joins a record).
    if known is not None:  # the record the office named (an invitation): locked, first
        applicant = applicant_lock(known.pk)
    else:
        applicant = applicant_for_request(office=office, cleaned=cleaned, public=public)
    new_record = getattr(applicant, "created_now", False)  # no bookings, no counselor yet
    if online:
        booking_refuse_for_applicant(applicant=applicant, office=office, now=now)

    consent = consent_give(
        office=office,
        terms_version_id=terms_version_id,
        applicant_uuid=applicant.uuid,
        applicant_kind=cleaned.kind,
        channel=Consent.Channel.WEB if online else Consent.Channel(channel),
        ip_address=ip_address,
        user_agent=user_agent,
        recorded_by=None if online else created_by,
        now=now,
    )
    previous = None if new_record else previous_counselor(applicant)

    if public and rules.needs_email_check and not email_verified:
        status = BookingStatus.PENDING_VERIFICATION
    elif public and rules.needs_staff_approval:
        status = BookingStatus.REQUESTED
    else:
        status = BookingStatus.CONFIRMED
    booking = Booking(
        reference=_reference(),
        office=office,
        service=service,
        applicant=applicant,
        consent=consent,
        start=offered.start,
        end=offered.end,
        status=status,
        channel=channel,
        language=languages.supported(language),
        name=cleaned.name,
        name_kana=cleaned.name_kana,
        job_seeker_number=cleaned.job_seeker_number,
        email=cleaned.email,
        phone=cleaned.phone,
        company_name=cleaned.company_name,
        attendees=cleaned.attendees,
        note=cleaned.note,
        accommodations=cleaned.accommodations,
        accommodation_other=cleaned.accommodation_other,
        extra_minutes=extra,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
        created_by=created_by,
    )
    if public and status != BookingStatus.CONFIRMED and not email_verified:
        # A hold lapses on its own unless confirmed from the email (services.holds).
        booking.verification_expires_at = hold_expires_at(rules, now)
    # What does not depend on the counselor is written before the office's lock: with the
    # booking's id drawn from its sequence, its event and its emails (as intent, one
    # INSERT); their references to the booking are checked at commit (PostgreSQL's
    # deferred foreign keys). On SQLite, whose transaction is one writer anyway, after it.
    # At a service that checks no address, the person's checks cannot run without telling
    # whoever typed the address (services.person_guard): the booking's own email says what
    # they would have refused, to the address.
    notice = {}
    if public and not is_public_hold(rules) and not email_verified:
        notice = person_guard_notice(
            office=office, email=cleaned.email, start=offered.start, end=offered.end, now=now
        )
    recorded = {"created_by": created_by, "channel": channel, "now": now,
                "email_checked": public and email_verified, "notice": notice}  # fmt: skip
    if reserved_id is not None:
        booking.pk = reserved_id
        _record(booking, **recorded)

    # Under the lock: the counselors locked, the holds that lapsed at this time released
    # (only when the day's reading found one), and the insert (`_insert_under_lock`).
    # Without the counselors committed then to something else, read in the same statement
    # (a group session, an interview they attend: no booking row holds that time).
    locked_ids, setup_version = office_booking_lock_and_setup_version(
        office, free_over=(offered.start, offered.end)
    )
    locked = set(locked_ids)
    if setup_version > office.setup_version:
        # The office's setup changed after the offer above was read (a closure, hours, an
        # absence saved meanwhile), or a counselor's time was given to a session or an
        # interview, perhaps while this waited for the lock (the locking statement read the
        # commitments before that wait): read both again, under the lock, now. Rare, so the
        # usual path costs no query for it.
        offered = _offered_under_lock(service, start, rules, now, extra)
        locked -= counselors_committed(
            counselor_ids=offered.counselor_ids, start=offered.start, end=offered.end
        )
    present = [cid for cid in offered.counselor_ids if cid in locked]
    if load.lapsed:
        holds_expire_stale(present, now, start=offered.start, end=offered.end)
    # One person, one time at the office and a cap (services.person_guard), where the
    # address is shown to be theirs: a public hold is checked when its email link is opened
    # instead, and an open booking at a service that checks no address is told by its
    # email (above): the answer must not depend on what the address typed holds (issue
    # 23). Refusals in one order: taken, the person's guard, the day's holds.
    guard = online and (not public or email_verified)

    def person_guard(exclude_pk=None) -> None:
        person_guard_check(
            office=office, email=cleaned.email, applicant_id=known.pk if known else None,
            start=offered.start, end=offered.end, now=now, exclude_pk=exclude_pk,
        )  # fmt: skip

    if public and is_public_hold(rules) and settings.HOLD_MAX_UNCONFIRMED_PER_DAY:
        # The day's holds are counted before the insert (services.holds).
        free = _free_under_lock(present, booking, now)
        if guard:
            person_guard()
        places = sum(s.free for s in day_slots) - sum(load.counts.values())
        hold_day_check(service=service, start=start, free_places=max(0, places), now=now)
        booking.counselor_id = counselor_choose(free, previous, load.counts)
        _insert(booking)
    else:
        _insert_under_lock(booking, present, load, previous, now)
        if guard:  # a refusal now undoes the insert with the transaction
            person_guard(exclude_pk=booking.pk)
    if reserved_id is None:
        _record(booking, **recorded)
    meeting_enqueue_after_commit(booking)
    return booking


def _insert_under_lock(booking: Booking, present: list[int], load: DayLoad, previous, now):
    """
    Chooses the counselor and inserts the booking; the caller holds the office's lock.
    On PostgreSQL the exclusion constraint is the check: the insert names the counselor
    the day's reading found free (in a savepoint), and only when it is refused (someone
    booked them in between) are the busy read under the lock and a second insert needed.
    SQLite has no such constraint: the busy read comes first there.
    """
    fits = tuple(cid for cid in present if cid not in load.holding)
    if connection.vendor == "postgresql" and fits:
        booking.counselor_id = counselor_choose(fits, previous, load.counts)
        try:
            with transaction.atomic():
                booking.save(force_insert=True)
            return
        except IntegrityError as error:
            if not is_overlap_violation(error):
                raise
    booking.counselor_id = counselor_choose(_free_under_lock(present, booking, now), previous,
                                            load.counts)  # fmt: skip
    _insert(booking)


def _free_under_lock(present: list[int], booking: Booking, now: datetime) -> tuple[int, ...]:
    """The counselors present who are free over the booking's time (one query), or taken."""
    busy = counselors_busy(counselor_ids=present, start=booking.start, end=booking.end, now=now)
    free = tuple(cid for cid in present if cid not in busy)
    if not free:
        raise _taken_under_lock(booking.extra_minutes)
    return free


def _insert(booking: Booking) -> None:
    try:
        # No savepoint: a refused insert ends this transaction anyway (it is rolled back).
        booking.save(force_insert=True)
    except IntegrityError as error:
        if is_overlap_violation(error):
            raise SlotTaken(_taken_message(booking.extra_minutes), alternatives=[]) from error
        raise


def _record(
    booking: Booking, *, created_by: User | None, channel: str, now: datetime,
    email_checked: bool = False, notice: dict | None = None,
) -> None:  # fmt: skip
    """The booking's event and its emails (the person's and, for a request, the office's
    counselors', in one INSERT). `email_checked`: an open booking made from a link emailed
    to its address (`selectors.identity.address_shown`); `notice`: what the person's checks
    would have refused, for the email (`person_guard_notice`)."""
    params = {"channel": channel} | ({"email_checked": True} if email_checked else {})
    booking_event_record(
        booking,
        at=now,
        from_status="",
        to_status=booking.status,
        actor=created_by,
        actor_label=Actor.STAFF if created_by else Actor.APPLICANT,
        reason_code=Reason.BOOKED,
        reason_params=params,
    )
    booking_notify(booking, EmailKind.CREATED, extra=notice or None)
