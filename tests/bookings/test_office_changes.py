"""
Issue 27, major 8: changes to the office over booked times ask first, like closures.
Shrinking opening hours over a booked time, and adding a counselor's absence on a day they
have bookings, list the bookings and offer keep, cancel with notice, or (absences) give
them to another counselor; the schedule shows who is absent.
"""

from datetime import date, time, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from bookings.models import BookingStatus, PhoneCall
from bookings.services.staff import booking_confirm
from common import clock
from offices.models import Counselor, CounselorAbsence, OpeningHours, User
from offices.roles import OFFICE_MANAGERS
from tests.admin_forms import add_inline_row, change_form_data, inline_rows
from tests.factories import OpeningHoursFactory, UserFactory, counselors_reachable, office_with
from tests.helpers import book, counselor_account, email_checked, jst, person, service, staff

pytestmark = pytest.mark.django_db

THU_1000 = jst(2026, 12, 3, 10, 0)  # a Thursday: hours 9:30-12:00 and 13:00-16:00 (below)
SCHEDULE = "/admin/bookings/booking/schedule/"
SLUG = "kawagoe"
MANAGER = "kawagoe-manager"


@pytest.fixture
def office(db):
    """ハローワーク川越 as the test builds it: two counselors (with addresses, so an email
    sent to them would show) who confirm each request, open weekdays 9:30-12:00 and
    13:00-16:00, and its office manager."""
    office = office_with(
        slug=SLUG, name="ハローワーク川越", name_en="Hello Work Kawagoe",
        confirmation_mode="staff_approval", counselors=2,
    )  # fmt: skip
    for weekday in range(5):
        OpeningHoursFactory(
            service=office.services.get(), weekday=weekday, start=time(13), end=time(16)
        )
    counselors_reachable(office)
    staff(office, OFFICE_MANAGERS, MANAGER)
    return office


@pytest.fixture
def manager(office):
    return User.objects.get(username=MANAGER)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "ja"
    return client


def confirmed(start=THU_1000, n=1, **data):
    details = person(email=f"p{n}@example.jp", job_seeker_number=f"12345-{n:07d}")
    language = data.pop("language", "ja")
    details.update(data)
    counselor = counselor_account(service(SLUG).office)
    channel = {"channel": "phone", "created_by": counselor} if not details["email"] else {}
    booking = book(service(SLUG), start, data=details, language=language, **channel).booking
    if booking.status == BookingStatus.REQUESTED:
        booking = booking_confirm(booking=email_checked(booking), by=counselor, now=clock.now())
    return booking


def office_url(office):
    return reverse("admin:offices_office_change", args=[office.pk])


def morning_row(data, booking) -> int:
    for index in range(inline_rows(data, "opening_hours")):
        row = OpeningHours.objects.get(pk=data[f"opening_hours-{index}-id"])
        if row.service_id == booking.service_id and row.weekday == 3 and row.start.hour == 9:
            return index
    raise AssertionError("Thursday morning not found")


def test_shrinking_hours_over_a_booked_time_asks_first_then_cancels_with_notice(
    manager_client, mailoutbox, django_capture_on_commit_callbacks
):
    emailed = confirmed()
    phoned = confirmed(THU_1000.replace(hour=11), n=2, email="", name="電話 花子")
    untouched = confirmed(THU_1000.replace(hour=14), n=3)
    url = office_url(emailed.office)
    data = change_form_data(manager_client, url)
    index = morning_row(data, emailed)
    data[f"opening_hours-{index}-end"] = "10:00"  # Thursday mornings now 9:30-10:00

    page = manager_client.post(url, data).content.decode()
    assert "2件の予約が新しい受付時間の外になります" in page
    assert emailed.reference in page and phoned.reference in page
    assert untouched.reference not in page
    assert "電話連絡リスト" in page
    assert OpeningHours.objects.filter(service=emailed.service, weekday=3, end="12:00").exists()

    data[f"opening_hours-{index}-bookings_outside"] = "cancel"
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url, data, follow=True)
    assert response.status_code == 200
    for booking in (emailed, phoned, untouched):
        booking.refresh_from_db()
    assert emailed.status == phoned.status == BookingStatus.CANCELLED
    assert untouched.status == BookingStatus.CONFIRMED
    assert [m.to for m in mailoutbox] == [["p1@example.jp"]]
    assert "受付時間" in mailoutbox[0].body
    assert PhoneCall.objects.filter(booking=phoned, kind="cancelled").exists()
    said = " ".join(str(m) for m in response.context["messages"])
    assert "2件の予約を取り消しました" in said


def test_an_office_change_cancels_in_the_persons_language_not_the_managers(
    manager_client, mailoutbox, django_capture_on_commit_callbacks
):
    english = confirmed(language="en")
    confirmed(THU_1000.replace(hour=11), n=2)  # a Japanese reader
    url = office_url(english.office)
    data = change_form_data(manager_client, url)  # the manager works in Japanese
    index = morning_row(data, english)
    data[f"opening_hours-{index}-end"] = "10:00"
    data[f"opening_hours-{index}-bookings_outside"] = "cancel"
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url, data)
    sent = {m.to[0]: m for m in mailoutbox}
    assert "The office changed its opening hours" in sent["p1@example.jp"].body
    assert "受付時間" not in sent["p1@example.jp"].body
    assert "受付時間が変わり" in sent["p2@example.jp"].body


def test_shrinking_hours_can_keep_the_bookings(manager_client):
    booking = confirmed()
    url = office_url(booking.office)
    data = change_form_data(manager_client, url)
    index = morning_row(data, booking)
    data[f"opening_hours-{index}-start"] = "10:30"
    data[f"opening_hours-{index}-bookings_outside"] = "keep"
    assert manager_client.post(url, data).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert OpeningHours.objects.filter(service=booking.service, weekday=3, start="10:30").exists()


def test_deleting_a_window_with_bookings_asks_first(manager_client):
    booking = confirmed()
    url = office_url(booking.office)
    data = change_form_data(manager_client, url)
    index = morning_row(data, booking)
    data[f"opening_hours-{index}-DELETE"] = "on"
    page = manager_client.post(url, data).content.decode()
    assert booking.reference in page and "1件の予約が新しい受付時間の外になります" in page
    assert OpeningHours.objects.filter(service=booking.service, weekday=3, start="09:30").exists()


def counselor_url(counselor):
    return reverse("admin:offices_counselor_change", args=[counselor.pk])


def absence_for(client, counselor, choice=None):
    data = change_form_data(client, counselor_url(counselor))
    row = {"start_date": "2026-12-03", "end_date": "2026-12-04", "reason": "研修"}
    if choice:
        row["bookings_then"] = choice
    add_inline_row(data, "absences", **row)
    return data


def test_an_absence_over_booked_days_asks_first_and_the_schedule_shows_it(manager_client):
    booking = confirmed()
    counselor = booking.counselor
    page = manager_client.post(counselor_url(counselor), absence_for(manager_client, counselor))
    text = page.content.decode()
    assert page.status_code == 200
    assert booking.reference in text and "別の相談員" in text
    assert not CounselorAbsence.objects.filter(counselor=counselor).exists()

    data = absence_for(manager_client, counselor, "keep")
    assert manager_client.post(counselor_url(counselor), data).status_code == 302
    booking.refresh_from_db()
    assert booking.counselor == counselor and booking.status == BookingStatus.CONFIRMED
    schedule = manager_client.get(SCHEDULE, {"date": "2026-12-03"}).content.decode()
    assert "不在：研修" in schedule


def test_an_absence_can_give_the_bookings_to_a_free_counselor_without_email(
    manager_client, mailoutbox, django_capture_on_commit_callbacks
):
    booking = confirmed()
    counselor = booking.counselor
    data = absence_for(manager_client, counselor, "move")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(counselor_url(counselor), data, follow=True)
    booking.refresh_from_db()
    assert booking.counselor != counselor and booking.status == BookingStatus.CONFIRMED
    assert booking.events.latest("pk").reason_code == "counselor_changed"
    assert "研修" in booking.events.latest("pk").reason
    assert not mailoutbox
    said = " ".join(str(m) for m in response.context["messages"])
    assert booking.reference in said
    assert CounselorAbsence.objects.filter(counselor=counselor).exists()


def test_giving_the_bookings_away_is_refused_when_nobody_is_free(manager_client):
    booking = confirmed()
    counselor = booking.counselor
    other = Counselor.objects.filter(office=booking.office).exclude(pk=counselor.pk).get()
    CounselorAbsence.objects.create(
        counselor=other, start_date=date(2026, 12, 3), end_date=date(2026, 12, 3)
    )
    page = manager_client.post(
        counselor_url(counselor), absence_for(manager_client, counselor, "move")
    )
    assert page.status_code == 200
    assert "空いている相談員がいません" in page.content.decode()
    assert not CounselorAbsence.objects.filter(counselor=counselor).exists()


def test_an_absence_can_cancel_the_bookings_with_notice(
    manager_client, mailoutbox, django_capture_on_commit_callbacks
):
    booking = confirmed()
    counselor = booking.counselor
    data = absence_for(manager_client, counselor, "cancel")
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(counselor_url(counselor), data)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert any(m.to == ["p1@example.jp"] for m in mailoutbox)


def test_another_offices_manager_cannot_reach_the_counselor(client, office):
    counselor = Counselor.objects.filter(office=office).first()
    user = UserFactory(office=office_with(), username="elsewhere-x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_counselor", "view_counselor"])
    )
    client.force_login(user)
    assert client.get(counselor_url(counselor)).status_code == 404


def test_a_new_session_length_asks_first_then_keeps_or_cancels(
    manager_client, mailoutbox, django_capture_on_commit_callbacks
):
    booking = confirmed()
    office = booking.office
    assert booking.service.slot_minutes is None and office.slot_minutes == 30
    url = office_url(office)
    data = change_form_data(manager_client, url)
    data["slot_minutes"] = 45

    page = manager_client.post(url, data).content.decode()
    assert "1件のこれからの予約が新しい長さと異なります" in page and booking.reference in page
    office.refresh_from_db()
    assert office.slot_minutes == 30

    data["bookings_of_other_length"] = "cancel"
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url, data, follow=True)
    booking.refresh_from_db()
    office.refresh_from_db()
    assert office.slot_minutes == 45 and booking.status == BookingStatus.CANCELLED
    assert any(m.to == ["p1@example.jp"] for m in mailoutbox)
    assert "1件の予約を取り消しました" in " ".join(str(m) for m in response.context["messages"])


def test_a_services_own_new_length_can_keep_its_bookings(manager_client):
    booking = confirmed()
    url = office_url(booking.office)
    data = change_form_data(manager_client, url)
    index = next(
        i for i in range(inline_rows(data, "services"))
        if str(data[f"services-{i}-id"]) == str(booking.service_id)
    )  # fmt: skip
    data[f"services-{index}-slot_minutes"] = 60
    page = manager_client.post(url, data).content.decode()
    assert booking.reference in page and "新しい長さと異なります" in page

    data[f"services-{index}-bookings_of_other_length"] = "keep"
    assert manager_client.post(url, data).status_code == 302
    booking.refresh_from_db()
    booking.service.refresh_from_db()
    assert booking.service.slot_minutes == 60 and booking.status == BookingStatus.CONFIRMED
    assert booking.end - booking.start == timedelta(minutes=30)


def test_lengthening_an_existing_absence_over_a_booked_day_asks_first(manager_client):
    booking = confirmed()
    counselor = booking.counselor
    absence = CounselorAbsence.objects.create(
        counselor=counselor, start_date=date(2026, 12, 1), end_date=date(2026, 12, 2)
    )
    data = change_form_data(manager_client, counselor_url(counselor))
    data["absences-0-end_date"] = "2026-12-04"
    page = manager_client.post(counselor_url(counselor), data)
    assert page.status_code == 200 and booking.reference in page.content.decode()
    absence.refresh_from_db()
    assert absence.end_date == date(2026, 12, 2)


def test_moving_a_window_to_another_weekday_asks_about_the_day_it_leaves(manager_client):
    booking = confirmed()
    url = office_url(booking.office)
    data = change_form_data(manager_client, url)
    index = morning_row(data, booking)
    data[f"opening_hours-{index}-weekday"] = 5  # Thursday morning becomes Saturday morning
    page = manager_client.post(url, data).content.decode()
    assert booking.reference in page
    data[f"opening_hours-{index}-bookings_outside"] = "keep"
    assert manager_client.post(url, data).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
