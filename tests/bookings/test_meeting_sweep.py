"""The meeting sweep finds the work whose task never ran (broker down at commit)."""

from datetime import timedelta

from bookings.models import Booking, BookingStatus
from bookings.services.meetings import meetings_sweep
from conferencing.models import OnlineMeeting
from tests.factories import office_with
from tests.helpers import NOW, book, jst


def test_the_sweep_finds_confirmed_bookings_without_a_meeting_and_cancelled_ones_with_one(
    db,
):
    # Bookings at a Zoom office whose counselors confirm each request.
    svc = office_with(platform="zoom", confirmation_mode="staff_approval").services.get()
    confirmed = book(svc, jst(2026, 11, 24, 9, 30)).booking
    cancelled = book(svc, jst(2026, 11, 24, 10, 30)).booking
    Booking.objects.filter(pk=confirmed.pk).update(status=BookingStatus.CONFIRMED)
    Booking.objects.filter(pk=cancelled.pk).update(status=BookingStatus.CANCELLED)
    OnlineMeeting.objects.create(
        booking_uuid=cancelled.uuid, office_id=cancelled.office_id, status="issued",
        external_id="z-1", provider="zoom",
    )  # fmt: skip
    assert meetings_sweep(now=NOW) == ([], [])  # too fresh: their tasks may be in flight
    later = NOW + timedelta(hours=1)
    OnlineMeeting.objects.update(updated_at=NOW)
    Booking.objects.update(updated_at=NOW)
    assert meetings_sweep(now=later) == ([confirmed.pk], [cancelled.pk])
    OnlineMeeting.objects.create(
        booking_uuid=confirmed.uuid, office_id=confirmed.office_id, status="issued"
    )
    OnlineMeeting.objects.filter(booking_uuid=cancelled.uuid).update(status="deleted")
    assert meetings_sweep(now=later) == ([], [])
