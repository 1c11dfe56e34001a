"""
Issue 27, major 8, under contention (PostgreSQL, real threads): a booking made while the
office page saves a change is asked about or refused, since the page takes the office's
setup-change lock (bookings.services.locking) from question to save; shown without the
lock too, so the test can fail.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from bookings.admin import offices as office_admin
from bookings.admin import offices_common
from bookings.exceptions import SlotTaken
from bookings.models import Booking, BookingStatus
from bookings.services import create
from offices.models import Closure, User
from offices.roles import OFFICE_MANAGERS
from tests.admin_forms import add_inline_row, change_form_data
from tests.factories import office_with
from tests.helpers import book, jst, person, staff

THU_1000 = jst(2026, 12, 3, 10, 0)  # a Thursday, inside the office's morning hours
MANAGER = "the-manager"


@pytest.fixture
def office():
    """Counselors who confirm each request, open weekday mornings, and its manager."""
    office = office_with(confirmation_mode="staff_approval", counselors=2)
    staff(office, OFFICE_MANAGERS, MANAGER)
    return office


# A booking made while the office page saves a change is asked about or refused: the page
# takes the office's setup-change lock (bookings.services.locking) from question to save.
def _closing_while_booking(office, monkeypatch) -> dict:
    """The manager closes Thursday while a person books it: each side pauses where the
    race hurts (the page has asked about the day's bookings and found none; the booking
    has read the day's offer as open) until both are there. Returns what each side got."""
    manager = User.objects.get(username=MANAGER)
    svc = office.services.get()
    both_read = threading.Barrier(2, timeout=30)
    got: dict = {"errors": []}

    real_on_day = office_admin.bookings_on_day

    def on_day_then_wait(**kwargs):
        found = real_on_day(**kwargs)
        both_read.wait()
        return found

    real_offer = create.day_offer_cached

    def offer_then_wait(**kwargs):
        offer = real_offer(**kwargs)
        both_read.wait()
        return offer

    monkeypatch.setattr(office_admin, "bookings_on_day", on_day_then_wait)
    monkeypatch.setattr(create, "day_offer_cached", offer_then_wait)

    client = Client()
    client.force_login(manager)
    url = reverse("admin:offices_office_change", args=[office.pk])
    data = change_form_data(client, url)
    add_inline_row(data, "closures", date="2026-12-03", kind="closed", reason="停電")

    def close_the_day():
        try:
            got["page"] = client.post(url, data).status_code
        except Exception as error:
            got["errors"].append(repr(error))
        finally:
            connection.close()

    def book_the_day():
        try:
            got["booking"] = book(svc, THU_1000, data=person()).booking.pk
        except SlotTaken as error:
            got["refused"] = error.message
        except Exception as error:
            got["errors"].append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=close_the_day), threading.Thread(target=book_the_day)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return got


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_booking_racing_a_closure_is_refused_or_asked_about(office, monkeypatch):
    got = _closing_while_booking(office, monkeypatch)
    assert got["errors"] == []
    assert got["page"] == 302  # the closure is saved: it found no booking to ask about
    assert Closure.objects.filter(office=office, date="2026-12-03").exists()
    assert "booking" not in got and got["refused"]  # read again under the lock: closed
    assert not Booking.objects.filter(start=THU_1000).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_a_booking_lands_on_the_closed_day_unasked(office, monkeypatch):
    monkeypatch.setattr(offices_common, "office_setup_change_lock", lambda office: None)
    got = _closing_while_booking(office, monkeypatch)
    assert got["errors"] == []
    assert got["page"] == 302
    booking = Booking.objects.filter(pk=got.get("booking")).first()
    assert booking is not None and booking.status in (
        BookingStatus.PENDING_VERIFICATION,
        BookingStatus.REQUESTED,
        BookingStatus.CONFIRMED,
    ), "the race did not happen: the test could not detect a missing lock"
