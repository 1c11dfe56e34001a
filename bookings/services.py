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

from bookings import ratelimit
from bookings.availability import slot_list_available
from bookings.exceptions import (
    Alternative,
    ApplicantBarred,
    BookingInvalid,
    BookingLimitReached,
    IdempotencyConflict,
    NotAllowedNow,
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
from bookings.tokens import MANAGE, VERIFY, booking_token, token_hash
from bookings.validation import ApplicantInput, identity_key, validate_applicant
from common.clock import JST
from offices.models import Counselor, Service, User
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


def booking_transition(
    booking: Booking,
    to: str,
    *,
    at: datetime,
    actor: User | None = None,
    actor_label: str,
    reason: str = "",
    extra_fields: tuple[str, ...] = (),
) -> None:
    """Changes the status and records the event; the caller holds the booking's lock."""
    from_status = booking.status
    booking.status = to
    booking.save(update_fields=["status", "updated_at", *extra_fields])
    BookingEvent.objects.create(
        booking=booking,
        at=at,
        from_status=from_status,
        to_status=to,
        actor=actor,
        actor_label=actor_label,
        reason=reason,
    )
    _meeting_after_commit(booking)


def _meeting_after_commit(booking: Booking) -> None:
    """Confirmed: issue the meeting; cancelled: delete it. Both after commit, in a worker."""
    from bookings import tasks

    def enqueue() -> None:
        task = (
            tasks.issue_meeting
            if booking.status == BookingStatus.CONFIRMED
            else tasks.delete_meeting
        )
        try:
            task.delay(booking.pk)
        except Exception as error:  # broker down: the periodic `sweep_meetings` picks it up
            logger.warning(
                "broker unavailable for booking id=%s: %s", booking.pk, type(error).__name__
            )

    if booking.status in (BookingStatus.CONFIRMED, BookingStatus.CANCELLED):
        transaction.on_commit(enqueue)


def booking_notify(booking: Booking, kind: str) -> None:
    """
    Writes the email for this event to the outbox in the current transaction and hands
    it to a worker after commit; a mail or broker failure never fails the booking.
    """
    from bookings.messages import booking_message
    from notifications.services import notification_queue
    from notifications.tasks import send_after_commit

    message = booking_message(booking, kind)
    if message is None:
        return
    notification, created = notification_queue(
        dedupe_key=f"booking:{booking.pk}:{kind}:{booking.status}",
        kind=f"booking_{kind}",
        recipient=booking.email,
        language=booking.language,
        message=message,
        office_id=booking.office_id,
    )
    if created:
        transaction.on_commit(lambda: send_after_commit(notification.pk))
    if booking.status == BookingStatus.REQUESTED:
        from bookings.staff_notices import staff_notify

        staff_notify(booking, "staff_request_waiting")


def _check_rate(scope: str, keys: list[str], rate: str) -> None:
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


def _expire_stale_holds(counselor_ids: list[int], now: datetime) -> None:
    """Bookings whose email check window has passed free their time, with an event."""
    stale = Booking.objects.select_for_update().filter(
        counselor_id__in=counselor_ids,
        status=BookingStatus.PENDING_VERIFICATION,
        verification_expires_at__lte=now,
    )
    for booking in stale:
        booking_transition(
            booking,
            BookingStatus.EXPIRED,
            at=now,
            actor_label="system",
            reason="email check window passed",
        )
        booking_notify(booking, "expired")


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


def office_booking_lock(office) -> list[int]:
    """
    The one lock of booking: this office's active counselors, in a fixed order (no
    deadlock). Taken late, after validation and consent; everything after it sees every
    booking committed before it. On SQLite the IMMEDIATE transaction already serializes.
    """
    return list(
        Counselor.objects.select_for_update()
        .filter(office=office, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
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
        _check_rate("booking", keys, settings.RATE_LIMIT_BOOKING)

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
    _expire_stale_holds(counselor_ids, now)
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
            _("That time was just taken. Please choose another time."),
            alternatives=_alternatives(service, start, now, rules),
        )

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
    _meeting_after_commit(booking)
    return booking


def booking_get_by_token(*, token: str, purpose: str) -> Booking | None:
    if not token or len(token) > 100:
        return None
    field = "manage_token_hash" if purpose == MANAGE else "verification_token_hash"
    return (
        Booking.objects.select_related("office", "service", "counselor")
        .filter(**{field: token_hash(token)})
        .first()
    )


def booking_verify(*, token: str, ip_address: str | None = None, now: datetime) -> Booking:
    """
    The email check: confirms (or, at staff-approval offices, requests) the booking. Past
    its window the booking expires (that is committed) and the person is told to book again.
    """
    _check_rate("verify", [f"ip:{ip_address}"] if ip_address else [], settings.RATE_LIMIT_VERIFY)
    found = booking_get_by_token(token=token, purpose=VERIFY)
    if found is None:
        raise NotAllowedNow(_("This link is not valid. Check that you opened the whole link."))
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=found.pk)
        if booking.status in (BookingStatus.CONFIRMED, BookingStatus.REQUESTED):
            return booking  # a second click changes nothing
        if booking.status != BookingStatus.PENDING_VERIFICATION:
            raise NotAllowedNow(
                _("This booking can no longer be confirmed. Please book a new time.")
            )
        expired = booking.verification_expires_at <= now
        if expired:
            booking_transition(
                booking, BookingStatus.EXPIRED, at=now, actor_label="system",
                reason="email check window passed",
            )  # fmt: skip
            booking_notify(booking, "expired")
        else:
            rules = rules_for_service(booking.service, booking.office)
            to = BookingStatus.REQUESTED if rules.needs_staff_approval else BookingStatus.CONFIRMED
            booking_transition(
                booking, to, at=now, actor_label="applicant", reason="email address checked"
            )
            booking_notify(booking, to)
    if expired:
        raise NotAllowedNow(
            _(
                "The time to confirm this booking has passed and the time was released. "
                "Please book again."
            )
        )
    return booking


def cancellation_deadline(booking: Booking) -> datetime | None:
    """Until when the person may cancel online; None when only by phone."""
    rules = rules_for_service(booking.service, booking.office)
    if not rules.online_cancel_allowed:
        return None
    if rules.online_cancel_days_before == 0:
        return booking.start
    day = booking.start.astimezone(JST).date() - timedelta(days=rules.online_cancel_days_before)
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=JST)


def booking_can_cancel_online(booking: Booking, now: datetime) -> bool:
    deadline = cancellation_deadline(booking)
    return booking.is_active and deadline is not None and now < deadline


@transaction.atomic
def booking_cancel_by_applicant(*, booking: Booking, reason: str = "", now: datetime) -> Booking:
    booking = (
        Booking.objects.select_for_update().select_related("service", "office").get(pk=booking.pk)
    )
    if not booking.is_active:
        raise NotAllowedNow(_("This booking is no longer active, so there is nothing to cancel."))
    if not booking_can_cancel_online(booking, now):
        raise NotAllowedNow(
            _("It is too late to cancel online. Please phone the office%(phone)s.")
            % {"phone": f" ({booking.office.phone})" if booking.office.phone else ""}
        )
    booking_transition(
        booking,
        BookingStatus.CANCELLED,
        at=now,
        actor_label="applicant",
        reason=(reason or "cancelled online")[:300],
    )
    booking_notify(booking, "cancelled")
    return booking


def _staff_may_act(user: User, booking: Booking) -> None:
    if not (user.is_superuser or user.office_id == booking.office_id):
        raise NotAllowedNow(_("This booking belongs to another office."))


@transaction.atomic
def booking_confirm(*, booking: Booking, by: User, now: datetime) -> Booking:
    """A counselor confirms a requested time (staff-approval offices)."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    _staff_may_act(by, booking)
    if booking.status != BookingStatus.REQUESTED:
        raise NotAllowedNow(_("Only a requested booking can be confirmed."))
    booking_transition(booking, BookingStatus.CONFIRMED, at=now, actor=by, actor_label="staff")
    booking_notify(booking, BookingStatus.CONFIRMED)
    return booking


@transaction.atomic
def booking_cancel_by_staff(*, booking: Booking, by: User, reason: str, now: datetime) -> Booking:
    """Staff cancel (or decline a request), on the person's request or the office's."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    _staff_may_act(by, booking)
    if not booking.is_active:
        raise NotAllowedNow(_("This booking is no longer active."))
    if not reason.strip():
        raise BookingInvalid({"reason": [_("Say why the booking is cancelled.")]})
    booking_transition(
        booking, BookingStatus.CANCELLED, at=now, actor=by, actor_label="staff", reason=reason[:300]
    )
    booking_notify(booking, "cancelled")
    return booking


def bookings_expire_unverified(*, now: datetime) -> int:
    """Expires every booking whose email check window has passed; returns how many."""
    expired = 0
    ids = list(
        Booking.objects.filter(
            status=BookingStatus.PENDING_VERIFICATION, verification_expires_at__lte=now
        ).values_list("pk", flat=True)
    )
    for booking_id in ids:
        with transaction.atomic():
            booking = Booking.objects.select_for_update().get(pk=booking_id)
            if booking.status != BookingStatus.PENDING_VERIFICATION:
                continue  # verified or expired meanwhile
            booking_transition(
                booking,
                BookingStatus.EXPIRED,
                at=now,
                actor_label="system",
                reason="email check window passed",
            )
            booking_notify(booking, "expired")
            expired += 1
    return expired


def terms_change_notify(*, terms_version_id: int, now: datetime) -> int:
    """
    Once a new terms version is in force, tells each person with an upcoming confirmed
    booking at that office who agreed only to an older version that they will be asked
    to agree again. Each person is told once per version (dedupe key). Returns how many
    emails were queued now.
    """
    from bookings.messages import terms_change_message
    from notifications.services import notification_queue
    from notifications.tasks import send_after_commit
    from terms.models import TermsVersion
    from terms.selectors import applicants_with_superseded_consent

    version = TermsVersion.objects.select_related("office").get(pk=terms_version_id)
    if not version.is_published or version.withdrawn_at or version.effective_from > now:
        return 0
    stale = applicants_with_superseded_consent(terms_version=version)
    upcoming = (
        Booking.objects.filter(
            office=version.office,
            applicant__uuid__in=stale,
            status=BookingStatus.CONFIRMED,
            start__gt=now,
        )
        .select_related("office", "applicant")
        .order_by("applicant_id", "start")
    )
    queued = 0
    seen: set[int] = set()
    for booking in upcoming:
        if booking.applicant_id in seen:
            continue
        seen.add(booking.applicant_id)
        with transaction.atomic():
            notification, created = notification_queue(
                dedupe_key=f"terms:{version.pk}:applicant:{booking.applicant.uuid}",
                kind="terms_changed",
                recipient=booking.email,
                language=booking.language,
                message=terms_change_message(booking, version),
                office_id=booking.office_id,
            )
            if created:
                queued += 1
                transaction.on_commit(lambda pk=notification.pk: send_after_commit(pk))
    return queued


def terms_changes_notify_recent(*, now: datetime, days: int = 7) -> int:
    """Periodic: runs `terms_change_notify` for versions that took effect recently."""
    from terms.models import TermsVersion

    versions = TermsVersion.objects.filter(
        published_at__isnull=False,
        withdrawn_at__isnull=True,
        effective_from__lte=now,
        effective_from__gt=now - timedelta(days=days),
    ).values_list("pk", flat=True)
    return sum(terms_change_notify(terms_version_id=pk, now=now) for pk in versions)
