"""
Number squatting (issue 23): someone books first with a real person's job-seeker number.
A typed number is the person's statement, kept on the booking for a counselor to check; it
never creates, owns or joins a record, so nothing the real person does later reaches the
squatter, and nothing the squatter does reaches the real person.
"""

import json

import pytest
from django.core import mail
from django.urls import reverse

from bookings.models import Applicant, Booking
from bookings.services.no_shows import bookings_mark_no_shows
from bookings.services.staff import booking_confirm
from notifications.models import Notification
from offices.models import Office
from offices.roles import COUNSELORS
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, email_checked, jst, person, staff

pytestmark = pytest.mark.django_db

NUMBER = "12345-1234567"
REAL = person(name="本人 花子", email="real@example.jp", phone="090-1111-2222")
SQUATTER = person(name="なりすまし", email="squatter@evil.example", phone="080-9999-0000")


@pytest.fixture
def office(db):
    """An office whose counselors confirm each request, as Toyooka's; two counselors."""
    return office_with(confirmation_mode="staff_approval", counselors=2, no_show_bar_threshold=3)


def api_book(client, start, data):
    office = Office.objects.get()
    terms = terms_in_force(office=office, at=NOW)
    body = {"start": start.isoformat(), **data, "terms_version": terms.pk, "agree_terms": True}
    return client.post(
        f"/api/v1/offices/{office.slug}/bookings", json.dumps(body),
        content_type="application/json",
    )  # fmt: skip


def _squatter_then_real_person(client, capture):
    with capture(execute=True):
        assert api_book(client, jst(2026, 12, 1, 9, 30), SQUATTER).status_code == 201
        assert api_book(client, jst(2026, 12, 2, 9, 30), REAL).status_code == 201
    return (
        Booking.objects.get(email="squatter@evil.example"),
        Booking.objects.get(email="real@example.jp"),
    )


def test_the_real_persons_later_booking_sends_the_squatter_nothing(
    client, office, django_capture_on_commit_callbacks
):
    squatters, real = _squatter_then_real_person(client, django_capture_on_commit_callbacks)
    to_squatter = [m for m in mail.outbox if "squatter@evil.example" in m.to]
    assert len(to_squatter) == 1  # only the squatter's own booking's email
    assert squatters.reference in to_squatter[0].subject
    for sent in Notification.objects.filter(recipient="squatter@evil.example"):
        assert real.reference not in sent.subject + sent.body_text
        assert "12月2日" not in sent.body_text
    assert "ご自身のもの" not in "".join(m.subject + m.body for m in mail.outbox)


def test_a_returning_person_receives_only_the_email_of_their_request(
    client, office, django_capture_on_commit_callbacks
):
    """ "A returning person receives, within a minute of their request, a second email that
    reads like a security alert about their own booking": the "was this booking yours?"
    email to the address on the number's record. Now each request sends its own email."""
    with django_capture_on_commit_callbacks(execute=True):
        assert api_book(client, jst(2026, 12, 1, 9, 30), REAL).status_code == 201
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = api_book(client, jst(2026, 12, 8, 9, 30), REAL)  # the same number and address
    assert again.status_code == 201
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["real@example.jp"]
    assert again.json()["reference"] in mail.outbox[0].subject
    for alert in ("ご自身のもの", "本人確認", "身に覚え", "/records/link/"):
        assert alert not in mail.outbox[0].subject + mail.outbox[0].body


def test_a_typed_number_creates_owns_and_joins_no_record(
    client, office, django_capture_on_commit_callbacks
):
    squatters, real = _squatter_then_real_person(client, django_capture_on_commit_callbacks)
    assert squatters.applicant_id != real.applicant_id
    assert not Applicant.objects.filter(job_seeker_number=NUMBER).exists()
    assert not Applicant.objects.filter(identity_key__startswith="jsn:").exists()
    # The number each typed is kept on their own booking, for a counselor to check.
    assert squatters.job_seeker_number == real.job_seeker_number == NUMBER
    assert list(squatters.applicant.bookings.all()) == [squatters]
    assert list(real.applicant.bookings.all()) == [real]


def test_nothing_is_pulled_into_the_squatters_record(
    client, office, django_capture_on_commit_callbacks
):
    squatters, real = _squatter_then_real_person(client, django_capture_on_commit_callbacks)
    links = [
        line
        for m in mail.outbox
        for line in m.body.splitlines()
        if "/records/link/" in line and "squatter@evil.example" in m.to
    ]
    for line in links:  # a link the squatter was sent, if any, followed as they would
        path = line.strip().replace("http://127.0.0.1:8000", "")
        client.post(path)
    real.refresh_from_db()
    assert real.applicant_id != squatters.applicant_id
    assert client.post("/records/link/any-token/").status_code == 404


def _next_session_page(client, booking):
    client.force_login(staff(booking.office, COUNSELORS, "counselor"))
    url = reverse("admin:bookings_booking_phone")
    return client.get(f"{url}?office={booking.office.slug}&applicant={booking.applicant_id}")


def test_book_the_next_session_never_prefills_what_a_public_booker_typed(
    client, office, django_capture_on_commit_callbacks
):
    _squatters, real = _squatter_then_real_person(client, django_capture_on_commit_callbacks)
    for line in (  # the old "was it you?" link, if the squatter got one
        line
        for m in mail.outbox
        if "squatter@evil.example" in m.to
        for line in m.body.splitlines()
        if "/records/link/" in line
    ):
        client.post(line.strip().replace("http://127.0.0.1:8000", ""))
    real.refresh_from_db()
    page = _next_session_page(client, real)
    assert page.status_code == 200
    html = page.content.decode()
    for typed in ("squatter@evil.example", "なりすまし", "08099990000"):
        assert typed not in html
    # Nor what the real person typed: nobody at the office has checked it yet.
    assert "real@example.jp" not in html and "本人 花子" not in html


def _no_shows(client, capture, data, days):
    counselor = staff(Office.objects.get(), COUNSELORS, "counselor")
    for day in days:
        assert api_book(client, jst(2026, 12, day, 9, 30), data).status_code == 201
    for booking in Booking.objects.filter(email=data["email"]):
        booking_confirm(booking=email_checked(booking), by=counselor, now=NOW)
    with capture(execute=True):
        bookings_mark_no_shows(now=jst(2026, 12, max(days) + 1, 9, 0))


def test_the_real_person_is_not_refused_once_the_squatters_record_is_barred(
    client, office, django_capture_on_commit_callbacks
):
    Office.objects.update(no_show_bar_threshold=1)
    _no_shows(client, django_capture_on_commit_callbacks, SQUATTER, [1])
    barred = Booking.objects.filter(email="squatter@evil.example").first().applicant
    barred.refresh_from_db()
    assert barred.is_barred
    for hour, email in ((9, "real@example.jp"), (10, "another@example.jp")):
        response = api_book(client, jst(2026, 12, 8, hour, 30), REAL | {"email": email})
        assert response.status_code == 201, response.json()
    # The squatter, with their own address, is refused (their bar is their own).
    refused = api_book(client, jst(2026, 12, 8, 11, 30), SQUATTER)
    assert refused.status_code == 409 and refused.json()["code"] == "not_available_online"
