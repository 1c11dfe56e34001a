"""
Bookings for the figures: `someone(n)` is a distinct person for the real booking path;
`booking_row(...)` writes a booking with its events directly, for moments the booking
path cannot reach (a session at 23:30, a booking made a year ago) or for volume.
"""

import itertools
from datetime import datetime, timedelta

from bookings.models import Applicant, Booking, BookingEvent, BookingStatus
from offices.models import Service
from terms.models import Consent
from terms.selectors import terms_in_force
from tests.bookings.conftest import NOW, person

_serial = itertools.count(1)


def someone(n: int, **overrides) -> dict:
    return person(
        name=f"利用者 {n}",
        job_seeker_number=f"12345-{n:07d}",
        email=f"person{n}@example.jp",
        **overrides,
    )


def booking_row(
    service: Service,
    start: datetime,
    *,
    status: str = BookingStatus.COMPLETED,
    minutes: int = 30,
    channel: str = "web",
    counselor=None,
    created_at: datetime | None = None,
    cancelled_by: str = "applicant",
    cancelled_from: str = BookingStatus.CONFIRMED,
    applicant: Applicant | None = None,
) -> Booking:
    """A booking in its final state with the events that led there (one cancel event)."""
    serial = next(_serial)
    office = service.office
    applicant = applicant or Applicant.objects.create(
        office=office, kind="job_seeker", identity_key=f"test:{serial}", name=f"テスト氏名{serial}"
    )
    consent = Consent.objects.create(
        office=office,
        terms_version=terms_in_force(office=office, at=NOW),
        applicant_uuid=applicant.uuid,
        applicant_kind="job_seeker",
        channel="web",
        given_at=NOW,
    )
    counselor = counselor or office.counselors.order_by("pk").first()
    booking = Booking.objects.create(
        reference=f"T{serial:07d}",
        office=office,
        service=service,
        counselor=counselor,
        applicant=applicant,
        consent=consent,
        start=start,
        end=start + timedelta(minutes=minutes),
        status=status,
        channel=channel,
        name=applicant.name,
        email=f"row{serial}@example.jp",
        phone="0900000000",
    )
    made = created_at or start - timedelta(days=7)
    Booking.objects.filter(pk=booking.pk).update(created_at=made)
    first = (
        BookingStatus.CONFIRMED
        if status != BookingStatus.EXPIRED
        else BookingStatus.PENDING_VERIFICATION
    )
    events = [BookingEvent(booking=booking, at=made, to_status=first, actor_label="applicant")]
    if status == BookingStatus.CANCELLED:
        events.append(
            BookingEvent(booking=booking, at=made, from_status=cancelled_from, to_status=status,
                         actor_label=cancelled_by)
        )  # fmt: skip
    elif status != first:
        events.append(
            BookingEvent(booking=booking, at=start, from_status=first, to_status=status,
                         actor_label="staff")
        )  # fmt: skip
    BookingEvent.objects.bulk_create(events)
    booking.refresh_from_db()
    return booking
