"""`make bench`'s history: drawn as the booking path would leave it, and read by the figures."""

from datetime import time

import pytest

from bookings.models import Booking, BookingEvent, BookingStatus
from common import clock
from offices.models import Office
from reports.benchdata import history_exists, history_window, seed_history
from reports.figures import Outcome
from reports.periods import Period
from reports.selectors import dashboard_figures
from tests.factories import office_with

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # the bench's seeding, at a small size


def test_a_small_history_is_seeded_with_events_and_every_outcome():
    # Offices whose counselors confirm each request (so some are declined), open weekdays.
    office_with(confirmation_mode="staff_approval")
    office_with(confirmation_mode="staff_approval", hours=(time(13, 0), time(16, 0)))
    now = clock.now()
    seeded = seed_history(now=now, target=3000, out=lambda line: None)
    assert history_exists()
    assert seeded.bookings == Booking.objects.count() >= 3000
    assert seeded.events == BookingEvent.objects.count() > seeded.bookings
    # Every booking has its first event, and every cancellation its cancelling one.
    assert not Booking.objects.filter(events__isnull=True).exists()
    cancelled = Booking.objects.filter(status=BookingStatus.CANCELLED)
    assert cancelled.filter(events__to_status=BookingStatus.CANCELLED).count() == cancelled.count()
    window = history_window(now)
    assert Booking.objects.filter(start__lt=window.start).count() == 0
    last_month = Period.month_of(window.last).previous()
    figures = dashboard_figures(offices=list(Office.objects.all()), period=last_month, now=now)
    counts = figures.total.current
    for outcome in (Outcome.HELD, Outcome.NO_SHOW, Outcome.CANCELLED_BY_PERSON,
                    Outcome.CANCELLED_BY_OFFICE, Outcome.DECLINED):  # fmt: skip
        assert counts.outcome(outcome) > 0, outcome
    assert 0 < counts.utilisation < 1
