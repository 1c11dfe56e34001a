"""
What the person does from the links in their emails: check their address, cancel,
accept a proposed time, agree to changed terms.
"""

import hashlib
import uuid
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from bookings.emails.applicant import booking_links_message
from bookings.exceptions import AlreadyBooked, BookingLimitReached, NotAllowedNow, RateLimited
from bookings.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
)
from bookings.selectors.bookings import booking_can_cancel_online, booking_get_by_token
from bookings.selectors.consent import booking_needs_reconsent
from bookings.selectors.group_sessions import seat_held
from bookings.services.create import rate_check
from bookings.services.events import booking_event_record
from bookings.services.holds import UNCONFIRMED, request_decide_by
from bookings.services.links import booking_link_issue
from bookings.services.locking import (
    booking_lock,
    booking_transaction,
    group_session_lock,
    office_booking_lock,
)
from bookings.services.notify import booking_notify, booking_request_receipt, staff_notify
from bookings.services.person_guard import person_cap, person_guard_check
from bookings.services.transitions import booking_transition, hold_expire
from bookings.state import Action, Actor, EmailKind, Reason
from bookings.tokens import VERIFY
from common import languages
from common.text import text_refuse_hidden
from notifications.services import notification_enqueue
from offices.models import User
from offices.phone import phone_in_brackets
from offices.rules import rules_for_service
from terms.models import Consent
from terms.services import consent_give


def booking_verify(*, token: str, ip_address: str | None = None, now: datetime) -> Booking:
    """
    The email check: confirms (or, at staff-approval offices, requests) the booking. Past
    its window the booking expires (that is committed) and the person is told to book again.
    The address now shown to be theirs, the person's checks run (services.person_guard):
    a seat they already hold in the session, a time they already hold, or the cap reached,
    releases this request, and the page and an email tell them (only the address's owner
    has this link).
    """
    rate_check("verify", [f"ip:{ip_address}"] if ip_address else [], settings.RATE_LIMIT_VERIFY)
    found = booking_get_by_token(token=token, purpose=VERIFY)
    if found is None:
        raise NotAllowedNow(_("This link is not valid. Check that you opened the whole link."))
    with booking_transaction():
        office_booking_lock(found.office)  # the person's other bookings are read under it
        if found.group_session_id is not None:  # and a seat's session, its seats under it
            group_session_lock(found.group_session_id)
        booking = booking_lock(found.pk)
        refusal = _person_refusal(booking, now)
        expired = refusal is None and _verify_locked(booking, now)
    if refusal is not None:
        raise NotAllowedNow(refusal)
    if expired:
        raise NotAllowedNow(
            _(
                "The time to confirm this booking has passed and the time was released. "
                "Please book again."
            )
        )
    return booking


def _person_refusal(booking: Booking, now: datetime) -> str | None:
    """A hold waiting for this link whose person already holds a seat in its session, the
    time, or their most bookings: released (expired, with its event and the email that says
    why); the words for the page. None when the checks pass or the hold is not waiting for
    its link. The caller holds the office's lock, and a seat's session's."""
    waiting = booking.status in UNCONFIRMED and booking.verification_expires_at is not None
    if not waiting or booking.verification_expires_at <= now:
        return None
    limit = person_cap()
    if booking.group_session_id is not None and seat_held(
        session_id=booking.group_session_id, applicant_id=booking.applicant_id,
        email=booking.email, exclude_pk=booking.pk,
    ):  # fmt: skip
        _release(booking, now, Reason.SAME_PERSON_HOLDS_SEAT, "seat", limit)
        return _(
            "You already have a seat in this session, so this request was not booked and its "
            "seat was released. Your seat is kept: your booking page (from the email you "
            "received when you booked it) shows it."
        )
    try:
        person_guard_check(
            office=booking.office, email=booking.email, start=booking.start, end=booking.end,
            now=now, exclude_pk=booking.pk,
        )  # fmt: skip
    except (AlreadyBooked, BookingLimitReached) as refused:
        overlap = isinstance(refused, AlreadyBooked)
        _release(
            booking, now, Reason.SAME_PERSON_HOLDS_TIME if overlap else Reason.PERSON_LIMIT,
            "overlap" if overlap else "limit", limit,
        )  # fmt: skip
        if overlap:
            return _(
                "You already have a booking at this office at this time, so this request was "
                "not booked and its time was released. We emailed you what to do: your "
                "booking keeps its time; to book a second session, choose another time."
            )
        return _(
            "You already have the most upcoming bookings allowed online at this office "
            "(%(max)d), so this request was not booked and its time was released. Cancel one "
            "from its booking page, or book again after a session; or phone the office."
        ) % {"max": limit}
    return None


def _release(booking: Booking, now: datetime, reason: Reason, why: str, limit: int) -> None:
    """The hold expired for `reason`, and the email that tells the address why (`why`)."""
    booking_transition(
        booking, BookingStatus.EXPIRED, at=now, actor_label=Actor.SYSTEM, reason_code=reason
    )
    booking_notify(booking, EmailKind.EXPIRED, extra={"refused": why, "max_upcoming": limit})


def _verify_locked(booking: Booking, now: datetime) -> bool:
    """The check itself, the booking locked; True when its window had passed (expired)."""
    if booking.status == BookingStatus.REQUESTED and booking.verification_expires_at:
        # A request confirmed from the email: it now waits for a counselor until its
        # `decide_by`, then lapses (services.holds).
        if booking.verification_expires_at > now:
            rules = rules_for_service(booking.service, booking.office)
            booking.verification_expires_at = None
            booking.decide_by = request_decide_by(booking, rules, now)
            booking.save(update_fields=["verification_expires_at", "decide_by", "updated_at"])
            booking_event_record(
                booking, at=now, actor_label=Actor.APPLICANT,
                reason_code=Reason.REQUEST_CONFIRMED,
            )  # fmt: skip
            # Only now is it a request counselors can answer: they are told, and the person
            # gets the receipt that says by when (issue 26 walk: their inbox kept only the
            # email that said the request was not complete).
            staff_notify(booking, "staff_request_waiting")
            booking_request_receipt(booking)
            return False
    elif booking.status in (BookingStatus.CONFIRMED, BookingStatus.REQUESTED):
        return False  # a second click changes nothing
    if booking.status not in (BookingStatus.PENDING_VERIFICATION, BookingStatus.REQUESTED):
        raise NotAllowedNow(_("This booking can no longer be confirmed. Please book a new time."))
    if booking.verification_expires_at <= now:
        hold_expire(booking, now=now)
        return True
    rules = rules_for_service(booking.service, booking.office)
    to = BookingStatus.REQUESTED if rules.needs_staff_approval else BookingStatus.CONFIRMED
    booking.verification_expires_at = None
    if to == BookingStatus.REQUESTED:
        booking.decide_by = request_decide_by(booking, rules, now)
    booking_transition(
        booking, to, at=now, actor_label=Actor.APPLICANT,
        reason_code=Reason.EMAIL_CHECKED,
        extra_fields=("verification_expires_at", "decide_by"),
    )  # fmt: skip
    booking_notify(booking, EmailKind(to))
    return False


@booking_transaction()
def booking_cancel_by_applicant(*, booking: Booking, reason: str = "", now: datetime) -> Booking:
    text_refuse_hidden(reason=reason)  # the office reads it
    booking = booking_lock(booking.pk)
    if not booking.is_active:
        raise NotAllowedNow(_("This booking is no longer active, so there is nothing to cancel."))
    if not booking_can_cancel_online(booking, now):
        raise NotAllowedNow(
            _("It is too late to cancel online. Please phone the office%(phone)s.")
            % {"phone": phone_in_brackets(booking.office.phone)}
        )
    booking_transition(
        booking,
        BookingStatus.CANCELLED,
        at=now,
        actor_label=Actor.APPLICANT,
        reason_code=Reason.CANCELLED_ONLINE,
        reason=reason[:300],
    )
    booking_notify(booking, EmailKind.CANCELLED)
    return booking


@booking_transaction()
def booking_accept_proposal(*, booking: Booking, now: datetime) -> Booking:
    """The person accepts the time a counselor proposed: the booking is confirmed."""
    booking = booking_lock(booking.pk)
    if booking.status == BookingStatus.CONFIRMED:
        return booking  # a second click changes nothing
    if booking.status != BookingStatus.REQUESTED or booking.proposed_at is None:
        raise NotAllowedNow(_("There is no proposed time to accept on this booking."))
    if booking.start <= now:
        raise NotAllowedNow(_("The proposed time has passed. Please phone the office."))
    if booking.decide_by is not None and booking.decide_by <= now:
        raise NotAllowedNow(
            _("The time to accept this proposal has passed. Please phone the office.")
        )
    booking_transition(
        booking, BookingStatus.CONFIRMED, at=now, actor_label=Actor.APPLICANT,
        reason_code=Reason.ACCEPTED_PROPOSAL, action=Action.ACCEPT_PROPOSAL,
    )  # fmt: skip
    booking_notify(booking, EmailKind.CONFIRMED)
    return booking


@booking_transaction()
def booking_refuse_proposal(*, booking: Booking, now: datetime) -> Booking:
    """
    "This time does not suit me": the proposal is withdrawn and the request goes back to
    the office's counselors (emailed), who propose another time or decline. The proposed
    time stays held until they do, so nobody else takes it in between.
    """
    booking = booking_lock(booking.pk)
    if booking.status != BookingStatus.REQUESTED or booking.proposed_at is None:
        raise NotAllowedNow(_("There is no proposed time to turn down on this booking."))
    booking.declined_start = booking.start
    booking.proposed_at = None
    # Back with the counselors, who have the office's time to answer again.
    rules = rules_for_service(booking.service, booking.office)
    booking.decide_by = request_decide_by(booking, rules, now)
    booking.save(update_fields=["proposed_at", "declined_start", "decide_by", "updated_at"])
    booking_event_record(
        booking, at=now, actor_label=Actor.APPLICANT, reason_code=Reason.PROPOSAL_DECLINED
    )
    staff_notify(booking, "staff_request_waiting", dedupe_suffix=f":refused:{now.timestamp():.0f}")
    return booking


def booking_resend_verification(*, booking: Booking, now: datetime) -> Booking:
    """
    The email-check email again, to the address of the booking (never another), while
    the check is still open; rate-limited per booking.
    """
    rate_check("resend", [f"booking:{booking.pk}"], settings.RATE_LIMIT_RESEND)
    with booking_transaction():
        booking = booking_lock(booking.pk)
        # The email check, or a request still to be sent from its email (next_steps).
        if (
            booking.status not in (BookingStatus.PENDING_VERIFICATION, BookingStatus.REQUESTED)
            or booking.verification_expires_at is None
            or booking.verification_expires_at <= now
        ):
            raise NotAllowedNow(_("This booking no longer waits for the email check."))
        # Each press is one more email (the rate limit bounds them), hence a fresh key.
        booking_notify(
            booking, EmailKind.CREATED,
            occurrence=f"resent:{now.timestamp():.0f}:{uuid.uuid4().hex[:8]}",
        )  # fmt: skip
    return booking


def booking_links_send(*, office, email: str, language: str, now: datetime) -> bool:
    """
    Emails the links to the upcoming bookings made at the office with this address, to
    that address only (so asking reveals nothing to anyone else); at most
    RATE_LIMIT_RESEND per address. Returns whether an email was queued.
    """

    bookings = list(
        Booking.objects.filter(
            office=office, email__iexact=email, status__in=ACTIVE_STATUSES, end__gt=now
        )
        .select_related("office")
        .order_by("start")[:10]
    )
    if not bookings:
        return False
    address = hashlib.sha256(email.lower().encode()).hexdigest()[:32]
    try:
        rate_check("links", [f"email:{address}"], settings.RATE_LIMIT_RESEND)
    except RateLimited:
        return False
    language = languages.supported(language)
    with transaction.atomic():
        notification = notification_enqueue(
            dedupe_key=f"links:{office.pk}:{address}:{uuid.uuid4().hex}",
            kind="booking_links",
            recipient=bookings[0].email,
            language=language,
            render=lambda: booking_links_message(
                bookings, language=language,
                tokens={b.pk: booking_link_issue(booking=b, purpose="manage") for b in bookings},
            ),
            office_id=office.pk,
        )  # fmt: skip
    return notification is not None


@booking_transaction()
def booking_reconsent(
    *,
    booking: Booking,
    terms_version_id: int | None,
    ip_address: str | None = None,
    user_agent: str = "",
    recorded_by: User | None = None,
    now: datetime,
) -> Booking:
    """The employer agrees (on their page, or as stated in the session to `recorded_by`)."""
    booking = booking_lock(booking.pk, by=recorded_by)
    if not booking_needs_reconsent(booking, now=now):
        return booking
    consent = consent_give(
        office=booking.office,
        terms_version_id=terms_version_id,
        applicant_uuid=booking.applicant.uuid,
        applicant_kind=booking.applicant.kind,
        channel=Consent.Channel.SESSION if recorded_by else Consent.Channel.WEB,
        ip_address=ip_address,
        user_agent=user_agent,
        recorded_by=recorded_by,
        now=now,
    )
    booking.consent = consent
    booking.save(update_fields=["consent", "updated_at"])
    booking_event_record(
        booking, at=now, actor=recorded_by,
        actor_label=Actor.STAFF if recorded_by else Actor.APPLICANT,
        reason_code=Reason.RECONSENT, reason_params={"version": consent.terms_version.version},
    )  # fmt: skip
    return booking
