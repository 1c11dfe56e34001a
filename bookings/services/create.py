"""
Writes to bookings. Every channel (web, API, phone, next session booked during a session)
books through `booking_create`; every change of state goes through `booking_transition`, which
writes its BookingEvent.

Double booking is impossible twice over: the office's counselors are locked inside the
transaction and availability is re-checked under that lock (one booking at a time per
office), and PostgreSQL's exclusion constraint refuses overlapping active bookings of one
counselor whatever code writes them. A lost race is `SlotTaken`, with fresh alternatives.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.exceptions import (
    AlreadyBooked,
    Alternative,
    ApplicantBarred,
    BookingInvalid,
    BookingLimitReached,
    IdempotencyConflict,
    RateLimited,
    ServiceClosed,
    SlotTaken,
)
from bookings.models import (
    ACTIVE_STATUSES,
    Applicant,
    Booking,
    BookingChannel,
    BookingEvent,
    BookingStatus,
)
from bookings.selectors.availability import slot_list_available
from bookings.services.locking import office_booking_lock
from bookings.services.notify import booking_notify
from bookings.services.transitions import holds_expire_stale, meeting_enqueue_after_commit
from bookings.tokens import MANAGE, VERIFY, booking_token, token_hash
from bookings.validation import ApplicantInput, identity_key, validate_applicant
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
    raw = f"{service.pk}|{start.isoformat()}|{cleaned.email.lower()}|{cleaned.job_seeker_number}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _result(booking: Booking, *, replayed: bool) -> BookingCreated:
    verification = (
        booking_token(booking.uuid, VERIFY)
        if booking.status == BookingStatus.PENDING_VERIFICATION
        else None
    )
    return BookingCreated(booking, booking_token(booking.uuid, MANAGE), verification, replayed)


def rate_check(scope: str, keys: list[str], rate: str) -> None:
    for key in keys:
        wait = ratelimit.hit(scope=scope, key=key, rate=rate)
        if wait is not None:
            raise RateLimited(
                _("Too many attempts. Please wait %(seconds)d seconds and try again.")
                % {"seconds": wait},
                retry_after=wait,
            )


def _alternatives(service: Service, start: datetime, now: datetime, rules) -> list[Alternative]:
    day = start.astimezone(JST).date()
    slots = slot_list_available(
        service=service, first_day=day, last_day=day + timedelta(days=14), now=now
    )
    slots.sort(key=lambda slot: abs((slot.start - start).total_seconds()))
    nearest = sorted(slots[:_ALTERNATIVES], key=lambda slot: slot.start)
    return [Alternative(start=s.start, end=s.end, free=s.free) for s in nearest]


def _choose_counselor(applicant: Applicant, free_ids: tuple[int, ...], start: datetime) -> int:
    """The person's previous counselor at the office when free, else the least busy that day."""
    previous = (
        Booking.objects.filter(applicant=applicant)
        .exclude(status__in=[BookingStatus.EXPIRED])
        .order_by("-start")
        .values_list("counselor_id", flat=True)
        .first()
    )
    if previous in free_ids:
        return previous
    day_start = datetime.combine(start.astimezone(JST).date(), datetime.min.time(), tzinfo=JST)
    counts = dict(
        Booking.objects.filter(
            counselor_id__in=free_ids,
            status__in=ACTIVE_STATUSES,
            start__gte=day_start,
            start__lt=day_start + timedelta(days=1),
        )
        .values("counselor_id")
        .annotate(n=Count("pk"))
        .values_list("counselor_id", "n")
    )
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
            status__in=ACTIVE_STATUSES,
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


def _applicant_for(office, cleaned: ApplicantInput) -> Applicant:
    applicant, _created = Applicant.objects.get_or_create(
        office=office,
        identity_key=identity_key(cleaned),
        defaults={
            "kind": cleaned.kind,
            "name": cleaned.name,
            "name_kana": cleaned.name_kana,
            "job_seeker_number": cleaned.job_seeker_number,
        },
    )
    # Serializes one person's concurrent requests, so the cap below holds.
    return Applicant.objects.select_for_update().get(pk=applicant.pk)


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

    cleaned, errors = validate_applicant(data, office=office, rules=rules)
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

    if idempotency_key:
        replay = _replay(office, idempotency_key, fingerprint)
        if replay is not None:
            return replay
    if channel in PUBLIC_CHANNELS:
        keys = [f"ip:{ip_address}"] if ip_address else []
        if cleaned.job_seeker_number:
            keys.append(f"jsn:{cleaned.job_seeker_number}")
        rate_check("booking", keys, settings.RATE_LIMIT_BOOKING)

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


@transaction.atomic
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
    applicant = _applicant_for(office, cleaned)
    public = channel in PUBLIC_CHANNELS
    if public and applicant.is_barred:
        raise ApplicantBarred(
            _(
                "Online booking is not available to you at this office after missed sessions. "
                "Please phone the office%(phone)s."
            )
            % {"phone": f" ({office.phone})" if office.phone else ""}
        )
    if public:
        upcoming = Booking.objects.filter(
            applicant=applicant, status__in=ACTIVE_STATUSES, end__gt=now
        ).count()
        if upcoming >= settings.BOOKING_MAX_UPCOMING_PER_PERSON:
            raise BookingLimitReached(
                _(
                    "You already have %(count)d upcoming bookings at this office, the most "
                    "allowed. Cancel one, or book again after a session."
                )
                % {"count": upcoming}
            )

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

    counselor_ids = office_booking_lock(office)
    holds_expire_stale(counselor_ids, now)
    day = start.date()
    slot = next(
        (
            s
            for s in slot_list_available(service=service, first_day=day, last_day=day, now=now)
            if s.start == start
        ),
        None,
    )
    if slot is None:
        raise SlotTaken(
            _slot_refusal(service, start, rules, now),
            alternatives=_alternatives(service, start, now, rules),
        )
    # --- issue 14: one person, one time (begin) ---
    if public:
        _refuse_overlap_of_same_contact(office, cleaned, slot.start, slot.end)
    # --- issue 14: one person, one time (end) ---

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
        counselor_id=_choose_counselor(applicant, slot.counselor_ids, start),
        applicant=applicant,
        consent=consent,
        start=slot.start,
        end=slot.end,
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
    booking.manage_token_hash = token_hash(booking_token(booking.uuid, MANAGE))
    if status == BookingStatus.PENDING_VERIFICATION:
        booking.verification_token_hash = token_hash(booking_token(booking.uuid, VERIFY))
        booking.verification_expires_at = now + timedelta(minutes=rules.email_verification_minutes)
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:
        if "no_overlap" in str(error) or "exclusion" in str(error).lower():
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
        actor_label="staff" if created_by else "applicant",
        reason=f"booked via {channel}",
    )
    booking_notify(booking, "created")
    meeting_enqueue_after_commit(booking)
    return booking
