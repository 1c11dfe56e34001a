"""
What the roll-ups hold and how the figures read them: changes made past the services (an
SQL update of every watched column, a deletion) are followed; the rebuild command repairs
roll-ups that were not kept (a bulk load with the triggers off); lead times in business
days over a closure, booked minutes and the heat map read back from the dashboard.
"""

from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bookings.models import Booking, BookingStatus
from bookings.services.staff import booking_extend
from common import clock
from reports.models import DailyBookedMinutes, DailyLead
from terms.selectors import terms_in_force
from tests.bookings.seat_helpers import take_seat
from tests.factories import BookingFactory
from tests.helpers import NOW, book, jst, someone
from tests.reports.rollup_helpers import World, day_number, in_step, lead_times_agree, rolled_up

pytestmark = pytest.mark.django_db


def test_a_bulk_update_of_every_column_and_a_deletion_are_followed(frozen):
    """Changes made past the services (an SQL update, a deletion) are followed too: the
    triggers watch the table, not the code."""
    world = World(frozen)
    take_seat(world.session, 1)  # a seat: its session's time is not in the minutes
    svc, other = world.instant.service, world.instant.counselors.order_by("pk")[1]
    booking = BookingFactory(service=svc, counselor=world.instant.counselors.first(),
                             start=jst(2026, 11, 24, 11, 30),
                             consent__terms_version=terms_in_force(office=svc.office, at=NOW))  # fmt: skip
    in_step("inserted")
    tuesday = day_number(jst(2026, 11, 24))
    # Past midnight: its minutes stay on its day, and the hours are cut at midnight.
    Booking.objects.filter(pk=booking.pk).update(
        start=jst(2026, 11, 24, 23, 30), end=jst(2026, 11, 25, 0, 30), counselor=other,
        created_at=jst(2026, 11, 20, 8),
    )  # fmt: skip
    in_step("moved past midnight")
    rolled = rolled_up()
    assert rolled["minutes"] == {(svc.office_id, tuesday, other.pk): 60}
    assert rolled["hours"] == {(svc.office_id, tuesday, 23): 30}
    assert rolled["lead"][svc.office_id, tuesday, svc.pk, day_number(jst(2026, 11, 20))] == 1
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.EXPIRED)
    in_step("lapsed")
    assert not rolled_up()["minutes"]
    assert (svc.office_id, tuesday, svc.pk, day_number(jst(2026, 11, 20))) not in rolled_up()[
        "lead"
    ]
    Booking.objects.filter(pk=booking.pk).delete()
    in_step("deleted")


def test_the_rebuild_command_repairs_roll_ups_that_were_not_kept(frozen):
    world = World(frozen)
    book(world.instant.service, jst(2026, 11, 24, 9, 30), data=someone(1))
    book(world.approval.service, jst(2026, 12, 2, 10, 0), data=someone(2))
    take_seat(world.session, 3)
    DailyLead.objects.all().delete()
    DailyBookedMinutes.objects.update(minutes=7)
    out = StringIO()
    with pytest.raises(CommandError, match="--rebuild"):
        call_command("reports_rollups", "--check", stdout=out)
    assert "reports_dailylead: 3 keys differ" in out.getvalue()
    assert "reports_dailybookedminutes: " in out.getvalue()
    call_command("reports_rollups", "--rebuild", stdout=out)
    in_step("rebuilt")
    out = StringIO()
    call_command("reports_rollups", "--check", stdout=out)
    assert "every roll-up equals a recount from the bookings" in out.getvalue()


def test_the_figures_read_from_the_roll_ups(frozen):
    """Lead days, the last day allowed, booked minutes and the heat map: a booking made on
    the last day allowed (a calendar day before) and one made the week before (business
    days: Monday 23 is a holiday), the second then extended by 15 minutes."""
    from reports.periods import Period
    from reports.selectors import dashboard_figures

    frozen.move_to(jst(2026, 11, 16, 10, 0))
    world = World(frozen)
    office = world.instant
    early = book(office.service, jst(2026, 11, 24, 10, 30), data=someone(1), now=clock.now())
    frozen.move_to(jst(2026, 11, 23, 10, 0))
    book(office.service, jst(2026, 11, 24, 9, 30), data=someone(2), now=clock.now())
    frozen.move_to(jst(2026, 11, 24, 10, 31))
    booking_extend(booking=early.booking, by=world.staff[office.pk], minutes=15, now=clock.now())
    in_step("extended")
    figures = dashboard_figures(offices=[office], period=Period.month(2026, 11), now=clock.now())
    counts = figures.figures[office.pk].current
    assert counts.last_moment == 1
    assert counts.lead == {1: 1, 5: 1}  # business days ahead: LEAD_BUCKETS 1 and 5
    assert sum(counts.booked_minutes.values()) == 30 + 45
    tuesday = date(2026, 11, 24).isoweekday()
    assert [counts.heat_booked[tuesday, hour] for hour in (9, 10, 11)] == [30, 30, 15]


def test_the_last_day_allowed_in_business_days_over_a_closure(frozen):
    """Wednesday 2 December at the office that asks two business days ahead and is closed
    on Monday 30 November: the last day allowed is Friday 27th. Booked that day, the day
    before, and on the closed Monday; at the other office (a calendar day ahead) Tuesday
    24th booked on Monday 23rd, a holiday, the last day allowed."""
    world = World(frozen)

    def booked(office, start, made) -> None:
        svc = office.services.get()
        terms = terms_in_force(office=office, at=NOW)
        booking = BookingFactory(service=svc, counselor=office.counselors.first(), start=start,
                                 consent__terms_version=terms)  # fmt: skip
        Booking.objects.filter(pk=booking.pk).update(created_at=made)

    wednesday = jst(2026, 12, 2, 9, 30)
    for n, made in enumerate((jst(2026, 11, 27, 15), jst(2026, 11, 26, 9), jst(2026, 11, 30, 9))):
        booked(world.approval, wednesday + timedelta(minutes=30 * n), made)
    booked(world.instant, jst(2026, 11, 24, 9, 30), jst(2026, 11, 23, 20))
    tally = lead_times_agree(world)
    at_last = Counter({office: n for (office, _c, _b, last), n in tally.items() if last})
    assert at_last == {world.approval.pk: 1, world.instant.pk: 1}
    # Business days ahead: Friday 27th -> 2 (Tuesday 1st, Wednesday 2nd); Thursday 26th -> 3;
    # the closed Monday -> 2; Monday 23rd (a holiday) for Tuesday 24th -> 1.
    leads = Counter()
    for (office, _current, bucket, _last), n in tally.items():
        leads[office, bucket] += n
    assert leads == {(world.approval.pk, 2): 2, (world.approval.pk, 3): 1,
                     (world.instant.pk, 1): 1}  # fmt: skip
