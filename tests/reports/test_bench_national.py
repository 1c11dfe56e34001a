"""`make bench-national`'s data: offices generated up to the number asked, bookings drawn
by PostgreSQL with their roll-ups counted in bulk (and the triggers on again after), each
booking's consent its person's, nothing made after now, and the figures read them."""

from datetime import timedelta

import pytest
from django.db.models import F

from bookings.models import Booking, BookingStatus
from common import clock
from reports.benchnational import GENERATED, offices_ensure, seed_national
from reports.figures import Outcome
from reports.periods import Period
from reports.rollups import rollups_differences
from reports.selectors import dashboard_figures

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_a_small_national_history_is_drawn_with_its_roll_ups(offices):
    now = clock.now()
    shown = offices_ensure(12, now=now)
    assert len(shown) == 12 and sum(o.slug.startswith(GENERATED) for o in shown) == 7
    seeded = seed_national(offices=shown, now=now, target=20_000, out=lambda line: None)
    assert seeded.bookings == Booking.objects.count()
    assert 15_000 < seeded.bookings < 25_000
    assert not any(rollups_differences().values())
    assert not Booking.objects.filter(created_at__gt=now).exists()
    assert not Booking.objects.exclude(consent__applicant_uuid=F("applicant__uuid")).exists()
    assert not Booking.objects.exclude(applicant__office=F("office")).exists()
    # The triggers are on again: a move made after the load is followed.
    moved = Booking.objects.filter(status=BookingStatus.CONFIRMED).first()
    Booking.objects.filter(pk=moved.pk).update(
        start=F("start") + timedelta(days=7), end=F("end") + timedelta(days=7)
    )
    assert not any(rollups_differences().values())
    last_month = Period.month_of(now.date()).previous()
    counts = dashboard_figures(offices=shown, period=last_month, now=now).total.current
    for outcome in (Outcome.HELD, Outcome.NO_SHOW, Outcome.SWITCHED_TO_PHONE,
                    Outcome.CANCELLED_BY_PERSON, Outcome.CANCELLED_BY_OFFICE):  # fmt: skip
        assert counts.outcome(outcome) > 0, outcome
    assert 0 < counts.utilisation < 1
    assert sum(counts.lead.values()) == counts.total  # lapsed email checks in neither
