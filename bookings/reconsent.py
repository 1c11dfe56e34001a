"""
Employers agree again before their session when the terms changed since they booked
(Sasebo's rule, for every office that takes employers' bookings): their booking page shows
the new terms with an agree button and keeps the join link back until they agree; in the
session a counselor can record the agreement stated there. Each agreement is a new
Consent to the version in force, and the booking then points to it, with an event.
"""

from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext as _

from bookings.exceptions import NotAllowedNow
from bookings.models import ApplicantKind, Booking, BookingEvent
from offices.models import User
from terms.models import Consent
from terms.selectors import consent_status, terms_in_force
from terms.services import consent_give


def booking_needs_reconsent(booking: Booking, *, now: datetime) -> bool:
    if not booking.is_active or booking.applicant.kind != ApplicantKind.EMPLOYER:
        return False
    status = consent_status(office=booking.office, applicant_uuid=booking.applicant.uuid, at=now)
    return status.needs_consent


def bookings_needing_reconsent(bookings: list[Booking], office, *, now: datetime) -> set[int]:
    """The ids among `bookings` (one office) whose employer must agree again: 2 queries."""
    employers = [b for b in bookings if b.is_active and b.applicant.kind == ApplicantKind.EMPLOYER]
    if not employers:
        return set()
    current = terms_in_force(office=office, at=now)
    if current is None:
        return set()
    agreed: set[UUID] = set(
        Consent.objects.filter(
            office=office, terms_version=current,
            applicant_uuid__in=[b.applicant.uuid for b in employers],
        ).values_list("applicant_uuid", flat=True)
    )  # fmt: skip
    return {b.pk for b in employers if b.applicant.uuid not in agreed}


@transaction.atomic
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
    booking = (
        Booking.objects.select_for_update().select_related("office", "applicant").get(pk=booking.pk)
    )
    if recorded_by is not None and not (
        recorded_by.is_superuser or recorded_by.office_id == booking.office_id
    ):
        raise NotAllowedNow(_("This booking belongs to another office."))
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
    BookingEvent.objects.create(
        booking=booking, at=now, from_status=booking.status, to_status=booking.status,
        actor=recorded_by, actor_label="staff" if recorded_by else "applicant",
        reason=f"agreed to terms version {consent.terms_version.version}",
    )  # fmt: skip
    return booking
