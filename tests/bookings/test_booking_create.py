"""booking_create: the one path of every channel, with its rules and its guarantees."""

import uuid
from datetime import time, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import override_settings

from bookings.exceptions import (
    ApplicantBarred,
    BookingInvalid,
    BookingLimitReached,
    IdempotencyConflict,
    NotAllowedNow,
    RateLimited,
    ServiceClosed,
    SlotTaken,
)
from bookings.models import Applicant, Booking, BookingEvent, BookingStatus
from bookings.selectors.bookings import booking_get_by_token
from bookings.services.public import booking_cancel_by_applicant
from bookings.services.staff import booking_confirm
from bookings.tokens import MANAGE
from notifications.models import Notification
from offices.models import Counselor, Office, User
from offices.roles import COUNSELORS
from terms.exceptions import TermsOutdated
from terms.models import TermsVersion
from tests.factories import OpeningHoursFactory, TermsVersionFactory, UserFactory, office_with
from tests.helpers import NOW, book, email_checked, jst, link_token, person, service

pytestmark = pytest.mark.django_db

THU_930 = jst(2026, 11, 26, 9, 30)
TOYOOKA_TUE = jst(2026, 11, 24, 9, 30)


def _afternoons(office, start: time, end: time) -> None:
    for weekday in range(5):
        OpeningHoursFactory(service=office.services.get(), weekday=weekday, start=start, end=end)


@pytest.fixture
def kawagoe(db):
    """ハローワーク川越 as the test builds it: two counselors (in the Counselors group, with
    email addresses) who answer each request (staff approval), bookings two business days ahead, open weekdays
    9:30-12:00 and 13:00-16:00, online cancellation until the day before; its terms of
    2021-03-25 replaced by those of 2023-07-14."""
    office = office_with(
        slug="kawagoe", name="ハローワーク川越", name_en="Hello Work Kawagoe",
        confirmation_mode="staff_approval", counselors=2,
        lead_time_days=2, lead_time_unit="business_days",
        online_cancel_allowed=True, online_cancel_days_before=1, terms=False,
    )  # fmt: skip
    _afternoons(office, time(13), time(16))
    for n, each in enumerate(office.counselors.order_by("pk"), start=1):  # told of requests
        User.objects.filter(pk=each.user_id).update(email=f"kawagoe-counselor-{n}@example.invalid")
        each.user.groups.add(Group.objects.get(name=COUNSELORS))
    TermsVersionFactory(office=office, version="2021-03-25", effective_from=jst(2021, 3, 25))
    TermsVersionFactory(office=office, version="2023-07-14", effective_from=jst(2023, 7, 14))
    return office


@pytest.fixture
def toyooka(db):
    """ハローワーク豊岡 as the test builds it: staff approval, no cancellation online, open
    weekdays 9:30-11:00 and 14:00-16:00, two counselors."""
    office = office_with(
        slug="toyooka", name="ハローワーク豊岡", confirmation_mode="staff_approval",
        online_cancel_allowed=False, counselors=2, hours=(time(9, 30), time(11)),
    )  # fmt: skip
    _afternoons(office, time(14), time(16))
    return office


def test_staff_approval_office_holds_the_time_as_a_request(
    kawagoe, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = book(service("kawagoe"), THU_930)
    booking = created.booking
    assert booking.status == BookingStatus.REQUESTED
    assert (booking.start, booking.end) == (THU_930, THU_930 + timedelta(minutes=30))
    assert booking.consent.terms_version.version == "2023-07-14"
    event = booking.events.get()
    assert (event.from_status, event.to_status, event.actor_label) == ("", "requested", "applicant")
    to_person = [m for m in mail.outbox if m.to == ["taro@example.jp"]]
    assert len(to_person) == 1 and booking.reference in to_person[0].subject
    assert mail.outbox == to_person  # counselors hear of it once the person confirmed it
    with django_capture_on_commit_callbacks(execute=True):
        email_checked(booking)
    # Each of the office's counselors hears of the request; the email names no person.
    to_staff = sorted(m.to[0] for m in mail.outbox if m.to != ["taro@example.jp"])
    assert to_staff == [
        "kawagoe-counselor-1@example.invalid",
        "kawagoe-counselor-2@example.invalid",
    ]
    assert "山田" not in mail.outbox[1].body and "/admin/bookings/booking/" in mail.outbox[1].body


def test_instant_office_confirms_at_once(toyooka):
    svc = service("toyooka")  # a staff-approval office's service that confirms at once
    svc.confirmation_mode = "instant"
    svc.save()
    assert book(svc, TOYOOKA_TUE).booking.status == BookingStatus.CONFIRMED


def test_phone_booking_by_a_counselor_is_confirmed_and_records_the_stated_consent(kawagoe):
    svc = service("kawagoe")
    counselor = Counselor.objects.filter(office=svc.office).first().user
    booking = book(svc, THU_930, channel="phone", created_by=counselor).booking
    assert booking.status == BookingStatus.CONFIRMED
    assert (booking.consent.channel, booking.consent.recorded_by) == ("phone", counselor)


def test_field_errors_say_how_to_fix_them(kawagoe):
    with pytest.raises(BookingInvalid) as invalid:
        book(
            service("kawagoe"),
            THU_930,
            data=person(name="", job_seeker_number="1234-56", email="not-an-email", phone="12345"),
            agree_terms=False,
        )
    errors = invalid.value.errors
    assert set(errors) == {"name", "job_seeker_number", "email", "phone", "agree_terms"}
    assert "12345-1234567" in errors["job_seeker_number"][0]
    assert not Booking.objects.exists() and not Applicant.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("１２３４５ー１２３４５６７", "12345-1234567"),
        ("12345‐678", "12345-678"),
        (" 12345－1 ", "12345-1"),
    ],
)
def test_job_seeker_numbers_are_normalized_from_any_width_and_dash(kawagoe, typed, stored):
    booking = book(service("kawagoe"), THU_930, data=person(job_seeker_number=typed)).booking
    assert booking.job_seeker_number == stored


def test_phone_numbers_are_normalized(kawagoe):
    booking = book(service("kawagoe"), THU_930, data=person(phone="+81 90 (1234) 5678")).booking
    assert booking.phone == "09012345678"


def test_a_taken_time_is_refused_with_alternatives(kawagoe):
    svc = service("kawagoe")
    for n in range(2):
        book(svc, THU_930, data=person(email=f"{n}@example.jp", job_seeker_number=f"5555{n}-1"))
    with pytest.raises(SlotTaken) as taken:
        book(svc, THU_930)
    alternatives = [a.start for a in taken.value.alternatives]
    assert THU_930 not in alternatives and jst(2026, 11, 26, 10, 0) in alternatives


@pytest.mark.parametrize(
    "start",
    [
        jst(2026, 11, 25, 9, 30),
        jst(2026, 11, 26, 9, 45),
        jst(2026, 11, 28, 9, 30),
        jst(2026, 11, 26, 12, 0),
    ],
    ids=["inside-lead-time", "off-grid", "saturday", "lunch-break"],
)
def test_a_time_that_is_not_offered_cannot_be_booked(kawagoe, start):
    with pytest.raises(SlotTaken):
        book(service("kawagoe"), start)


def test_a_stale_terms_version_is_refused_with_the_current_id(kawagoe):
    svc = service("kawagoe")
    old = TermsVersion.objects.get(office=svc.office, version="2021-03-25")
    with pytest.raises(TermsOutdated) as outdated:
        book(svc, THU_930, terms_version_id=old.pk)
    assert outdated.value.current_version_id != old.pk
    assert not Booking.objects.exists()


def test_the_same_idempotency_key_makes_one_booking(kawagoe):
    svc = service("kawagoe")
    first = book(svc, THU_930, idempotency_key="abc")
    again = book(svc, THU_930, idempotency_key="abc")
    assert again.replayed and again.booking == first.booking
    # A replay gets a link of its own (tokens are never kept); both open the booking.
    for created in (first, again):
        assert booking_get_by_token(token=created.manage_token, purpose=MANAGE) == first.booking
    assert Booking.objects.count() == 1


def test_an_idempotency_key_reused_for_another_booking_is_refused(kawagoe):
    svc = service("kawagoe")
    book(svc, THU_930, idempotency_key="abc")
    with pytest.raises(IdempotencyConflict):
        book(svc, jst(2026, 11, 26, 10, 0), idempotency_key="abc")


def test_a_barred_person_is_refused_online_with_the_phone_number(db):
    # An office whose refusal gives its number, open from 8:30 as Sasebo's weekday service.
    svc = office_with(phone="0956-88-2003", hours=(time(8, 30), time(16, 45))).services.get()
    Applicant.objects.create(
        office=svc.office, kind="job_seeker", identity_key="web:taro@example.jp", name="x",
        source="online", barred_at=NOW,
    )  # fmt: skip
    with pytest.raises(ApplicantBarred, match="0956-88-2003"):
        book(svc, jst(2026, 11, 24, 9, 0))


def test_an_address_may_hold_two_upcoming_bookings_per_office(kawagoe):
    """Counted where the address was shown to be the person's: here a booking made from a
    link emailed to it (an open request's, a waitlist offer's). A hold is told when its
    email link is opened (tests/security/test_no_oracles.py); a service that checks no
    address tells it in the booking's email (test_instant_service_tells_the_address_...)."""
    Office.objects.filter(slug="kawagoe").update(confirmation_mode="instant")
    svc = service("kawagoe")
    other = person(email="other@example.jp", job_seeker_number="54321-1")
    book(svc, THU_930, data=other, email_verified=True)
    # Another address's booking at the same time does not count toward this one's cap.
    book(svc, THU_930 + timedelta(minutes=30), data=person(job_seeker_number="54321-2"),
         email_verified=True)  # fmt: skip
    book(svc, jst(2026, 11, 27, 10, 0), data=other, email_verified=True)
    with pytest.raises(BookingLimitReached) as refused:  # the same address, another number
        book(
            svc,
            jst(2026, 11, 27, 10, 30),
            data={**other, "email": "OTHER@example.jp", "job_seeker_number": "54321-9"},
            email_verified=True,
        )
    assert "2" in str(refused.value.message)  # the most allowed, not how many anyone holds


def test_the_returning_person_gets_their_previous_counselor(kawagoe):
    svc = service("kawagoe")
    friday = jst(2026, 11, 27, 9, 30)
    first = book(svc, THU_930).booking
    busy = book(svc, friday, data=person(email="x@example.jp", job_seeker_number="99999-1")).booking
    assert busy.counselor == first.counselor  # both free and idle: the first by id

    # On Friday that counselor is now the busier one; the returning person (online, from
    # the same address: the record of their open bookings) still gets them.
    again = book(svc, friday + timedelta(minutes=30)).booking
    newcomer = book(
        svc,
        friday + timedelta(minutes=60),
        data=person(email="n@example.jp", job_seeker_number="88888-1"),
    ).booking
    assert again.counselor == first.counselor
    assert newcomer.counselor != first.counselor  # the least busy one


def test_web_bookings_are_refused_where_the_service_takes_phone_only(kawagoe):
    svc = service("kawagoe")
    svc.accepts_web = False
    svc.save()
    with pytest.raises(ServiceClosed):
        book(svc, THU_930)


@override_settings(RATE_LIMIT_BOOKING="2/m")
def test_booking_attempts_are_rate_limited_by_ip(toyooka):
    svc = service("toyooka")
    for n in range(2):
        book(svc, TOYOOKA_TUE + timedelta(minutes=30 * n), ip_address="203.0.113.9",
             data=person(email=f"{n}@example.jp", job_seeker_number=f"7777{n}-1"))  # fmt: skip
    with pytest.raises(RateLimited) as limited:
        book(
            svc,
            TOYOOKA_TUE + timedelta(hours=5),
            ip_address="203.0.113.9",
            data=person(job_seeker_number="66666-1"),
        )
    assert limited.value.retry_after > 0
    book(
        svc,
        TOYOOKA_TUE + timedelta(hours=5),
        ip_address="198.51.100.1",
        data=person(job_seeker_number="66666-1"),
    )


@override_settings(RATE_LIMIT_BOOKING="1/m")
def test_no_rate_limit_is_keyed_by_a_job_seeker_number(toyooka):
    """Issue 23 (lockout by number): anyone can type a number, so it keys no limit."""
    svc = service("toyooka")
    book(svc, TOYOOKA_TUE, ip_address="203.0.113.1")
    with pytest.raises(RateLimited):  # the same address is slowed down
        book(svc, TOYOOKA_TUE + timedelta(minutes=30), ip_address="203.0.113.1")
    other = book(svc, TOYOOKA_TUE + timedelta(minutes=30), ip_address="203.0.113.2")
    assert other.booking.job_seeker_number == "12345-1234567"


def test_cancel_online_until_the_day_before_then_by_phone_only(kawagoe):
    svc = service("kawagoe")
    booking = book(svc, THU_930).booking
    with pytest.raises(NotAllowedNow, match=r"電話|phone"):
        booking_cancel_by_applicant(booking=booking, now=jst(2026, 11, 26, 0, 0))
    booking_cancel_by_applicant(booking=booking, now=jst(2026, 11, 25, 23, 59))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert book(svc, THU_930, now=jst(2026, 11, 22, 12)).booking.status == BookingStatus.REQUESTED


def test_phone_only_offices_refuse_online_cancellation(toyooka):
    booking = book(service("toyooka"), TOYOOKA_TUE).booking
    with pytest.raises(NotAllowedNow):
        booking_cancel_by_applicant(booking=booking, now=NOW)


def test_a_counselor_confirms_a_request_and_another_office_cannot(kawagoe, toyooka):
    booking = book(service("kawagoe"), THU_930).booking
    with pytest.raises(NotAllowedNow):
        booking_confirm(booking=email_checked(booking), by=UserFactory(office=toyooka), now=NOW)
    kawagoe_staff = UserFactory(office=kawagoe)
    booking_confirm(booking=email_checked(booking), by=kawagoe_staff, now=NOW)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert BookingEvent.objects.filter(
        booking=booking, actor=kawagoe_staff, to_status="confirmed"
    ).exists()


def test_every_email_is_queued_once_in_the_outbox(kawagoe, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = book(service("kawagoe"), THU_930, idempotency_key=str(uuid.uuid4()))
        book(service("kawagoe"), THU_930, idempotency_key=created.booking.idempotency_key)
    to_person = Notification.objects.get(kind="booking_created")
    assert to_person.status == Notification.Status.SENT
    # Counselors are told once the person confirmed the request from the email (issue 27).
    assert Notification.objects.filter(kind="staff_request_waiting").count() == 0
    assert len(mail.outbox) == 1
    emailed = link_token(mail.outbox[0].body)
    assert booking_get_by_token(token=emailed, purpose=MANAGE) == created.booking
