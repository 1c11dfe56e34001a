"""The waitlist of a full session on the pages: the seat page (and the service's list of
sessions) of a full session offers it, the form to join says what to fix and never fails,
the entry's page shows the session and books the offered seat, and the seat list shows
staff who waits beside the seats and takes more seats, which go to the waitlist."""

import pytest
from django.urls import reverse

from bookings.models import Booking
from notifications.models import Notification
from offices.roles import OFFICE_MANAGERS, roles_sync
from terms.selectors import terms_in_force
from tests.helpers import NOW, link_token, staff
from tests.waitlist.helpers import free, seat_office, wait_for_seat
from waitlist.models import EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer
from waitlist.services import waitlist_link_issue, waitlist_match

pytestmark = pytest.mark.django_db


def _join_url(env) -> str:
    return reverse("waitlist-session-join", args=[env.office.slug, env.session.uuid])


def _form(**overrides) -> dict:
    data = {
        "name": "待機 花子", "name_kana": "タイキ ハナコ", "job_seeker_number": "12345-1234567",
        "email": "hanako@example.jp", "phone": "090-1111-2222",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_a_full_sessions_page_offers_its_waitlist_only_where_the_service_keeps_one(client):
    env = seat_office()
    seat_page = reverse("seat-book", args=[env.office.slug, env.session.uuid])
    start = reverse("booking-start", args=[env.office.slug])
    assert _join_url(env) in client.get(seat_page).content.decode()
    assert _join_url(env) in client.get(start).content.decode()
    env.service.waitlist_enabled = False
    env.service.save(update_fields=["waitlist_enabled"])
    assert _join_url(env) not in client.get(seat_page).content.decode()
    assert client.get(_join_url(env)).status_code == 404


def test_a_session_with_a_free_seat_does_not_offer_the_waitlist(client):
    env = seat_office(capacity=3, taken=2)
    seat_page = reverse("seat-book", args=[env.office.slug, env.session.uuid])
    assert _join_url(env) not in client.get(seat_page).content.decode()
    response = client.post(_join_url(env), _form())
    assert response.status_code == 200 and "空席があります" in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_joining_from_the_page_emails_a_link_whose_page_shows_the_session_and_place(client):
    env = seat_office()
    page = client.get(_join_url(env)).content.decode()
    assert "応募書類の書き方" in page and "この回のキャンセル待ちに登録する" in page
    response = client.post(_join_url(env), _form())
    assert response.status_code == 302 and "/waitlist/sent/" in response["Location"]
    entry = WaitlistEntry.objects.get()
    assert entry.group_session == env.session and entry.status == EntryStatus.UNCONFIRMED
    email = Notification.objects.get(kind="waitlist_joined")
    entry_url = reverse("waitlist-entry", args=[link_token(email.body_text, kind="waitlist")])
    client.post(entry_url, {"action": "confirm"})
    page = client.get(entry_url).content.decode()
    assert "応募書類の書き方" in page and "1番目" in page


@pytest.mark.parametrize(
    "overrides",
    [{"email": "not-an-address"}, {"name": ""}, {"job_seeker_number": "x" * 300},
     {"phone": "\x00"}, {"name": "a" * 5000}],
)  # fmt: skip
def test_bad_input_says_what_to_fix_and_writes_nothing(client, overrides):
    env = seat_office()
    response = client.post(_join_url(env), _form(**overrides))
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_an_unknown_or_cancelled_session_is_a_404_or_a_message(client):
    env = seat_office()
    other = reverse("waitlist-session-join", args=[env.office.slug, WaitlistEntry().uuid])
    assert client.get(other).status_code == 404
    env.session.status = "cancelled"
    env.session.save(update_fields=["status"])
    response = client.post(_join_url(env), _form())
    assert response.status_code == 200 and "中止" in response.content.decode()


def test_the_person_books_the_offered_seat_on_their_page_or_lets_it_pass(client):
    env = seat_office()
    first, second = wait_for_seat(env, 1), wait_for_seat(env, 2)
    free(env.seats[0])
    waitlist_match(office_id=env.office.pk, now=NOW)
    url = reverse("waitlist-entry", args=[waitlist_link_issue(entry=first)])
    page = client.get(url).content.decode()
    assert "応募書類の書き方" in page and "この時間で予約する" in page
    client.post(url, {"action": "decline"})
    first.refresh_from_db()
    assert first.status == EntryStatus.ENDED
    assert "この回のキャンセル待ちは終了しました" in client.get(url).content.decode()
    waitlist_match(office_id=env.office.pk, now=NOW)
    url = reverse("waitlist-entry", args=[waitlist_link_issue(entry=second)])
    terms = terms_in_force(office=env.office, at=NOW)
    client.post(url, {"action": "accept", "terms_version": terms.pk})  # the box not ticked
    assert not Booking.objects.filter(email="w2@example.jp").exists()
    client.post(url, {"action": "accept", "terms_version": terms.pk, "agree_terms": "on"})
    seat = Booking.objects.get(email="w2@example.jp")
    assert seat.group_session == env.session
    assert WaitlistOffer.objects.get(entry=second).status == OfferStatus.ACCEPTED


def test_staff_see_the_sessions_waitlist_beside_its_seats_and_give_more_seats(
    client, django_capture_on_commit_callbacks
):
    roles_sync()
    env = seat_office()
    wait_for_seat(env, 1)
    client.force_login(staff(env.office, OFFICE_MANAGERS, "seat-manager"))
    seats_url = reverse("admin:bookings_groupsession_seats", args=[env.session.pk])
    page = client.get(seats_url).content.decode()
    assert 'id="session-waitlist"' in page and "待機 1" in page
    capacity_url = reverse("admin:bookings_groupsession_capacity", args=[env.session.pk])
    client.post(capacity_url, {"capacity": "1"})  # below the seats taken: refused
    client.post(capacity_url, {"capacity": "many"})  # not a number: a message, no 500
    env.session.refresh_from_db()
    assert env.session.capacity == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(capacity_url, {"capacity": "3"})
    assert response.status_code == 302
    env.session.refresh_from_db()
    assert env.session.capacity == 3
    assert WaitlistOffer.objects.filter(entry__name="待機 1", status=OfferStatus.OPEN).exists()


def test_the_apis_session_full_names_the_waitlist_where_the_service_keeps_one(client):
    from tests.bookings.test_seat_api import post_seat

    env = seat_office()
    full = post_seat(client, env.session, email="api@example.jp")
    assert full.status_code == 409 and full.json()["code"] == "session_full"
    assert full.json()["waitlist_url"].endswith(_join_url(env))
    env.service.waitlist_enabled = False
    env.service.save(update_fields=["waitlist_enabled"])
    full = post_seat(client, env.session, email="api@example.jp")
    assert full.status_code == 409 and "waitlist_url" not in full.json()
