"""booking_create at a service that checks the email: the booking waits for the person to
open the email's link within the service's window, expires without it, and its links are
tokens stored only as hashes. Split from test_booking_create.py (issue 22)."""

from datetime import time, timedelta

import pytest
from django.core import mail

from bookings.exceptions import NotAllowedNow
from bookings.models import Booking, BookingLink, BookingStatus
from bookings.selectors.bookings import booking_get_by_token
from bookings.services.public import booking_verify
from bookings.services.transitions import bookings_expire_unverified
from bookings.tokens import MANAGE, VERIFY, token_hash
from tests.factories import office_with
from tests.helpers import NOW, book, jst, link_token, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def evening(db):
    """An evening and Saturday service as Sasebo's: final once the person opens the email's
    link within 60 minutes, the job seeker number optional, open Saturday 9:30-12:30."""
    return office_with(
        weekdays=(5,), hours=(time(9, 30), time(12, 30)), confirmation_mode="instant",
        email_verification_minutes=60, job_seeker_number="optional",
    ).services.get()  # fmt: skip


def test_sasebo_evening_waits_for_the_email_check_then_confirms(
    evening, django_capture_on_commit_callbacks
):
    svc = evening
    with django_capture_on_commit_callbacks(execute=True):
        created = book(svc, jst(2026, 11, 28, 9, 30))
    booking = created.booking
    assert booking.status == BookingStatus.PENDING_VERIFICATION
    assert booking.verification_expires_at == NOW + timedelta(minutes=60)
    emailed = link_token(mail.outbox[0].body, "verify")
    assert emailed != created.verification_token  # each email has a link of its own
    assert "2026年11月22日(日) 11:00までに押してください" in mail.outbox[0].body

    booking_verify(token=emailed, now=NOW + timedelta(minutes=59))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert list(booking.events.values_list("to_status", flat=True)) == [
        "pending_verification",
        "confirmed",
    ]


def test_an_email_check_after_the_window_expires_the_booking_and_frees_the_time(evening):
    svc = evening
    start = jst(2026, 11, 28, 9, 30)
    created = book(svc, start)
    with pytest.raises(NotAllowedNow):
        booking_verify(token=created.verification_token, now=NOW + timedelta(minutes=61))
    created.booking.refresh_from_db()
    assert created.booking.status == BookingStatus.EXPIRED
    later = book(
        svc,
        start,
        now=NOW + timedelta(minutes=62),
        data=person(email="b@example.jp", job_seeker_number=""),
    )
    assert later.booking.status == BookingStatus.PENDING_VERIFICATION


def test_the_periodic_task_expires_unverified_bookings(evening):
    created = book(evening, jst(2026, 11, 28, 9, 30))
    assert bookings_expire_unverified(now=NOW + timedelta(minutes=59)) == 0
    assert bookings_expire_unverified(now=NOW + timedelta(minutes=60)) == 1
    created.booking.refresh_from_db()
    assert created.booking.status == BookingStatus.EXPIRED
    assert created.booking.events.last().actor_label == "system"


def test_a_second_click_on_the_email_check_changes_nothing(evening):
    created = book(evening, jst(2026, 11, 28, 9, 30))
    booking_verify(token=created.verification_token, now=NOW)
    booking_verify(token=created.verification_token, now=NOW)
    assert created.booking.events.count() == 2


def test_tokens_are_long_single_purpose_and_stored_only_as_hashes(evening):
    created = book(evening, jst(2026, 11, 28, 9, 30))
    booking = created.booking
    assert len(created.manage_token) >= 22  # at least 128 bits in base64
    assert created.manage_token != created.verification_token
    link = BookingLink.objects.get(token_hash=token_hash(created.manage_token))
    assert link.booking == booking and link.purpose == MANAGE
    stored = str(list(BookingLink.objects.values())) + str(
        Booking.objects.filter(pk=booking.pk).values().get()
    )
    assert created.manage_token not in stored and created.verification_token not in stored
    with pytest.raises(NotAllowedNow):
        booking_verify(token=created.manage_token, now=NOW)
    assert booking_get_by_token(token=created.verification_token, purpose=VERIFY) == booking
