"""
The booking's page in the admin: a number typed online shown as not checked, and linking the
booking to the office's record of the person (an existing one, or one made from the booking)
with a reason, recorded as an event; then "Book the next session" and invitations use that
record's contact (issue 23).
"""

import json

import pytest
from django.urls import reverse

from bookings.models import Applicant, ApplicantSource, Booking, BookingEvent
from bookings.state import Reason
from invitations.models import Invitation
from offices.models import Office
from offices.roles import COUNSELORS
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, jst, person, staff

pytestmark = pytest.mark.django_db

TYPED = person(name="ウェブ 予約", email="web@example.jp", phone="080-2222-3333")


@pytest.fixture
def office(db):
    office = office_with(confirmation_mode="staff_approval", counselors=2)
    office.services.update(accepts_invitations=True)
    return office


@pytest.fixture
def online_booking(client, office):
    terms = terms_in_force(office=office, at=NOW)
    body = {"start": jst(2026, 12, 1, 9, 30).isoformat(), **TYPED,
            "terms_version": terms.pk, "agree_terms": True}  # fmt: skip
    response = client.post(
        f"/api/v1/offices/{office.slug}/bookings", json.dumps(body),
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201
    return Booking.objects.get(email="web@example.jp")


@pytest.fixture
def counselor(client, office):
    client.force_login(staff(office, COUNSELORS, "counselor"))
    return client


def office_record(**overrides):
    data = {"office": Office.objects.get(), "kind": "job_seeker",
            "identity_key": "jsn:12345-1234567", "name": "本人 確認済",
            "job_seeker_number": "12345-1234567", "email": "checked@example.jp",
            "phone": "09055556666"} | overrides  # fmt: skip
    return Applicant.objects.create(**data)


def link_url(booking):
    return reverse("admin:bookings_booking_record", args=[booking.pk])


def test_the_booking_page_shows_a_number_typed_online_as_not_checked(counselor, online_booking):
    page = counselor.get(reverse("admin:bookings_booking_change", args=[online_booking.pk]))
    html = page.content.decode()
    assert "12345-1234567" in html and "オンラインで入力：未確認" in html
    assert link_url(online_booking) in html and "オンライン予約" in html


def test_a_counselor_links_the_booking_to_the_offices_record_with_a_reason(
    counselor, online_booking
):
    record = office_record()
    page = counselor.get(link_url(online_booking))
    assert page.status_code == 200 and "本人 確認済" in page.content.decode()  # by the number
    response = counselor.post(
        link_url(online_booking), {"record": str(record.pk), "reason": "電話で本人確認した"}
    )
    assert response.status_code == 302
    online_booking.refresh_from_db()
    assert online_booking.applicant == record
    event = BookingEvent.objects.get(booking=online_booking, reason_code=Reason.LINKED_BY_STAFF)
    assert event.reason == "電話で本人確認した" and event.reason_params == {"person_id": record.pk}
    assert event.actor.username == "counselor"
    history = counselor.get(response["Location"]).content.decode()
    assert f"本人の記録（番号{record.pk}）" in history  # the event, translated


def test_a_record_is_made_from_the_booking_then_book_the_next_session_prefills_it(
    counselor, online_booking
):
    office = online_booking.office
    phone = reverse("admin:bookings_booking_phone") + f"?office={office.slug}&applicant="
    before = counselor.get(phone + str(online_booking.applicant_id)).content.decode()
    assert "web@example.jp" not in before and "未確認" in before  # nothing typed is offered
    response = counselor.post(
        link_url(online_booking), {"record": "new", "reason": "面談で確認した"}
    )
    assert response.status_code == 302
    online_booking.refresh_from_db()
    record = online_booking.applicant
    assert record.source == ApplicantSource.OFFICE and record.identity_key == "jsn:12345-1234567"
    assert (record.name, record.email) == ("ウェブ 予約", "web@example.jp")
    assert BookingEvent.objects.filter(booking=online_booking, reason_code=Reason.RECORD_MADE)
    after = counselor.get(phone + str(record.pk)).content.decode()
    assert "web@example.jp" in after and "08022223333" in after


def test_linking_by_the_number_on_record_and_refusals_say_what_to_do(counselor, online_booking):
    record = office_record(identity_key="jsn:99999-1111111", job_seeker_number="99999-1111111",
                           email="", phone="")  # fmt: skip
    no_reason = counselor.post(link_url(online_booking), {"record": "new", "reason": " "})
    assert no_reason.status_code == 400 and "確認" in no_reason.content.decode()
    unknown = counselor.post(link_url(online_booking),
                             {"record": "number", "number": "88888-1", "reason": "電話"})  # fmt: skip
    assert unknown.status_code == 400 and "記録は事業所にありません" in unknown.content.decode()
    office_record()  # the typed number's record exists: "new" is refused
    exists = counselor.post(link_url(online_booking), {"record": "new", "reason": "電話"})
    assert exists.status_code == 400 and "すでに" in exists.content.decode()
    online_booking.refresh_from_db()
    assert not online_booking.applicant.is_checked  # nothing moved
    by_number = counselor.post(link_url(online_booking),
                               {"record": "number", "number": "９９９９９ー１１１１１１１",
                                "reason": "電話で確認"})  # fmt: skip
    assert by_number.status_code == 302
    online_booking.refresh_from_db()
    assert online_booking.applicant == record


def test_a_counselor_of_another_office_cannot_link(client, online_booking):
    client.force_login(staff(office_with(), COUNSELORS, "elsewhere"))
    assert client.get(link_url(online_booking)).status_code == 404
    response = client.post(link_url(online_booking), {"record": "new", "reason": "x"})
    assert response.status_code == 404
    online_booking.refresh_from_db()
    assert not online_booking.applicant.is_checked


def test_an_open_bookings_record_is_not_invited_until_linked(counselor, online_booking):
    online = online_booking.applicant
    response = counselor.post("/admin/invitations/invitation/invite/", {
        "people": str(online.pk), "service": online_booking.service.pk,
        "first_day": "2026-11-24", "last_day": "2026-12-06", "expires_on": "",
        "max_uses": "1", "language": "ja",
    })  # fmt: skip
    assert not Invitation.objects.exists()
    assert "リンク" in response.content.decode() or response.status_code == 200
