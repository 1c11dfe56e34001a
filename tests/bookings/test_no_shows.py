"""Ten minutes after the start, a confirmed booking nobody attended becomes a no-show."""

from datetime import timedelta

import pytest
from django.core import mail

from bookings.exceptions import ApplicantBarred, NotAllowedNow
from bookings.models import Applicant, BookingStatus
from bookings.services.no_shows import applicant_lift_bar, bookings_mark_no_shows
from bookings.services.staff import booking_confirm, booking_note_contact
from common import clock
from conferencing.models import OnlineMeeting
from tests.factories import UserFactory, office_with
from tests.helpers import NOW, book, email_checked, jst, person, service

pytestmark = pytest.mark.django_db

START = jst(2026, 11, 24, 9, 30)  # Tuesday
SLUG = "bars-at-three"


@pytest.fixture(autouse=True)
def office(db):
    """Counselors confirm each request; a no-show ten minutes after the start; the third
    unannounced no-show bars online booking (the model's default never bars)."""
    return office_with(
        slug=SLUG, confirmation_mode="staff_approval", no_show_grace_minutes=10,
        no_show_bar_threshold=3,
    )  # fmt: skip


def confirmed_at(start=START, **kwargs):
    booking = book(service(SLUG), start, **kwargs).booking
    booking_confirm(booking=email_checked(booking), by=UserFactory(is_superuser=True), now=NOW)
    booking.refresh_from_db()
    return booking


def test_not_yet_at_nine_minutes_fifty_nine():
    booking = confirmed_at()
    assert bookings_mark_no_shows(now=START + timedelta(minutes=9, seconds=59)) == 0
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_no_show_at_ten_minutes_and_one_second_with_event_and_email(
    django_capture_on_commit_callbacks,
):
    booking = confirmed_at()
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_mark_no_shows(now=START + timedelta(minutes=10, seconds=1)) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW
    event = booking.events.last()
    assert (event.from_status, event.to_status, event.actor_label) == (
        "confirmed",
        "no_show",
        "system",
    )
    assert any("無断" in m.subject or "欠席" in m.subject for m in mail.outbox)
    assert bookings_mark_no_shows(now=START + timedelta(minutes=11)) == 0  # run twice: once


def test_a_checked_in_session_is_never_a_no_show():
    booking = confirmed_at()
    booking.status = BookingStatus.IN_PROGRESS
    booking.save(update_fields=["status"])
    assert bookings_mark_no_shows(now=START + timedelta(minutes=30)) == 0


def test_platform_attendance_prevents_the_no_show():
    booking = confirmed_at()
    OnlineMeeting.objects.update_or_create(
        booking_uuid=booking.uuid,
        defaults={
            "office_id": booking.office_id,
            "status": "issued",
            "applicant_joined_at": START + timedelta(minutes=2),
        },
    )
    assert bookings_mark_no_shows(now=START + timedelta(minutes=30)) == 0


def test_contact_noted_by_a_counselor_prevents_the_no_show():
    booking = confirmed_at()
    booking_note_contact(booking=booking, by=UserFactory(office=booking.office), now=clock.now())
    assert bookings_mark_no_shows(now=START + timedelta(minutes=30)) == 0
    with pytest.raises(NotAllowedNow):
        booking_note_contact(booking=booking, by=UserFactory(office=office_with()), now=clock.now())


def test_the_third_no_show_bars_online_booking_until_a_counselor_lifts_it(
    django_capture_on_commit_callbacks,
):
    starts = [START, START + timedelta(minutes=30), START + timedelta(days=1)]
    for start in starts[:2]:
        confirmed_at(start)
    with django_capture_on_commit_callbacks(execute=True):
        bookings_mark_no_shows(now=starts[1] + timedelta(minutes=11))
    applicant = Applicant.objects.get()
    assert not applicant.is_barred  # two no-shows: not yet
    confirmed_at(starts[2])
    with django_capture_on_commit_callbacks(execute=True):
        bookings_mark_no_shows(now=starts[2] + timedelta(minutes=11))
    applicant.refresh_from_db()
    assert applicant.is_barred and "3" in applicant.barred_reason
    assert any("オンライン予約" in m.subject for m in mail.outbox)
    with pytest.raises(ApplicantBarred):
        book(service(SLUG), jst(2026, 11, 27, 9, 30), now=starts[2] + timedelta(hours=1))

    counselor = UserFactory(office=applicant.office)
    with pytest.raises(NotAllowedNow):
        applicant_lift_bar(applicant=applicant, by=counselor, reason="  ", now=clock.now())
    applicant_lift_bar(
        applicant=applicant,
        by=counselor,
        reason="電話で事情を確認した",
        now=starts[2] + timedelta(hours=2),
    )
    applicant.refresh_from_db()
    assert not applicant.is_barred and applicant.bar_lifted_by == counselor
    # Earlier no-shows no longer count: one new no-show does not bar again.
    again = confirmed_at(jst(2026, 11, 30, 9, 30), data=person())
    bookings_mark_no_shows(now=again.start + timedelta(minutes=11))
    applicant.refresh_from_db()
    assert not applicant.is_barred


def test_an_office_without_a_threshold_never_bars():
    from offices.models import Office

    Office.objects.filter(slug=SLUG).update(no_show_bar_threshold=None)
    for n in range(4):
        booking = confirmed_at(START + timedelta(days=n))
        bookings_mark_no_shows(now=booking.start + timedelta(minutes=11))
    applicant = Applicant.objects.get()
    assert applicant.bookings.filter(status=BookingStatus.NO_SHOW).count() == 4
    assert not applicant.is_barred
