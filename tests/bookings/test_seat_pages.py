"""A person books a seat on the web: the service's page lists its upcoming sessions with
the seats left, the seat page takes their details and agreement, and lands on the done
page; a full session says so in Japanese and writes nothing."""

import pytest
from django.urls import reverse

from bookings.models import Booking, BookingStatus
from terms.selectors import terms_in_force
from tests.bookings.seat_helpers import seminar, take_seat
from tests.factories import office_with
from tests.helpers import NOW, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    """An office that answers each request (staff approval), its slug the one `seminar`
    takes by default."""
    return office_with(slug="kawagoe", confirmation_mode="staff_approval")


def _seat_url(session):
    return reverse("seat-book", args=[session.office.slug, session.uuid])


def _post(client, session, **overrides):
    data = {
        **person(), "key": "k1", "agree_terms": "on",
        "terms_version": terms_in_force(office=session.office, at=NOW).pk,
    }  # fmt: skip
    data.update(overrides)
    return client.post(_seat_url(session), data, HTTP_ACCEPT_LANGUAGE="ja")


def test_the_service_page_lists_upcoming_sessions_with_seats_left(client, office):
    session = seminar(capacity=3)
    take_seat(session, 1)
    page = client.get(
        reverse("booking-start", args=[office.slug]), {"service": session.service.slug},
        HTTP_ACCEPT_LANGUAGE="ja",
    ).content.decode()  # fmt: skip
    assert "応募書類の書き方" in page
    assert _seat_url(session) in page
    assert "残り2席" in page


def test_a_person_books_a_seat_and_lands_on_the_done_page(client, office):
    session = seminar(capacity=3)
    response = _post(client, session)
    assert response.status_code == 302
    assert response["Location"] == reverse("booking-done", args=[office.slug])
    seat = Booking.objects.get(group_session=session)
    assert seat.status == BookingStatus.REQUESTED and seat.email == "taro@example.jp"
    done = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert seat.reference in done


def test_a_double_tap_makes_one_seat(client, office):
    session = seminar(capacity=3)
    _post(client, session)
    _post(client, session)
    assert Booking.objects.filter(group_session=session).count() == 1


def test_a_full_session_says_so_and_writes_nothing(client, office):
    session = seminar(capacity=1)
    take_seat(session, 1)
    page = client.get(_seat_url(session), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "満席" in page and 'id="seat-form"' not in page
    response = _post(client, session)
    assert response.status_code == 200
    assert "満席" in response.content.decode()
    assert Booking.objects.filter(group_session=session).count() == 1


def test_a_missing_field_is_shown_under_the_field_and_nothing_is_booked(client, office):
    session = seminar(capacity=3)
    response = _post(client, session, email="")
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert not Booking.objects.exists()


def test_without_agreeing_to_the_terms_nothing_is_booked(client, office):
    session = seminar(capacity=3)
    response = _post(client, session, agree_terms="")
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Booking.objects.exists()


def test_a_cancelled_or_unknown_session_is_not_found(client, office):
    from bookings.services.seats import group_session_cancel
    from tests.bookings.seat_helpers import manager

    session = seminar(capacity=3)
    group_session_cancel(session=session, by=manager(session.office, "m"), reason="中止", now=NOW)
    assert client.get(_seat_url(session)).status_code == 404
