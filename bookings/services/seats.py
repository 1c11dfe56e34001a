"""
Group sessions with seats (`bookings.group_sessions`): a counselor schedules a session,
people book its seats, staff cancel it.

A seat is a booking, made by `seat_book` through the same steps as `booking_create` (the
channel's access rule, the person's record, consent, the email check of the open path,
the person's guard, the booking's event and emails) except the slot: the session names
its time and counselor. The capacity is the guard's new part: seats are counted under the
session's row lock (`group_session_lock`) and the insert happens under it, so 30 racing
bookers of 10 seats make exactly 10 seats; one person holds one seat of a session
(a unique constraint, which a public request waiting for its email link joins when the
link is opened: issue 23); and the session holds its counselor's time once, taken under the
office's lock like any booking (`group_session_schedule`).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.exceptions import (
    BookingInvalid,
    NotAllowedNow,
    SeatHeld,
    SessionFull,
)
from bookings.models import (
    TIME_HOLDING_STATUSES,
    Applicant,
    Booking,
    BookingChannel,
    BookingStatus,
    GroupSession,
    GroupSessionStatus,
)
from bookings.selectors.availability import counselors_busy
from bookings.selectors.availability_cache import availability_changed
from bookings.selectors.group_sessions import seat_held, seats_taken
from bookings.services.create import (
    INVITED,
    PUBLIC_CHANNELS,
    BookingCreated,
    _check_channel,
    _fingerprint,
    _record,
    _reference,
    _replay,
    _result,
    rate_check,
)
from bookings.services.holds import (
    hold_allowance_check,
    hold_count,
    hold_expires_at,
    is_public_hold,
)
from bookings.services.identity import applicant_for_request, booking_refuse_for_applicant
from bookings.services.locking import (
    applicant_lock,
    booking_transaction,
    group_session_lock,
    lock_timeout_set,
    office_commitment_lock,
)
from bookings.services.person_guard import person_guard_check, person_guard_notice
from bookings.services.staff import booking_cancel_by_staff
from bookings.services.transitions import holds_expire_stale, meeting_enqueue_after_commit
from bookings.validation import validate_applicant
from common import languages
from common.clock import JST
from common.dates import moment_in_bounds
from common.http import address_key
from offices.models import Counselor, Service, User
from offices.rules import rules_for_service
from terms.models import Consent
from terms.services import consent_give

logger = logging.getLogger(__name__)

# What a counselor may set a session's length and size to.
SESSION_MINUTES = (30, 45, 60, 90, 120, 150, 180)
MAX_CAPACITY = 200

_ONE_SEAT = "booking_one_seat_per_person"


def full_error() -> SessionFull:
    return SessionFull(
        _("This session is full: every seat is taken. Choose another session, or phone the office.")
    )


def group_session_schedule(
    *, service: Service, counselor: Counselor, start: datetime | None, minutes: int,
    capacity: int, by: User, now: datetime, title: str = "", title_en: str = "",
    platform: str = "",
) -> GroupSession:  # fmt: skip
    """
    Schedules a group session at `service`, run by `counselor` (of the service's office,
    which must be the staff member's own). Raises BookingInvalid (field errors) when the
    values are wrong or the counselor is not free: their time is taken under the office's
    lock, as a booking takes it, and PostgreSQL refuses two overlapping sessions.
    """
    office = service.office
    errors = BookingInvalid({})
    if not (by.is_superuser or by.office_id == office.pk):
        raise NotAllowedNow(_("This service belongs to another office."))
    if counselor.office_id != office.pk or not counselor.is_active:
        errors.errors.setdefault("counselor", []).append(
            _("Choose an active counselor of this office.")
        )
    if start is None or timezone.is_naive(start) or not moment_in_bounds(start):
        errors.errors.setdefault("start", []).append(_("Enter the date and time it starts."))
    elif start <= now:
        errors.errors.setdefault("start", []).append(
            _("That time has already passed. Enter a time in the future.")
        )
    if minutes not in SESSION_MINUTES:
        errors.errors.setdefault("minutes", []).append(_("Choose one of the lengths offered."))
    if not 1 <= capacity <= MAX_CAPACITY:
        errors.errors.setdefault("capacity", []).append(
            _("Enter a number of seats from 1 to %(max)d.") % {"max": MAX_CAPACITY}
        )
    if errors.errors:
        raise errors
    end = start + timedelta(minutes=minutes)
    session = GroupSession(
        office=office, service=service, counselor=counselor, title=title.strip()[:100],
        title_en=title_en.strip()[:150], start=start, end=end, capacity=capacity,
        platform=platform, created_by=by,
    )  # fmt: skip
    try:
        with booking_transaction():
            office_commitment_lock(office)  # a booking waiting for the lock reads it again
            busy = counselors_busy(counselor_ids=[counselor.pk], start=start, end=end, now=now)
            if busy:
                raise BookingInvalid(
                    {
                        "start": [
                            _(
                                "The counselor has a booking or another session at that time. "
                                "Choose another time or counselor."
                            )
                        ]
                    }
                )
            session.save(force_insert=True)
    except IntegrityError as error:  # a session of theirs that overlaps (PostgreSQL)
        raise BookingInvalid(
            {"start": [_("The counselor has another session at that time. Choose another time.")]}
        ) from error
    availability_changed(office.pk)
    logger.info("group session scheduled id=%s office=%s", session.pk, office.slug)
    return session


def _staff_session_lock(session: GroupSession, *, by: User, now: datetime, started: str):
    """The session's row locked for a staff change: the staff member's own office, a
    session still scheduled and not yet started (`started` says why not, in the words of
    the change). Raises NotAllowedNow."""
    session = group_session_lock(session.pk)
    if not (by.is_superuser or by.office_id == session.office_id):
        raise NotAllowedNow(_("This session belongs to another office."))
    if not session.is_scheduled:
        raise NotAllowedNow(_("This session is already cancelled."))
    if session.start <= now:
        raise NotAllowedNow(started)
    return session


def group_session_cancel(*, session: GroupSession, by: User, reason: str, now: datetime) -> int:
    """
    Cancels a session and every seat still held in it (each person is emailed, as for
    any booking the office cancels). Returns how many seats were cancelled.
    """

    if not reason.strip():
        raise BookingInvalid({"reason": [_("Say why the session is cancelled.")]})
    with booking_transaction():
        session = _staff_session_lock(
            session, by=by, now=now,
            started=_("This session has already started: it cannot be cancelled."),
        )  # fmt: skip
        session.status = GroupSessionStatus.CANCELLED
        session.save(update_fields=["status"])
        seats = list(session.seats.filter(status__in=TIME_HOLDING_STATUSES))
        for seat in seats:
            booking_cancel_by_staff(booking=seat, by=by, reason=reason, now=now)
    availability_changed(session.office_id)
    return len(seats)


def group_session_capacity_set(
    *, session: GroupSession, capacity: int, by: User, now: datetime
) -> GroupSession:
    """
    Staff change a scheduled session's number of seats, never below the seats held (under
    the session's lock, as seats are counted). More seats move the office's availability:
    the waitlist of the session is offered them. Raises BookingInvalid or NotAllowedNow.
    """
    if not 1 <= capacity <= MAX_CAPACITY:
        raise BookingInvalid(
            {"capacity": [_("Enter a number of seats from 1 to %(max)d.") % {"max": MAX_CAPACITY}]}
        )
    with booking_transaction():
        session = _staff_session_lock(
            session, by=by, now=now,
            started=_("This session has already started: its seats cannot change."),
        )  # fmt: skip
        taken = seats_taken(session, now=now)
        if capacity < taken:
            raise BookingInvalid(
                {"capacity": [_("%(taken)d seats are taken: enter at least that many.")
                              % {"taken": taken}]}
            )  # fmt: skip
        session.capacity = capacity
        session.save(update_fields=["capacity"])
    availability_changed(session.office_id)
    logger.info("group session id=%s capacity=%s", session.pk, capacity)
    return session


def seat_book(
    *, session: GroupSession, data: dict, terms_version_id: int | None, agree_terms: bool,
    channel: str, language: str = "ja", idempotency_key: str = "",
    ip_address: str | None = None, user_agent: str = "", applicant: Applicant | None = None,
    email_verified: bool = False, created_by: User | None = None, now: datetime,
) -> BookingCreated:  # fmt: skip
    """
    Books a seat in `session` for the person described by `data` (see `booking_create`,
    whose access rules, checks and errors it shares). Raises SessionFull when every seat
    is taken, NotAllowedNow when the session was cancelled or has started, SeatHeld when
    the person already holds one. A public request that waits for its email link is never
    told that (it would tell anyone what the address holds): it is checked when its link
    is opened (`booking_verify`).
    """
    service = session.service
    office = service.office
    rules = rules_for_service(service, office)
    _check_channel(service, channel)
    cleaned, errors = validate_applicant(
        data, office=office, rules=rules, email_optional=channel not in PUBLIC_CHANNELS
    )
    if not agree_terms:
        errors.add(
            "agree_terms", _("To book, read the terms of use and tick the box to agree to them.")
        )
    if (channel == INVITED) != (applicant is not None) or (
        applicant is not None and applicant.office_id != office.pk
    ):
        raise ValueError("an invited seat, and only one, names its record at the office")
    if errors:
        raise BookingInvalid(errors)
    start = session.start.astimezone(JST)
    fingerprint = _fingerprint(service, start, cleaned)
    idempotency_key = (idempotency_key or "")[:100]
    if channel in PUBLIC_CHANNELS:
        keys = [key] if (key := address_key(ip_address)) else []
        rate_check("booking", keys, settings.RATE_LIMIT_BOOKING)
    if idempotency_key:
        replay = _replay(office, idempotency_key, fingerprint)
        if replay is not None:
            return replay
    if seats_taken(session, now=now) >= session.capacity:
        # Full already, as in a burst once the seats are gone: answered without writing
        # the person's record or waiting for the session's lock (re-checked under it).
        raise full_error()
    public = channel in PUBLIC_CHANNELS
    hold = public and is_public_hold(rules)
    if hold:  # holds that lapse unless confirmed: limited per address, as for any booking
        factor = 2 if channel == BookingChannel.WEB else 1
        hold_allowance_check(office=office, ip_address=ip_address, now=now, factor=factor)
    try:
        with booking_transaction():
            booking = _seat_insert(
                session_id=session.pk, office=office, cleaned=cleaned, rules=rules, channel=channel,
                public=public, terms_version_id=terms_version_id, language=language,
                idempotency_key=idempotency_key, fingerprint=fingerprint,
                ip_address=ip_address, user_agent=user_agent, known=applicant,
                email_verified=email_verified, created_by=created_by, now=now,
            )  # fmt: skip
    except IntegrityError as error:
        cause = getattr(error.__cause__ or error, "diag", None)
        if getattr(cause, "constraint_name", None) == _ONE_SEAT or _ONE_SEAT in str(error):
            raise _held_error() from error
        replay = _replay(office, idempotency_key, fingerprint) if idempotency_key else None
        if replay is None:
            raise
        return replay
    if hold:
        hold_count(office=office, ip_address=ip_address, now=now)  # made: now it counts
    logger.info("seat booked id=%s session=%s status=%s", booking.pk, session.pk, booking.status)
    return _result(booking, replayed=False)


def _held_error() -> SeatHeld:
    return SeatHeld(
        _("You already have a seat in this session. Your booking page (from its email) shows it.")
    )


def _seat_insert(
    *, session_id: int, office, cleaned, rules, channel: str, public: bool, terms_version_id,
    language: str, idempotency_key: str, fingerprint: str, ip_address, user_agent: str,
    known: Applicant | None, email_verified: bool, created_by: User | None, now: datetime,
) -> Booking:  # fmt: skip
    """Runs inside the booking transaction: the person's record and consent, then the
    session's lock, the count of its seats and the insert under it."""
    lock_timeout_set()
    online = public or channel == INVITED
    if known is not None:
        applicant = applicant_lock(known.pk)
    else:
        applicant = applicant_for_request(office=office, cleaned=cleaned, public=public)
    if online:
        booking_refuse_for_applicant(applicant=applicant, office=office, now=now)
    consent = consent_give(
        office=office, terms_version_id=terms_version_id, applicant_uuid=applicant.uuid,
        applicant_kind=cleaned.kind,
        channel=Consent.Channel.WEB if online else Consent.Channel(channel),
        ip_address=ip_address, user_agent=user_agent,
        recorded_by=None if online else created_by, now=now,
    )  # fmt: skip
    session = group_session_lock(session_id)
    if not session.is_scheduled:
        raise NotAllowedNow(_("This session was cancelled. Choose another session."))
    if session.start <= now:
        raise NotAllowedNow(_("This session has already started. Choose another session."))
    # Holds of this session whose email check lapsed give their seats back first.
    holds_expire_stale([session.counselor_id], now, start=session.start, end=session.end)
    if seats_taken(session, now=now) >= session.capacity:
        raise full_error()
    hold = public and (rules.needs_email_check or rules.needs_staff_approval)
    if public and rules.needs_email_check and not email_verified:
        status = BookingStatus.PENDING_VERIFICATION
    elif public and rules.needs_staff_approval:
        status = BookingStatus.REQUESTED
    else:
        status = BookingStatus.CONFIRMED
    booking = Booking(
        reference=_reference(), office=office, service=session.service,
        counselor=session.counselor, applicant=applicant, consent=consent,
        group_session=session, start=session.start, end=session.end, status=status,
        channel=channel, language=languages.supported(language),
        name=cleaned.name, name_kana=cleaned.name_kana,
        job_seeker_number=cleaned.job_seeker_number, email=cleaned.email,
        phone=cleaned.phone, company_name=cleaned.company_name,
        attendees=cleaned.attendees, note=cleaned.note,
        accommodations=cleaned.accommodations, accommodation_other=cleaned.accommodation_other,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint, created_by=created_by,
    )  # fmt: skip
    if hold and status != BookingStatus.CONFIRMED and not email_verified:
        booking.verification_expires_at = hold_expires_at(rules, now)
    # One seat per person (the constraint's rule, checked first for its words), but for a
    # request waiting for its email link: anyone's claim to the address typed, answered as
    # any (issue 23) and checked when the link is opened.
    if booking.verification_expires_at is None and seat_held(
        session_id=session.pk, applicant_id=applicant.pk
    ):
        raise _held_error()
    notice = {}  # as booking_create: an address nobody showed is told by the email
    if public and not hold and not email_verified:
        notice = person_guard_notice(
            office=office, email=cleaned.email, start=session.start, end=session.end, now=now
        )
    with transaction.atomic():  # a savepoint: the unique seat per person is the last word
        booking.save(force_insert=True)
    if online and (not public or email_verified):
        person_guard_check(
            office=office, email=cleaned.email, applicant_id=known.pk if known else None,
            start=session.start, end=session.end, now=now, exclude_pk=booking.pk,
        )  # fmt: skip
    _record(booking, created_by=created_by, channel=channel, now=now,
            email_checked=public and email_verified, notice=notice)  # fmt: skip
    meeting_enqueue_after_commit(booking)
    return booking
