"""
Phone bookings in the admin (also "book the next session"): the public form's rules and
the consent stated on the phone, the email left out, and the phone-versus-web race.
"""

import threading

import pytest
from django.db import connection

from bookings.exceptions import SlotTaken
from bookings.models import Booking, BookingChannel, BookingStatus
from bookings.services.create import booking_create
from offices.models import Service
from terms.models import Consent
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, book, counselor_account, jst, person, service

THU = jst(2026, 11, 26, 9, 30)  # Thursday, at the office below


@pytest.fixture
def kawagoe(db):
    """ハローワーク川越 as these tests build it: two counselors who confirm each request
    made online, its one service "counseling" taking phone bookings, open weekdays
    9:30-12:00."""
    office = office_with(
        slug="kawagoe", name="ハローワーク川越", name_en="Hello Work Kawagoe",
        confirmation_mode="staff_approval", counselors=2,
    )  # fmt: skip
    Service.objects.filter(office=office).update(slug="counseling", accepts_phone=True)
    return office


def test_a_phone_booking_goes_through_the_same_rules_and_records_stated_consent(
    staff_client, counselor, frozen
):
    page = staff_client.get("/admin/bookings/booking/phone/")
    assert page.status_code == 200 and "2026年11月26日(木) 9:30〜10:00" in page.content.decode()
    data = {"service": "counseling", "start": THU.isoformat(), "name": "電話 一郎",
            "name_kana": "デンワ イチロウ", "job_seeker_number": "12345-7654321",
            "email": "ichiro@example.jp", "phone": "049-222-0000"}  # fmt: skip
    refused = staff_client.post("/admin/bookings/booking/phone/", data)
    assert refused.status_code == 200 and "チェックを入れてください" in refused.content.decode()
    assert not Booking.objects.exists()
    staff_client.post("/admin/bookings/booking/phone/", {**data, "consent_stated": "on"})
    booking = Booking.objects.get()
    assert (booking.channel, booking.status, booking.created_by) == (
        BookingChannel.PHONE, BookingStatus.CONFIRMED, counselor,
    )  # fmt: skip
    assert booking.consent.channel == Consent.Channel.PHONE
    # The office has two counselors: a second caller gets the same time, a third does not.
    for n, expected in ((2, 2), (3, 2)):
        response = staff_client.post("/admin/bookings/booking/phone/", {
            **data, "consent_stated": "on", "job_seeker_number": f"12345-{n}111111",
            "email": f"caller{n}@example.jp",
        })  # fmt: skip
        assert Booking.objects.count() == expected
    assert "その時間は空いていません" in response.content.decode()


def test_book_the_next_session_prefills_the_person_and_records_the_session_channel(
    staff_client, counselor, frozen
):
    # Booked by phone: the office's record, whose contact a counselor took (issue 23).
    first = book(service("kawagoe"), THU, data=person(), channel="phone", created_by=counselor)
    first = first.booking
    page = staff_client.get("/admin/bookings/booking/phone/", {"applicant": first.applicant_id})
    assert 'value="山田 太郎"' in page.content.decode()
    later = jst(2026, 12, 3, 9, 30)
    staff_client.post("/admin/bookings/booking/phone/", {
        "applicant": first.applicant_id, "service": "counseling", "start": later.isoformat(),
        "name": "山田 太郎", "name_kana": "ヤマダ タロウ", "job_seeker_number": "12345-1234567",
        "email": "taro@example.jp", "phone": "090-1234-5678", "consent_stated": "on",
    })  # fmt: skip
    nxt = Booking.objects.get(start=later)
    assert nxt.channel == BookingChannel.SESSION and nxt.applicant_id == first.applicant_id


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_phone_booking_racing_a_web_booking_for_the_same_time_one_wins():
    # One counselor: one booking fits the time. Online, a request waiting for them.
    office = office_with(counselors=1, confirmation_mode="staff_approval")
    svc = office.services.get()
    counselor = counselor_account(office)
    start = jst(2026, 11, 24, 9, 30)
    terms_id = terms_in_force(office=svc.office, at=NOW).pk
    barrier = threading.Barrier(2)
    outcome = {}

    def attempt(channel: str) -> None:
        try:
            barrier.wait(timeout=10)
            booking_create(
                service=svc, start=start, terms_version_id=terms_id, agree_terms=True,
                channel=channel, created_by=counselor if channel == "phone" else None,
                data=person(email=f"{channel}@example.jp",
                            job_seeker_number="11111-1111111" if channel == "phone" else "22222-2222222"),
                now=NOW,
            )  # fmt: skip
            outcome[channel] = "won"
        except SlotTaken:
            outcome[channel] = "lost"
        except Exception as error:
            outcome[channel] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(c,)) for c in ("web", "phone")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcome.values()) == ["lost", "won"], outcome
    assert Booking.objects.filter(start=start).count() == 1


def test_a_phone_booking_may_leave_out_the_email_and_the_form_marks_each_field(
    staff_client, counselor, frozen, mailoutbox, django_capture_on_commit_callbacks
):
    page = staff_client.get("/admin/bookings/booking/phone/").content.decode()
    assert page.count('class="mark mark-required"') >= 3 and 'class="mark">任意' in page
    assert 'class="phone-form"' in page
    data = {"service": "counseling", "start": THU.isoformat(), "name": "電話 二郎",
            "name_kana": "デンワ ジロウ", "email": "", "phone": "049-222-0001",
            "job_seeker_number": "12345-7654322",
            "consent_stated": "on"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/admin/bookings/booking/phone/", data, follow=True)
    booking = Booking.objects.get()
    assert booking.email == "" and booking.status == BookingStatus.CONFIRMED
    assert "電話か郵便で" in response.content.decode()
    assert not [m for m in mailoutbox if not m.to or m.to == [""]]
    # The public form still requires the email.
    from bookings.validation import validate_applicant
    from offices.rules import rules_for_service

    svc = service("kawagoe")
    _cleaned, errors = validate_applicant(
        {"name": "x", "phone": "049-222-0001"}, office=svc.office,
        rules=rules_for_service(svc, svc.office),
    )  # fmt: skip
    assert "email" in errors
