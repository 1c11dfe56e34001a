"""
The daily roll-up of outcomes (`reports.DailyOutcome`) that the figures read: the database
keeps it in step with every booking (a new booking, a change of outcome, a move to another
day, a deletion), in the same transaction, also when many bookings of one day change at
once from many connections.
"""

import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.db import connection

from bookings.models import Booking, BookingStatus
from bookings.services.public import booking_cancel_by_applicant
from bookings.services.staff import booking_complete
from common import clock
from common.clock import JST
from reports.functions import japan_day_number
from reports.models import DailyOutcome
from tests.factories import BookingFactory, ServiceFactory, TermsVersionFactory, UserFactory

DAY = datetime(2026, 12, 3, 9, 0, tzinfo=JST)


def _recount() -> Counter:
    return Counter(
        (b.office_id, japan_day_number(b.start.astimezone(JST).date()), b.service_id, b.channel,
         b.outcome)
        for b in Booking.objects.all()
    )  # fmt: skip


def _rolled_up() -> Counter:
    return Counter(
        {
            (r.office_id, r.day, r.service_id, r.channel, r.outcome): r.bookings
            for r in DailyOutcome.objects.exclude(bookings=0)
        }
    )


@pytest.mark.django_db
def test_the_roll_up_follows_new_bookings_changes_moves_and_deletions(frozen):
    svc = ServiceFactory()
    terms = TermsVersionFactory(office=svc.office)
    late = BookingFactory(
        service=svc, start=DAY.replace(hour=23, minute=30), consent__terms_version=terms
    )  # 23:30 in Japan: still the 3rd
    early = BookingFactory(service=svc, start=DAY, channel="phone", consent__terms_version=terms)
    assert _rolled_up() == _recount()
    key = (svc.office_id, japan_day_number(DAY.date()), svc.pk, "web", "scheduled")
    assert _rolled_up()[key] == 1
    booking_cancel_by_applicant(booking=early, now=clock.now())
    late.start += timedelta(days=1)
    late.end += timedelta(days=1)
    late.save(update_fields=["start", "end"])
    assert _rolled_up() == _recount()
    assert _rolled_up()[key] == 0
    Booking.objects.filter(pk=late.pk).delete()
    assert _rolled_up() == _recount()
    assert sum(_rolled_up().values()) == 1


@pytest.mark.postgres  # real threads writing at once: SQLite locks the whole table
@pytest.mark.django_db(transaction=True)
def test_many_bookings_of_one_day_changing_at_once_keep_the_roll_up_right():
    svc = ServiceFactory()
    staff = UserFactory(office=svc.office, is_superuser=True)
    terms = TermsVersionFactory(office=svc.office)
    bookings = [
        BookingFactory(service=svc, start=DAY + timedelta(minutes=30 * n),
                       status=BookingStatus.CONFIRMED, consent__terms_version=terms)
        for n in range(12)
    ]  # fmt: skip
    start_line = threading.Barrier(len(bookings), timeout=30)
    errors = []
    late = DAY + timedelta(days=1)

    def change(n: int, booking: Booking) -> None:
        try:
            start_line.wait()
            if n % 2:
                booking_cancel_by_applicant(booking=booking, now=DAY - timedelta(days=2))
            else:
                booking_complete(booking=booking, by=staff, now=late)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=pair) for pair in enumerate(bookings)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _rolled_up() == _recount()
    outcomes = Counter(o for (_o, _d, _s, _c, o), n in _rolled_up().items() for _ in range(n))
    assert outcomes == {"cancelled_by_person": 6, "held": 6}
