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
from django.db import IntegrityError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.exceptions import (
    AlreadyBooked,
    Alternative,
    BookingInvalid,
    IdempotencyConflict,
    RateLimited,
    ServiceClosed,
    SlotTaken,
)
from bookings.models import (
    TIME_HOLDING_STATUSES,
    Applicant,
    Booking,
    BookingChannel,
    BookingEvent,
    BookingStatus,
    is_overlap_violation,
)
from bookings.selectors.availability import counselors_busy, slot_list_available
from bookings.services.holds import (
    hold_day_check,
    hold_expires_at,
    hold_rate_check,
    is_public_hold,
)
from bookings.services.identity import (
    applicant_for_request,
    booking_refuse_for_applicant,
    claim_notify,
)
from bookings.services.links import booking_link_issue
from bookings.services.locking import booking_transaction, office_booking_lock
from bookings.services.notify import booking_notify
from bookings.services.transitions import holds_expire_stale, meeting_enqueue_after_commit
from bookings.state import Actor, EmailKind, Reason
from bookings.tokens import MANAGE, VERIFY
from bookings.validation import ApplicantInput, validate_applicant
from common import ratelimit
from common.clock import JST
from offices.models import Service, User
from offices.rules import BookingRules, rules_for_service
from terms.models import Consent
from terms.services import consent_give

logger = logging.getLogger(__name__)

PUBLIC_CHANNELS = (BookingChannel.WEB, BookingChannel.API)
STAFF_CHANNELS = (BookingChannel.PHONE, BookingChannel.SESSION)
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
                _("Too many attempts. Please wait %(seconds)d seconds and try again.")
                % {"seconds": wait},
                retry_after=wait,
            )


def alternatives_near(service: Service, start: datetime, now: datetime) -> list[Alternative]:
    day = start.astimezone(JST).date()
    slots = slot_list_available(
        service=service, first_day=day, last_day=day + timedelta(days=14), now=now
    )
    slots.sort(key=lambda slot: abs((slot.start - start).total_seconds()))
    nearest = sorted(slots[:_ALTERNATIVES], key=lambda slot: slot.start)
    return [Alternative(start=s.start, end=s.end, free=s.free) for s in nearest]


def counselor_preference(
    applicant: Applicant, present_ids: tuple[int, ...], start: datetime
) -> tuple[int | None, dict[int, int]]:
    """The person's previous counselor at the office, and how many bookings each counselor
    present has that day: read before the office's lock (two queries)."""
    previous = (
        Booking.objects.filter(applicant=applicant)
        .exclude(status__in=[BookingStatus.EXPIRED])
        .order_by("-start")
        .values_list("counselor_id", flat=True)
        .first()
    )
    day_start = datetime.combine(start.astimezone(JST).date(), datetime.min.time(), tzinfo=JST)
    counts = dict(
        Booking.objects.filter(
            counselor_id__in=present_ids,
            status__in=TIME_HOLDING_STATUSES,
            start__gte=day_start,
            start__lt=day_start + timedelta(days=1),
        )
        .values("counselor_id")
        .annotate(n=Count("pk"))
        .values_list("counselor_id", "n")
    )
    return previous, counts


def counselor_choose(
    free_ids: tuple[int, ...], previous: int | None, counts: dict[int, int]
) -> int:
    """The person's previous counselor at the office when free, else the least busy that day."""
    if previous in free_ids:
        return previous
    return min(free_ids, key=lambda cid: (counts.get(cid, 0), cid))


def _slot_refusal(service: Service, start: datetime, rules: BookingRules, now: datetime) -> str:
    """Why a time is not bookable, in the person's words: passed, closed, or just taken."""
    from offices.business_days import booking_deadline
    from offices.display import format_datetime
    from offices.selectors import office_calendar

    if start <= now:
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
    return _("That time was just taken. Please choose another time.")


def _refuse_overlap_of_same_contact(office, cleaned: ApplicantInput, start, end) -> None:
    """
    The same email address may not hold two overlapping times at one office (two
    counselors at 14:00). Matched on the address the request gives, never on the number
    alone, so a stranger typing someone's number learns nothing. Caller holds the lock.
    """
    existing = (
        Booking.objects.filter(
            office=office,
            email__iexact=cleaned.email,
            status__in=TIME_HOLDING_STATUSES,
            start__lt=end,
            end__gt=start,
        )
        .order_by("start")
        .first()
    )
    if existing is not None:
        raise AlreadyBooked(
            _(
                "This email address already has a booking at this office at this time. "
                "We sent its link to that address; choose another time to book a second "
                "session."
            ),
            existing=existing,
        )


def _check_channel(service: Service, channel: str) -> None:
    office = service.office
    if channel in PUBLIC_CHANNELS:
        if not (service.is_active and service.accepts_web and office.is_published):
            raise ServiceClosed(
                _("This service does not take bookings online. Please phone the office.")
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
    now: datetime,
) -> BookingCreated:
    """
    Books `start` at `service` for the person described by `data` (raw values; see
    `bookings.validation`). Raises BookingInvalid (field errors), ServiceClosed,
    RateLimited, ApplicantBarred, BookingLimitReached, TermsOutdated / NoTermsInForce,
    SlotTaken (with alternatives) or IdempotencyConflict. A repeated request with the same
    idempotency key returns the first booking (`replayed=True`).
    """
    office = service.office
    rules = rules_for_service(service, office)
    _check_channel(service, channel)

    cleaned, errors = validate_applicant(
        data, office=office, rules=rules, email_optional=channel in STAFF_CHANNELS
    )
    if start is None or timezone.is_naive(start):
        errors.add("start", _("Choose one of the free times."))
    if not agree_terms:
        errors.add(
            "agree_terms", _("To book, read the terms of use and tick the box to agree to them.")
        )
    if channel in STAFF_CHANNELS and created_by is None:
        raise ValueError("a booking entered by staff names who entered it")
    if errors:
        raise BookingInvalid(errors)
    start = start.astimezone(JST)
    fingerprint = _fingerprint(service, start, cleaned)
    idempotency_key = (idempotency_key or "")[:100]

    if channel in PUBLIC_CHANNELS:
        # Before the replay check: replaying a key is no way around the limit.
        keys = [f"ip:{ip_address}"] if ip_address else []
        if cleaned.job_seeker_number:
            keys.append(f"jsn:{cleaned.job_seeker_number}")
        rate_check("booking", keys, settings.RATE_LIMIT_BOOKING)
    if idempotency_key:
        replay = _replay(office, idempotency_key, fingerprint)
        if replay is not None:
            return replay
    if channel in PUBLIC_CHANNELS and is_public_hold(rules):
        # A new hold (a replay above is not): limited per address (services.holds).
        hold_rate_check(office=office, ip_address=ip_address, now=now)

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
            now=now,
        )
    except IntegrityError:
        # A concurrent request with the same idempotency key won the insert.
        replay = _replay(office, idempotency_key, fingerprint) if idempotency_key else None
        if replay is None:
            raise
        return replay
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


@booking_transaction()
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
    now: datetime,
) -> Booking:
    office = service.office
    public = channel in PUBLIC_CHANNELS
    # Whose record: bookings.services.identity (a stranger never joins a person's record).
    applicant = applicant_for_request(office=office, cleaned=cleaned, public=public)
    if public:
        booking_refuse_for_applicant(applicant=applicant, office=office, now=now)

    consent = consent_give(
        office=office,
        terms_version_id=terms_version_id,
        applicant_uuid=applicant.uuid,
        applicant_kind=cleaned.kind,
        channel=Consent.Channel.WEB if public else Consent.Channel(channel),
        ip_address=ip_address,
        user_agent=user_agent,
        recorded_by=None if public else created_by,
        now=now,
    )

    # Everything that does not depend on other bookings is read before the office's lock:
    # whether the service offers this start at all, who is present, whom to prefer.
    day = start.date()
    offered = next(
        (
            s
            for s in slot_list_available(
                service=service, first_day=day, last_day=day, now=now, ignore_bookings=True
            )
            if s.start == start
        ),
        None,
    )
    if offered is None:  # passed, past its deadline, beyond the horizon, or never offered
        raise SlotTaken(
            _slot_refusal(service, start, rules, now),
            alternatives=alternatives_near(service, start, now),
        )
    if public:  # one person (by the address given), one time at the office
        _refuse_overlap_of_same_contact(office, cleaned, offered.start, offered.end)
    previous, counts = counselor_preference(applicant, offered.counselor_ids, start)

    # Under the lock, as few queries as possible: the holds that lapsed at this time are
    # released, and who is busy then is read.
    locked = set(office_booking_lock(office))
    present = [cid for cid in offered.counselor_ids if cid in locked]
    holds_expire_stale(present, now, start=offered.start, end=offered.end)
    busy = counselors_busy(counselor_ids=present, start=offered.start, end=offered.end, now=now)
    free = tuple(cid for cid in present if cid not in busy)
    if not free:
        raise SlotTaken(
            _("That time was just taken. Please choose another time."),
            alternatives=alternatives_near(service, start, now),
        )

    if public and is_public_hold(rules):
        hold_day_check(office=office, start=start, now=now)
    if public and rules.needs_email_check:
        status = BookingStatus.PENDING_VERIFICATION
    elif public and rules.needs_staff_approval:
        status = BookingStatus.REQUESTED
    else:
        status = BookingStatus.CONFIRMED
    booking = Booking(
        reference=_reference(),
        office=office,
        service=service,
        counselor_id=counselor_choose(free, previous, counts),
        applicant=applicant,
        consent=consent,
        start=offered.start,
        end=offered.end,
        status=status,
        channel=channel,
        language=language if language in ("ja", "en") else "ja",
        name=cleaned.name,
        name_kana=cleaned.name_kana,
        job_seeker_number=cleaned.job_seeker_number,
        email=cleaned.email,
        phone=cleaned.phone,
        company_name=cleaned.company_name,
        attendees=cleaned.attendees,
        note=cleaned.note,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
        created_by=created_by,
    )
    if public and status != BookingStatus.CONFIRMED:
        # A hold lapses on its own unless confirmed from the email (services.holds).
        booking.verification_expires_at = hold_expires_at(rules, now)
    try:
        # No savepoint: a refused insert ends this transaction anyway (it is rolled back).
        booking.save()
    except IntegrityError as error:
        if is_overlap_violation(error):
            raise SlotTaken(
                _("That time was just taken. Please choose another time."),
                alternatives=[],
            ) from error
        raise
    BookingEvent.objects.create(
        booking=booking,
        at=now,
        from_status="",
        to_status=status,
        actor=created_by,
        actor_label=Actor.STAFF if created_by else Actor.APPLICANT,
        reason_code=Reason.BOOKED,
        reason_params={"channel": channel},
    )
    booking_notify(booking, EmailKind.CREATED)
    if applicant.is_unlinked_claim:
        claim_notify(booking)
    meeting_enqueue_after_commit(booking)
    return booking
