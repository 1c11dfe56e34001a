"""
Django's connection pool (DB_POOL=True, the fleet's setting) keeps booking's lock timeout
working: `SET LOCAL lock_timeout` holds for the booking's transaction, a booking that
cannot have the office's lock in time is refused as busy instead of waiting, and a
connection handed back to the pool carries no timeout into the next request's work.
"""

import threading

import pytest
from django.db import connections, transaction
from django.db.backends.postgresql.base import DatabaseWrapper

from bookings.exceptions import BookingBusy
from bookings.services.locking import booking_transaction, office_booking_lock
from tests.factories import office_with
from tests.helpers import book, jst, person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pooled(settings):
    """This thread's default connection drawn from a pool of one (the same server session
    every time), as `DB_POOL=True` configures it (config/settings/base.py)."""
    settings.BOOKING_LOCK_TIMEOUT_MS = 300
    plain = connections["default"]
    options = {**plain.settings_dict["OPTIONS"], "pool": {"min_size": 1, "max_size": 1}}
    wrapper = DatabaseWrapper(
        {**plain.settings_dict, "CONN_MAX_AGE": 0, "OPTIONS": options}, alias="pooled"
    )
    connections["default"] = wrapper
    try:
        yield wrapper
    finally:
        wrapper.close()
        wrapper.close_pool()
        connections["default"] = plain


def _show(wrapper) -> tuple[str, int]:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout'), pg_backend_pid()")
        return cursor.fetchone()


def test_the_lock_timeout_holds_in_the_transaction_and_never_leaks_to_the_next(pooled):
    with booking_transaction():
        inside, pid = _show(pooled)
    pooled.close()  # back to the pool, as at the end of a request
    after, same_pid = _show(pooled)
    assert pooled.pool is not None and same_pid == pid  # the one pooled server session
    assert inside == "300ms"
    assert after == "0"


def test_a_booking_waiting_for_the_offices_lock_is_refused_as_busy_through_the_pool(pooled):
    office = office_with(slug="toyooka", lead_time_days=1, lead_time_unit="calendar_days")
    held, release = threading.Event(), threading.Event()

    def hold() -> None:  # another request holds the office's lock (a plain connection)
        try:
            with transaction.atomic():
                office_booking_lock(office)
                held.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(timeout=10)
        with pytest.raises(BookingBusy):
            book(office.services.get(), jst(2026, 11, 24, 9, 30), data=person())
    finally:
        release.set()
        holder.join(timeout=30)
    assert book(office.services.get(), jst(2026, 11, 24, 9, 30), data=person()).booking.pk
