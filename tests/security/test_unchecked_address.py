"""
An address nobody showed to be theirs (issue 23): at a service that checks no address (no
email check, confirmed at once) anyone may type anyone's address. Such a booking used to
answer `409 already_booked` / `limit_reached` at once (telling whoever typed the address
what it held), and its no-shows barred the address's owner. Now it is answered as any
booking, its own email tells the address; the person's checks and the no-show bar count
only bookings whose address was shown (`bookings.selectors.identity.address_shown`); a bar
follows the no-shows when a counselor links a booking to another record; and an open
request's link refused by the person's checks says so by email too, not on the page only.
"""

import json
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from bookings.models import Applicant, Booking, BookingStatus
from bookings.services.no_shows import bookings_mark_no_shows
from bookings.services.staff import booking_confirm
from notifications.models import Notification
from offices.roles import COUNSELORS
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, delivered, email_checked, jst, person, staff

pytestmark = pytest.mark.django_db

OWNER = person(name="本人 花子", email="owner@example.jp", job_seeker_number="12345-7654321")
TUE, WED, THU = (jst(2026, 11, d, 9, 30) for d in (24, 25, 26))


def proof_on():
    return override_settings(PROOF_OF_WORK=True, POW_QUIET_MAX_NUMBER=2000)


def api_book(client, office, start, data, address="192.0.2.10"):
    body = {"start": start.isoformat(), **data, "agree_terms": True,
            "terms_version": terms_in_force(office=office, at=NOW).pk}  # fmt: skip
    return client.post(
        f"/api/v1/offices/{office.slug}/bookings", json.dumps(body),
        content_type="application/json", REMOTE_ADDR=address,
    )  # fmt: skip


def shape(response) -> tuple:
    body = response.json()
    return response.status_code, sorted(body), body.get("status"), body.get("code")


def confirmation_of(response):
    """The booking's own confirmation email, as its recipient gets it."""
    booking = Booking.objects.get(reference=response.json()["reference"])
    return delivered(Notification.objects.get(kind="booking_created", booking_id=booking.pk))


def book_by_emailed_link(client, office, start, data):
    """No proof of work: 202, then the link emailed to the address books (address shown)."""
    with proof_on():
        assert api_book(client, office, start, data).status_code == 202
        body = Notification.objects.filter(kind="open_request").latest("pk").body_text
        link = re.search(rf"/offices/{office.slug}/book/request/[^/\s]+/", body).group(0)
        return client.post(link)


@pytest.fixture
def instant():
    """A service that checks no address: confirmed at once, no email check; one no-show
    bars."""
    return office_with(counselors=2, no_show_bar_threshold=1)


def test_a_service_that_checks_no_address_answers_the_same_and_tells_the_address(client, instant):
    assert api_book(client, instant, TUE, OWNER).status_code == 201
    fresh = api_book(client, instant, TUE.replace(hour=11), person(email="new@example.jp"),
                     "192.0.2.20")  # fmt: skip
    probe = api_book(client, instant, TUE.replace(hour=10), OWNER, "192.0.2.30")
    overlap = api_book(client, instant, TUE, OWNER, "192.0.2.30")  # the other counselor
    assert shape(overlap) == shape(probe) == shape(fresh) == (201, shape(fresh)[1],
                                                              "confirmed", None)  # fmt: skip
    for told in ("already_booked", "limit_reached", "すでに予約", "上限"):
        assert told not in overlap.content.decode() + probe.content.decode()
    # The address is told, in the booking's own email: another booking at that time, then
    # more than the two a person may book online.
    email = confirmation_of(overlap)
    assert email.recipient == OWNER["email"]
    assert "この時間にほかのご予約もあります" in email.body_text
    assert "身に覚えのない予約" in email.body_text and "身に覚えのない予約" in email.body_html
    third = confirmation_of(probe)
    assert "ほかのご予約" not in third.body_text and "超えています" not in third.body_text
    fourth = api_book(client, instant, WED, OWNER, "192.0.2.30")
    assert fourth.status_code == 201
    assert "件数（2 件）を超えています" in confirmation_of(fourth).body_text
    assert "ほかのご予約" not in confirmation_of(fresh).body_text


def test_what_a_stranger_books_with_the_address_neither_caps_nor_bars_its_owner(
    client, instant, django_capture_on_commit_callbacks
):
    stranger = "203.0.113.66"
    for start in (TUE, WED):
        assert api_book(client, instant, start, OWNER, stranger).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_mark_no_shows(now=jst(2026, 11, 25, 12, 0)) == 2
    record = Applicant.objects.get(identity_key="web:owner@example.jp")
    assert not record.is_barred  # the no-shows of a claim to the address count for no one
    # The owner shows the address (the link emailed to it): neither the stranger's two
    # bookings (the cap is 2) nor their no-shows refuse the owner.
    assert book_by_emailed_link(client, instant, THU, OWNER)["Location"].endswith("/book/done/")
    owned = Booking.objects.get(start=THU)
    assert owned.status == BookingStatus.CONFIRMED and owned.applicant == record
    # The bar still counts the owner's own no-show (a booking whose address was shown).
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_mark_no_shows(now=jst(2026, 11, 26, 12, 0)) == 1
    record.refresh_from_db()
    assert record.is_barred
    refused = api_book(client, instant, jst(2026, 12, 1, 9, 30), OWNER)
    assert refused.status_code == 409 and refused.json()["code"] == "not_available_online"


def test_a_bar_follows_its_no_show_when_a_counselor_links_the_booking_to_another_record(
    client, django_capture_on_commit_callbacks
):
    office = office_with(counselors=2, confirmation_mode="staff_approval",
                         no_show_bar_threshold=1)  # fmt: skip
    counselor = staff(office, COUNSELORS, "counselor")
    answer = api_book(client, office, TUE, OWNER)
    booking = email_checked(Booking.objects.get(reference=answer.json()["reference"]))
    booking_confirm(booking=booking, by=counselor, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        bookings_mark_no_shows(now=jst(2026, 11, 24, 12, 0))
    online = Applicant.objects.get(identity_key="web:owner@example.jp")
    assert online.is_barred
    assert api_book(client, office, THU, OWNER).status_code == 409
    # On the phone the counselor finds the booking was the office's client's (a family
    # member with this address): they link it to that record, with a reason.
    record = Applicant.objects.create(
        office=office, kind="job_seeker", identity_key="jsn:99999-1", name="家族 太郎",
        job_seeker_number="99999-1", email="family@example.jp",
    )  # fmt: skip
    client.force_login(counselor)
    linked = client.post(reverse("admin:bookings_booking_record", args=[booking.pk]),
                         {"record": "number", "number": "99999-1",
                          "reason": "電話で確認した"})  # fmt: skip
    assert linked.status_code == 302
    online.refresh_from_db()
    record.refresh_from_db()
    assert not online.is_barred and record.is_barred  # the no-show is the record's now
    client.logout()
    assert api_book(client, office, THU, OWNER).status_code == 201


@pytest.mark.parametrize("second", ["same_time", "over_the_cap"])
def test_an_open_requests_link_refused_by_the_persons_checks_also_emails_the_address(
    client, instant, second
):
    """Each booking here is made from the link emailed to the address (no proof of work)."""
    assert book_by_emailed_link(client, instant, TUE, OWNER)["Location"].endswith("/book/done/")
    if second == "over_the_cap":
        book_by_emailed_link(client, instant, WED, OWNER)
    start = TUE if second == "same_time" else THU
    page = book_by_emailed_link(client, instant, start, OWNER)
    held = 1 if second == "same_time" else 2
    assert page.status_code == 200 and Booking.objects.count() == held
    email = delivered(Notification.objects.get(kind="open_request_refused"))
    assert email.recipient == OWNER["email"]
    assert email.body_text.splitlines()[0].endswith("からのお知らせです。")
    if second == "same_time":
        assert "すでにご予約があるため、今回の申込みは予約になりませんでした" in email.body_text
    else:
        assert "上限（2 件）に達しているため" in email.body_text
    assert "予約になりませんでした" in email.subject
    assert f"/offices/{instant.slug}/book/" in email.body_text  # to book another time
