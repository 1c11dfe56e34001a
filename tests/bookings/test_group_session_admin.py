"""A counselor schedules a group session in the admin for their own office, sees its seat
list and checks each person in; another office's session is not there for them."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import StaffAccess
from bookings.models import BookingStatus, GroupSession
from offices.models import Counselor
from offices.roles import COUNSELORS
from tests.bookings.seat_helpers import seminar, take_seat
from tests.factories import UserFactory, office_with
from tests.helpers import jst

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    """An office of two counselors (its slug the one `seminar` takes by default)."""
    return office_with(slug="kawagoe", counselors=2)


def counselor_client(client, office, username=None):
    user = UserFactory(office=office, username=username or f"c-{office.slug}")
    user.groups.add(Group.objects.get(name=COUNSELORS))
    client.force_login(user)
    return user


def _form(svc, counselor, **overrides):
    data = {
        "service": svc.pk, "title": "面接対策", "title_en": "Interview practice",
        "day": "2026-11-27", "start_time": "14:00", "minutes": "90", "capacity": "12",
        "counselor": counselor.pk, "platform": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_a_counselor_schedules_a_session_and_lands_on_its_seat_list(client, office):
    svc = office.services.get()
    counselor_client(client, svc.office)
    counselor = Counselor.objects.filter(office=svc.office).first()
    response = client.post(reverse("admin:bookings_groupsession_add"), _form(svc, counselor))
    session = GroupSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:bookings_groupsession_seats", args=[session.pk])
    assert (session.start, session.end, session.capacity) == (
        jst(2026, 11, 27, 14, 0), jst(2026, 11, 27, 15, 30), 12,
    )  # fmt: skip
    assert session.created_by.username == f"c-{office.slug}"


def test_a_busy_counselor_or_a_past_time_is_refused_under_the_field_in_japanese(client, office):
    svc = office.services.get()
    counselor_client(client, svc.office)
    counselor = Counselor.objects.filter(office=svc.office).first()
    seminar(counselor=counselor, start=jst(2026, 11, 27, 14, 30))
    response = client.post(
        reverse("admin:bookings_groupsession_add"), _form(svc, counselor),
        HTTP_ACCEPT_LANGUAGE="ja",
    )  # fmt: skip
    assert response.status_code == 200
    assert "担当の相談員には予約か別の回が入っています" in response.content.decode()
    past = client.post(
        reverse("admin:bookings_groupsession_add"), _form(svc, counselor, day="2026-11-01")
    )
    assert past.status_code == 200
    assert GroupSession.objects.count() == 1


def test_another_offices_service_and_counselor_cannot_be_chosen(client, office):
    svc = office.services.get()
    counselor_client(client, office_with())
    counselor = Counselor.objects.filter(office=svc.office).first()
    response = client.post(reverse("admin:bookings_groupsession_add"), _form(svc, counselor))
    assert response.status_code == 200
    assert not GroupSession.objects.exists()


def test_the_seat_list_shows_seats_and_checks_a_person_in_and_records_the_view(client, office):
    session = seminar(capacity=5, start=jst(2026, 11, 22, 10, 5))  # check-in is open
    seat = take_seat(
        session, 1, channel="phone", created_by=counselor_client(client, session.office)
    ).booking
    seats_url = reverse("admin:bookings_groupsession_seats", args=[session.pk])
    page = client.get(seats_url).content.decode()
    assert seat.reference in page and seat.name in page
    assert StaffAccess.objects.filter(kind="list").exists()
    response = client.post(
        reverse("admin:bookings_booking_act", args=[seat.pk]), {"action": "check_in"}
    )
    assert response["Location"].startswith(seats_url)
    seat.refresh_from_db()
    assert seat.status == BookingStatus.IN_PROGRESS


def test_a_counselor_never_sees_another_offices_session(client, office):
    session = seminar(capacity=5)
    counselor_client(client, office_with())
    assert (
        client.get(reverse("admin:bookings_groupsession_seats", args=[session.pk])).status_code
        == 404
    )
    listed = client.get(reverse("admin:bookings_groupsession_changelist")).content.decode()
    assert "応募書類の書き方" not in listed


def test_the_days_schedule_shows_the_session_once_with_its_seats_counted(client, office):
    session = seminar(capacity=5)
    take_seat(session, 1)
    take_seat(session, 2)
    counselor_client(client, session.office)
    page = client.get(
        reverse("admin:bookings_booking_schedule"),
        {"office": session.office.slug, "date": "2026-11-26"},
    ).content.decode()
    assert page.count(f'id="session-{session.pk}"') == 1
    assert "2 of 5 seats taken" in page or "5席中2席" in page
    assert reverse("admin:bookings_groupsession_seats", args=[session.pk]) in page
