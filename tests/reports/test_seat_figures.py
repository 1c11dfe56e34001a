"""The figures (実績) count group sessions: seats offered, filled (booked and not given
back), checked in and no-shows; the counselor's time of a session counts once, whatever
the number of seats; the dashboard shows them."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from bookings.services.no_shows import bookings_mark_no_shows
from bookings.services.staff import booking_cancel_by_staff, booking_check_in
from offices.roles import COUNSELORS, REPORT_READERS
from reports.periods import Period
from reports.selectors import dashboard_figures
from tests.bookings.seat_helpers import seminar, take_seat
from tests.factories import UserFactory, office_with
from tests.helpers import NOW, jst

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(2026, 11)
START = jst(2026, 11, 26, 13, 0)


@pytest.fixture
def held(db, frozen):
    """A seminar of 10 seats at an office whose no-show rule is 10 minutes: four booked by
    phone, one given back, two checked in, one not joined 10 minutes after the start."""
    office = office_with(no_show_grace_minutes=10)
    session = seminar(slug=office.slug, capacity=10, start=START, minutes=60)
    counselor = UserFactory(office=session.office, username="c-k")
    counselor.groups.add(Group.objects.get(name=COUNSELORS))
    seats = [take_seat(session, n, channel="phone", created_by=counselor).booking for n in range(4)]
    booking_cancel_by_staff(booking=seats[0], by=counselor, reason="本人から電話", now=NOW)
    frozen.move_to(START)
    booking_check_in(booking=seats[1], by=counselor, now=START)
    booking_check_in(booking=seats[2], by=counselor, now=START)
    later = jst(2026, 11, 26, 13, 30)
    frozen.move_to(later)
    bookings_mark_no_shows(now=later)
    return session


def test_seats_filled_attendance_and_no_shows_are_counted(held):
    figures = dashboard_figures(offices=[held.office], period=NOVEMBER, now=NOW)
    counts = figures.figures[held.office.pk].current
    assert dict(counts.seats) == {
        "sessions": 1, "offered": 10, "filled": 3, "attended": 2, "no_show": 1,
    }  # fmt: skip
    # The counselor gave one hour, not one per seat.
    assert counts.booked_minutes == {held.counselor_id: 60}


def test_the_dashboard_shows_the_group_sessions_figure(client, held):
    reader = UserFactory(office=held.office, username="r-k", is_staff=True)
    reader.groups.add(Group.objects.get(name=REPORT_READERS))
    client.force_login(reader)
    page = client.get(
        reverse("reports:dashboard"), {"office": held.office.slug, "first": "2026-11-01",
                                       "last": "2026-11-30"},
        HTTP_ACCEPT_LANGUAGE="ja",
    ).content.decode()  # fmt: skip
    assert 'id="figure-seats"' in page
