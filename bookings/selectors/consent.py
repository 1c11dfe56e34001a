"""
Employers agree again before their session when the terms changed since they booked
(Sasebo's rule, for every office that takes employers' bookings): their booking page shows
the new terms with an agree button and keeps the join link back until they agree; in the
session a counselor can record the agreement stated there. Each agreement is a new
Consent to the version in force, and the booking then points to it, with an event.
"""

from datetime import datetime
from uuid import UUID

from bookings.models import ApplicantKind, Booking
from terms.models import Consent
from terms.selectors import consent_status, terms_in_force


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
