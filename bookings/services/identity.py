"""
Whose record a booking joins. A record (an Applicant) comes from the office, never from a
number someone typed:

- A booking a counselor enters (phone, during a session) joins the office's record of the
  person, keyed by the job-seeker number the counselor took (else the email, else the
  phone), made if new: the counselor knows whom they are talking to. An invitation names
  the record it was sent from (invitations/services.py).
- An open booking (web or API) joins the record of its email address (`web:<address>`,
  source "online"), made if new: the identity of open booking is the address, where every
  link is sent. The job-seeker number it gives is the person's statement, kept on the
  booking for a counselor to check: it never creates, owns or joins a record, and nothing
  public depends on who else has typed it.
- A counselor who checked (on the phone, in a session) links a booking to the office's
  record of the person, or makes that record from the booking, with a reason: an event on
  the booking (`booking_link_record`).

No-shows and the bar count a record's own bookings, so a stranger typing someone's number
bars only the stranger's own address. What a public request is told never depends on
another record: a refusal says "phone the office"; the cap on upcoming bookings is
`services.person_guard`'s, by address.
"""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings.exceptions import ApplicantBarred, NotAllowedNow
from bookings.models import SEAT_COUNTED, Applicant, ApplicantSource, Booking
from bookings.services.events import booking_event_record
from bookings.services.locking import (
    applicant_lock,
    booking_lock,
    booking_transaction,
    staff_may_act,
)
from bookings.services.no_shows import bar_if_threshold, bar_recompute
from bookings.state import Actor, Reason
from bookings.validation import ApplicantInput, identity_key
from offices.models import Office, User
from offices.phone import phone_in_brackets

logger = logging.getLogger(__name__)


def _get_or_create(office: Office, key: str, defaults: dict) -> tuple[Applicant, bool]:
    # Django's get_or_create inserts in a savepoint of its own and, when a concurrent
    # request created the record first (the unique index), reads that one: no savepoint
    # around it is needed (two statements fewer per booking).
    return Applicant.objects.get_or_create(office=office, identity_key=key, defaults=defaults)


def online_key(email: str) -> str:
    return f"web:{email.strip().lower()}"


def applicant_for_request(*, office: Office, cleaned: ApplicantInput, public: bool) -> Applicant:
    """
    The record this request's booking joins, locked (`select_for_update`), so one record's
    concurrent requests are serialized and its cap holds. Runs inside the booking's atomic.
    """
    contact = {
        "kind": cleaned.kind,
        "name": cleaned.name,
        "name_kana": cleaned.name_kana,
        "email": cleaned.email,
        "phone": cleaned.phone,
    }
    if public:  # the address is the identity; the typed number stays on the booking
        applicant, created = _get_or_create(
            office, online_key(cleaned.email), {**contact, "source": ApplicantSource.ONLINE}
        )
    else:
        applicant, created = _get_or_create(
            office,
            identity_key(cleaned),
            {**contact, "job_seeker_number": cleaned.job_seeker_number},
        )
        if not created and not applicant.email and not applicant.phone:
            applicant.email, applicant.phone = cleaned.email, cleaned.phone
            applicant.save(update_fields=["email", "phone"])
    if created:
        # A record this transaction inserted is its alone until commit (a concurrent
        # request with the same key waits on the unique index): nothing to lock, no
        # bookings to count (`created_now`).
        applicant.created_now = True
        return applicant
    return applicant_lock(applicant.pk)  # first in the lock order (services.locking)


def refusal_message(office: Office) -> str:
    """The same words for every refusal that concerns a person: nothing about why."""
    return _(
        "This booking cannot be taken online. Please phone the office%(phone)s: they will "
        "help you book."
    ) % {"phone": phone_in_brackets(office.phone)}


def booking_refuse_for_applicant(*, applicant: Applicant, office: Office, now: datetime) -> None:
    """
    Raises ApplicantBarred for a booking the person makes online; the caller holds the
    applicant's lock. Only the record's own bar counts. (The cap on upcoming bookings:
    services.person_guard.)
    """
    if applicant.is_barred:
        raise ApplicantBarred(refusal_message(office))


def _office_key(booking: Booking) -> str:
    return identity_key(
        ApplicantInput(
            kind=booking.applicant.kind,
            name=booking.name,
            name_kana=booking.name_kana,
            job_seeker_number=booking.job_seeker_number,
            email=booking.email,
            phone=booking.phone,
        )
    )


def _record_from(booking: Booking) -> Applicant:
    """The office's record made from the booking's details (a counselor checked them)."""
    key = _office_key(booking)
    try:
        with transaction.atomic():
            return Applicant.objects.create(
                office=booking.office,
                kind=booking.applicant.kind,
                source=ApplicantSource.OFFICE,
                identity_key=key,
                name=booking.name,
                name_kana=booking.name_kana,
                job_seeker_number=booking.job_seeker_number,
                email=booking.email,
                phone=booking.phone,
            )
    except IntegrityError:
        raise NotAllowedNow(
            _(
                "The office already has a record with this job-seeker number (or, without "
                "one, this email or phone): link the booking to that record instead."
            )
        ) from None


def booking_link_record(
    *, booking: Booking, to: Applicant | None, by: User, reason: str, now: datetime
) -> Applicant:
    """
    Moves `booking` into the office's record `to`, or into a record made from the booking's
    details (`to` None), after a counselor checked who booked; records an event with the
    reason. Returns the record. Raises NotAllowedNow (another office, no reason, a record
    that is not the office's, a record that exists already).
    """
    reason = reason.strip()
    staff_may_act(by, booking)
    if not reason:
        raise NotAllowedNow(_("Say how you checked who this is, e.g. on the phone."))
    if booking.personal_data_purged_at:
        raise NotAllowedNow(_("This booking's details were erased: there is nothing to link."))
    if to is not None and (
        to.office_id != booking.office_id or not to.is_checked or to.personal_data_purged_at
    ):
        raise NotAllowedNow(_("Choose a record this office made of the person."))
    with booking_transaction():
        # The lock order: the people (in id order), then the booking.
        ids = sorted({booking.applicant_id, *([to.pk] if to else [])})
        locked = {pk: applicant_lock(pk) for pk in ids}
        booking = booking_lock(booking.pk, by=by)
        if booking.applicant_id not in locked or booking.applicant_id == getattr(to, "pk", None):
            raise NotAllowedNow(_("This booking is already in that record."))
        person = _record_from(booking) if to is None else locked[to.pk]
        if (
            booking.group_session_id
            and Booking.objects.filter(
                SEAT_COUNTED, group_session_id=booking.group_session_id, applicant=person
            )
            .exclude(pk=booking.pk)
            .exists()
        ):  # one seat per person: the constraint's own words
            raise NotAllowedNow(
                _("This person already has a seat in this group session: cancel one of the two "
                  "seats first.")
            )  # fmt: skip
        left = booking.applicant_id
        booking.applicant = person
        booking.save(update_fields=["applicant", "updated_at"])
        booking_event_record(
            booking,
            at=now,
            actor=by,
            actor_label=Actor.STAFF,
            reason_code=Reason.RECORD_MADE if to is None else Reason.LINKED_BY_STAFF,
            reason_params={"person_id": person.pk},
            reason=reason,
        )

        # The no-shows follow the booking: the record it left may no longer reach its bar
        # (issue 23), the record it joined may.
        bar_recompute(left, booking.office)
        bar_if_threshold(person.pk, booking.office, now)
    logger.info("booking id=%s linked to applicant id=%s", booking.pk, person.pk)
    return person
