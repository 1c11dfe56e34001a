"""
Whose record a booking joins. A person's record (their Applicant) belongs to that person:
an unverified public request never joins it.

- A request whose number (or, without a number, email) is new to the office creates the
  person's record, with that request's email and phone as the contact on record.
- A public request (web or API) giving the number or email of someone already on record is
  a record of its own, a *claim* (`Applicant.claimed` names the person), one per number and
  email address given. The address on record is sent a link; opening it and pressing the
  button moves the claim's bookings into the person's record. Or a counselor links the
  two in the admin with a reason. Each moved booking gets an event.
- A booking entered by a counselor (phone, during a session) joins the person's record:
  the counselor knows whom they are talking to.

The cap on upcoming bookings, no-shows and the bar count a record's own bookings, so a
stranger's bookings, no-shows and bar stay on the stranger's claim. What a public request
is told never depends on the person whose details it gave: a claim of a barred person is
refused with the same words as any refusal (phone the office), and the cap counts only
the requester's own claim.
"""

import hashlib
import logging
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings.exceptions import ApplicantBarred, BookingLimitReached, NotAllowedNow
from bookings.models import ACTIVE_STATUSES, Applicant, Booking, BookingEvent
from bookings.services.locking import applicant_lock, booking_transaction
from bookings.tokens import new_token, token_hash
from bookings.validation import ApplicantInput, identity_key
from offices.models import Office, User

logger = logging.getLogger(__name__)


def _claim_key(key: str, email: str) -> str:
    digest = hashlib.sha256(f"{key}|{email.lower()}".encode()).hexdigest()
    return f"claim:{digest}"


def link_token_issue(claim: Applicant) -> str:
    """A new random token for the claim's "was it you?" link (only its hash is kept; the
    newest email's link is the one that works)."""
    token = new_token()
    claim.link_token_hash = token_hash(token)
    claim.save(update_fields=["link_token_hash"])
    return token


def _defaults(cleaned: ApplicantInput, **extra) -> dict:
    return {
        "kind": cleaned.kind,
        "name": cleaned.name,
        "name_kana": cleaned.name_kana,
        "job_seeker_number": cleaned.job_seeker_number,
        "email": cleaned.email,
        "phone": cleaned.phone,
        **extra,
    }


def _get_or_create(office: Office, key: str, defaults: dict) -> tuple[Applicant, bool]:
    try:
        with transaction.atomic():
            return Applicant.objects.get_or_create(
                office=office, identity_key=key, defaults=defaults
            )
    except IntegrityError:  # a concurrent request created it first
        return Applicant.objects.get(office=office, identity_key=key), False


def applicant_for_request(*, office: Office, cleaned: ApplicantInput, public: bool) -> Applicant:
    """
    The record this request's booking joins, locked (`select_for_update`), so one record's
    concurrent requests are serialized and its cap holds. Runs inside the booking's atomic.
    """
    key = identity_key(cleaned)
    person, created = _get_or_create(office, key, _defaults(cleaned))
    if created:
        applicant = person
    elif not public:
        applicant = person
        if not person.email and not person.phone:
            person.email, person.phone = cleaned.email, cleaned.phone
            person.save(update_fields=["email", "phone"])
    else:
        applicant, created = _get_or_create(
            office, _claim_key(key, cleaned.email), _defaults(cleaned, claimed=person)
        )
    return applicant_lock(applicant.pk)  # first in the lock order (services.locking)


def refusal_message(office: Office) -> str:
    """The same words for every refusal that concerns a person: nothing about why."""
    return _(
        "This booking cannot be taken online. Please phone the office%(phone)s: they will "
        "help you book."
    ) % {"phone": f" ({office.phone})" if office.phone else ""}


def booking_refuse_for_applicant(*, applicant: Applicant, office: Office, now: datetime) -> None:
    """
    Raises ApplicantBarred or BookingLimitReached for a public request; the caller holds
    the applicant's lock. A claim of a barred person is refused like the barred person.
    """
    claimed = applicant.claimed if applicant.is_unlinked_claim else None
    if applicant.is_barred or (claimed is not None and claimed.is_barred):
        raise ApplicantBarred(refusal_message(office))
    upcoming = Booking.objects.filter(
        applicant=applicant, status__in=ACTIVE_STATUSES, end__gt=now
    ).count()
    if upcoming >= settings.BOOKING_MAX_UPCOMING_PER_PERSON:
        raise BookingLimitReached(
            _(
                "You already have the most upcoming bookings allowed online at this office "
                "(%(max)d). Cancel one, or book again after a session; or phone the office."
            )
            % {"max": settings.BOOKING_MAX_UPCOMING_PER_PERSON}
        )


def claim_notify(booking: Booking) -> None:
    """
    A booking filed under a claim: the address on record is asked whether it was them
    (in the booking's transaction, sent after commit; once per booking).
    """
    from bookings.emails.applicant import record_link_message
    from notifications.services import notification_enqueue

    claim = booking.applicant
    person = claim.claimed
    if person is None or not person.email or person.personal_data_purged_at:
        return
    notification_enqueue(
        dedupe_key=f"booking:{booking.pk}:record_link",
        kind="record_link",
        recipient=person.email,
        language=booking.language,
        render=lambda: record_link_message(
            booking,
            person_name=person.name,
            link_path=reverse("record-link", args=[link_token_issue(claim)]),
        ),
        office_id=booking.office_id,
    )


def claim_get_by_token(*, token: str) -> Applicant | None:
    if not token:
        return None
    return (
        Applicant.objects.select_related("office", "claimed")
        .filter(link_token_hash=token_hash(token), claimed__isnull=False)
        .first()
    )


@booking_transaction()
def applicant_link(*, claim: Applicant, by: User | None, reason: str, now: datetime) -> Applicant:
    """
    Moves a claim's bookings into the record of the person it names, with an event per
    booking; returns the person. `by` None: the person confirmed from the address on record.
    """
    # The lock order: the people (the claim, then the person), then their bookings.
    claim = applicant_lock(claim.pk)
    if claim.claimed_id is None or claim.linked_at is not None:
        raise NotAllowedNow(_("This booking is already part of a person's record."))
    if by is not None and not reason.strip():
        raise NotAllowedNow(_("Say why these are the same person, e.g. checked on the phone."))
    person = applicant_lock(claim.claimed_id)
    why = (
        f"linked to person id={person.pk} by staff: {reason.strip()}"
        if by is not None
        else f"linked to person id={person.pk}: confirmed from the address on record"
    )[:300]
    bookings = list(
        Booking.objects.select_for_update(of=("self",), no_key=True).filter(applicant=claim)
    )
    for booking in bookings:
        booking.applicant = person
        booking.save(update_fields=["applicant", "updated_at"])
        BookingEvent.objects.create(
            booking=booking,
            at=now,
            from_status=booking.status,
            to_status=booking.status,
            actor=by,
            actor_label="staff" if by is not None else "applicant",
            reason=why,
        )
    claim.linked_at = now
    claim.identity_key = f"linked:{claim.uuid}"  # the next request with these details: a new claim
    claim.link_token_hash = ""
    claim.save(update_fields=["linked_at", "identity_key", "link_token_hash"])
    logger.info(
        "applicant id=%s linked into id=%s (%d bookings)", claim.pk, person.pk, len(bookings)
    )
    if person.is_barred or bookings:
        from bookings.services.no_shows import bar_if_threshold

        bar_if_threshold(person.pk, person.office, now)
    return person
