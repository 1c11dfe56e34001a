"""The office's records that may be the person who made a booking (read only)."""

from django.db.models import Q

from bookings.models import Applicant, ApplicantSource, Booking
from bookings.validation import normalize_job_seeker_number

CANDIDATES = 20


def record_candidates(booking: Booking) -> list[Applicant]:
    """
    Records the office made (never an open booking's) with the job-seeker number, email or
    phone the booking gave, for a counselor who checked who booked to choose from.
    """
    match = Q()
    if booking.job_seeker_number:
        match |= Q(job_seeker_number=booking.job_seeker_number)
    if booking.email:
        match |= Q(email__iexact=booking.email)
    if booking.phone:
        match |= Q(phone=booking.phone)
    if not match:
        return []
    return list(
        Applicant.objects.filter(
            office_id=booking.office_id,
            source=ApplicantSource.OFFICE,
            personal_data_purged_at__isnull=True,
        )
        .filter(match)
        .exclude(pk=booking.applicant_id)
        .order_by("name", "pk")[:CANDIDATES]
    )


def record_by_number(*, office_id: int, number: str) -> Applicant | None:
    """The office's record of the person with this job-seeker number, as a counselor types it."""
    number = normalize_job_seeker_number(number)
    if not number:
        return None
    return Applicant.objects.filter(
        office_id=office_id, source=ApplicantSource.OFFICE, identity_key=f"jsn:{number}"
    ).first()
