"""
Who a booking is known to belong to (read only): whether its address was shown to be the
person's, and the office's records that may be the person who made it.
"""

from django.db.models import Exists, OuterRef, Q

from bookings.models import Applicant, ApplicantSource, Booking, BookingChannel, BookingEvent
from bookings.state import Reason
from bookings.validation import normalize_job_seeker_number

OPEN_CHANNELS = (BookingChannel.WEB, BookingChannel.API)


def address_shown() -> Q:
    """
    Bookings whose email address was shown to be the person's (issue 23): entered by the
    office or made by invitation (the office's record), or an open booking whose emailed
    link was opened: the email check, a request confirmed from its email, an open request's
    or a waitlist offer's link (the BOOKED event says `email_checked`). An open booking at
    a service that checks no address is anyone's claim to the address typed: it never
    counts for or against that address's owner (their cap, their no-shows).
    """
    checked = BookingEvent.objects.filter(booking=OuterRef("pk")).filter(
        Q(reason_code__in=(Reason.EMAIL_CHECKED, Reason.REQUEST_CONFIRMED))
        | Q(reason_code=Reason.BOOKED, reason_params__email_checked=True)
    )
    return ~Q(channel__in=OPEN_CHANNELS) | Q(Exists(checked))


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
