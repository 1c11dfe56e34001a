"""
Issue 27, major 9: a counselor off sick no longer means cancelling and re-booking. "Change
counselor" gives a booking to another counselor at the same time, through the guard of a
new booking (free, present, within hours), recorded with its reason; the person is not
emailed, since nothing they see changes.
"""

import threading
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from bookings.exceptions import SlotTaken
from bookings.models import Booking, BookingStatus
from bookings.services import counselor_change
from bookings.services.counselor_change import booking_change_counselor
from bookings.services.staff import booking_confirm
from common import clock
from notifications.models import Notification
from offices.models import Counselor, CounselorAbsence, OpeningHours, User
from tests.factories import UserFactory, counselors_reachable, office_with
from tests.helpers import book, counselor_account, email_checked, jst, person, unguarded

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 10, 0)  # Thursday, inside the office's morning hours
SCHEDULE = "/admin/bookings/booking/schedule/"


def an_office():
    """Two counselors (with addresses, so a notice to them would count) who confirm each
    request, open weekdays 9:30-12:00."""
    office = office_with(confirmation_mode="staff_approval", counselors=2)
    counselors_reachable(office)
    return office


@pytest.fixture
def counselor(db) -> User:
    return counselor_account(an_office())


@pytest.fixture
def staff_client(client, counselor):
    client.force_login(counselor)
    client.cookies["django_language"] = "ja"
    return client


def confirmed(counselor, start=THU, n=1):
    data = person(email=f"p{n}@example.jp", job_seeker_number=f"12345-{n:07d}")
    booking = book(counselor.office.services.get(), start, data=data).booking
    return booking_confirm(booking=email_checked(booking), by=counselor, now=clock.now())


def other_counselor(booking, name="相談員3"):
    user = UserFactory(office=booking.office, username=f"extra-{name}")
    return Counselor.objects.create(user=user, office=booking.office, display_name=name)


def page(booking):
    return reverse("admin:bookings_booking_change_counselor", args=[booking.pk])


def test_a_booking_is_given_to_a_free_counselor_with_its_reason_and_no_email(
    staff_client, counselor
):
    booking = confirmed(counselor)
    was = booking.counselor
    free = Counselor.objects.filter(office=booking.office).exclude(pk=was.pk).first()
    outbox = Notification.objects.count()

    form = staff_client.get(page(booking)).content.decode()
    assert free.display_name in form and "空いています" in form

    response = staff_client.post(
        page(booking), {"counselor": free.pk, "reason": "体調不良"}, follow=True
    )
    booking.refresh_from_db()
    assert booking.counselor == free
    assert booking.start == THU and booking.status == BookingStatus.CONFIRMED
    event = booking.events.latest("pk")
    assert event.reason_code == "counselor_changed" and event.reason == "体調不良"
    assert event.actor == counselor
    assert f"{was.display_name} → {free.display_name}" in event.describe()
    assert Notification.objects.count() == outbox  # nothing the person sees changed
    said = " ".join(str(m) for m in response.context["messages"])
    assert booking.reference in said and "メールは送っていません" in said
    schedule = staff_client.get(SCHEDULE, {"date": "2026-11-26"}).content.decode()
    assert "担当相談員を変更…" in schedule


def test_a_busy_or_absent_counselor_is_shown_why_and_refused_even_when_forged(
    staff_client, counselor
):
    booking = confirmed(counselor)
    busy = other_counselor(booking, "相談員3")
    absent = other_counselor(booking, "相談員4")
    clash = confirmed(counselor, THU, n=2)
    Booking.objects.filter(pk=clash.pk).update(counselor=busy)
    CounselorAbsence.objects.create(
        counselor=absent, start_date=date(2026, 11, 26), end_date=date(2026, 11, 27), reason="研修"
    )

    form = staff_client.get(page(booking)).content.decode()
    assert "10:00に別の予約" in form and "研修" in form

    for chosen, why in ((busy, "10:00に別の予約"), (absent, "不在")):
        response = staff_client.post(page(booking), {"counselor": chosen.pk, "reason": "病欠"})
        assert response.status_code == 409
        assert why in response.content.decode()
        booking.refresh_from_db()
        assert booking.counselor_id not in (busy.pk, absent.pk)
    assert not booking.events.filter(reason_code="counselor_changed").exists()


def test_outside_the_services_hours_the_counselor_cannot_change(staff_client, counselor):
    booking = confirmed(counselor)
    free = Counselor.objects.filter(office=booking.office).exclude(pk=booking.counselor_id).first()
    OpeningHours.objects.filter(service=booking.service, weekday=3).update(
        start="13:00", end="16:00"
    )
    response = staff_client.post(page(booking), {"counselor": free.pk, "reason": "病欠"})
    assert response.status_code == 409
    assert "時間外" in response.content.decode()
    booking.refresh_from_db()
    assert booking.counselor_id != free.pk


def test_a_reason_is_required_and_another_offices_booking_is_not_found(
    staff_client, counselor, client
):
    booking = confirmed(counselor)
    free = Counselor.objects.filter(office=booking.office).exclude(pk=booking.counselor_id).first()
    response = staff_client.post(page(booking), {"counselor": free.pk, "reason": " "})
    assert response.status_code == 409 and "理由" in response.content.decode()
    response = staff_client.post(page(booking), {"counselor": "x", "reason": "病欠"})
    assert response.status_code == 409
    elsewhere = counselor_account(office_with())  # a counselor of another office
    client.force_login(elsewhere)
    assert client.get(page(booking)).status_code == 404
    assert client.post(page(booking), {"counselor": free.pk, "reason": "x"}).status_code == 404
    booking.refresh_from_db()
    assert booking.counselor_id != free.pk


def _race(bookings, target, by):
    """Each booking given to `target` at once, from its own thread: (won, refused, errors)."""
    won, refused, errors = [], [], []
    start = threading.Barrier(len(bookings), timeout=30)

    def change(booking):
        try:
            start.wait()
            booking_change_counselor(
                booking=booking, by=by, counselor_id=target.pk, reason="病欠", now=clock.now()
            )
            won.append(booking.pk)
        except SlotTaken:
            refused.append(booking.pk)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=(b,)) for b in bookings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return len(won), len(refused), errors


@pytest.fixture
def two_at_ten(counselor):
    """Two bookings at Thursday 10:00 (one per counselor) and a third counselor free."""
    first, second = confirmed(counselor), confirmed(counselor, n=2)
    assert first.counselor_id != second.counselor_id
    return first, second, other_counselor(first), counselor


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_changes_to_one_free_counselor_at_once_one_wins(two_at_ten):
    first, second, target, by = two_at_ten
    won, refused, errors = _race([first, second], target, by)
    assert errors == []
    assert (won, refused) == (1, 1)
    assert Booking.objects.filter(counselor=target, start=THU).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_guard_two_changes_give_one_counselor_two_bookings(two_at_ten, monkeypatch):
    first, second, target, by = two_at_ten
    checked = threading.Barrier(2, timeout=30)
    real = counselor_change.counselor_choices

    def choices_then_wait(booking, **kwargs):
        result = real(booking, **kwargs)
        checked.wait()  # both have seen the counselor free before either writes
        return result

    monkeypatch.setattr(counselor_change, "counselor_choices", choices_then_wait)
    with unguarded(counselor_change, monkeypatch):
        won, _refused, errors = _race([first, second], target, by)
        assert errors == []
        assert won == 2, "the race did not happen: the test could not detect a missing guard"
