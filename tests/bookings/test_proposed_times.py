"""
Issue 27: a time a counselor proposes waits for the person: staff cannot confirm it (nor a
time the person turned down), it lapses at the office's deadline, and the page proposing
it lists the times by day. Split from test_counselor_day.py (issue 22).
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from bookings.exceptions import NotAllowedNow
from bookings.models import Booking, BookingStatus
from bookings.services import public
from bookings.services.holds import requests_lapse_undecided
from bookings.services.staff import booking_confirm, booking_propose_time
from bookings.state import Reason
from offices.models import Office
from tests.bookings.staff_day_helpers import act, block_of, confirm_from_email
from tests.factories import office_with
from tests.helpers import NOW, book, jst, person, service

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)  # Thursday at Kawagoe (below): counselor approval
SCHEDULE = "/admin/bookings/booking/schedule/"
LIST = "/admin/bookings/booking/"


@pytest.fixture
def kawagoe(db):
    """An office like ハローワーク川越: two counselors who answer each request (staff
    approval); the time to answer a proposal is the model's default (48 hours)."""
    return office_with(slug="kawagoe", confirmation_mode="staff_approval", counselors=2)


def requested(start=THU, *, now=NOW, **data):
    """A public request at Kawagoe, sent from its email."""
    booking = book(service("kawagoe"), start, now=now, data=person(**data)).booking
    confirm_from_email(booking, now)
    return Booking.objects.get(pk=booking.pk)


# Major 6: a proposal waits for the person, cannot be confirmed by staff, and lapses at the
# office's deadline.


def test_a_proposed_time_waits_for_the_person_and_lapses_at_the_offices_deadline(
    staff_client, counselor, kawagoe, frozen, django_capture_on_commit_callbacks
):
    assert kawagoe.proposal_answer_hours == 48  # the default
    kawagoe.proposal_answer_hours = 24
    kawagoe.save(update_fields=["proposal_answer_hours"])
    booking = requested()
    later = jst(2026, 11, 27, 10, 0)
    booking_propose_time(booking=booking, by=counselor, start=later, now=NOW)
    booking.refresh_from_db()
    assert booking.decide_by == NOW + timedelta(hours=24)

    page = staff_client.get(SCHEDULE, {"date": "2026-11-27"}).content.decode()
    block = block_of(page, booking)
    assert "本人の承諾待ち" in block and 'value="confirm"' not in block
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _, messages = act(staff_client, booking, "confirm")
    assert "本人" in messages[-1] and booking.status == BookingStatus.REQUESTED
    assert mail.outbox == []
    with pytest.raises(NotAllowedNow, match=r"only they can confirm|本人だけ"):
        booking_confirm(booking=booking, by=counselor, now=NOW)

    assert requests_lapse_undecided(now=NOW + timedelta(hours=23)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert requests_lapse_undecided(now=NOW + timedelta(hours=24)) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED
    assert booking.events.latest("pk").reason_code == Reason.PROPOSAL_LAPSED
    assert "提案した日時" in mail.outbox[-1].body


def test_a_time_the_person_turned_down_cannot_be_confirmed_by_staff(
    staff_client, counselor, frozen, django_capture_on_commit_callbacks
):
    booking = requested()
    later = jst(2026, 11, 27, 10, 0)
    booking_propose_time(booking=booking, by=counselor, start=later, now=NOW)
    public.booking_refuse_proposal(booking=booking, now=NOW + timedelta(minutes=5))
    booking.refresh_from_db()
    assert booking.start == later and booking.proposed_at is None  # held, back with staff
    page = staff_client.get(SCHEDULE, {"date": "2026-11-27"}).content.decode()
    assert "本人が断りました" in (block := block_of(page, booking)) and "confirm" not in block
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _, messages = act(staff_client, booking, "confirm")
        response = staff_client.post(
            LIST, {"action": "confirm_requests", "_selected_action": [booking.pk]}, follow=True
        )
    assert "本人が断った" in messages[-1] and booking.status == BookingStatus.REQUESTED
    assert any("本人が断った" in str(m) for m in response.context["messages"])
    assert not any("確定" in m.subject for m in mail.outbox)
    # Another proposal is the way forward, and the person can accept that one.
    booking_propose_time(booking=booking, by=counselor, start=jst(2026, 11, 27, 11, 0), now=NOW)
    public.booking_accept_proposal(booking=booking, now=NOW + timedelta(minutes=10))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_proposal_cannot_be_accepted_after_its_deadline(counselor, frozen):
    booking = requested()
    booking_propose_time(booking=booking, by=counselor, start=jst(2026, 11, 27, 10, 0), now=NOW)
    booking.refresh_from_db()
    with pytest.raises(NotAllowedNow, match=r"予約できる期限|time to accept"):
        public.booking_accept_proposal(booking=booking, now=NOW + timedelta(hours=49))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


def test_the_proposal_deadline_is_an_office_setting_with_bounds():
    field = Office._meta.get_field("proposal_answer_hours")
    assert field.default == 48
    field.run_validators(1)
    with pytest.raises(ValidationError):
        field.run_validators(0)


def test_proposing_lists_the_times_by_day_with_the_persons_name_and_returns_to_the_day(
    staff_client, counselor, frozen
):
    booking = requested(name="提案 花子")
    url = reverse("admin:bookings_booking_propose", args=[booking.pk])
    page = staff_client.get(url, {"back": "2026-11-26"}).content.decode()
    assert "提案 花子" in page
    assert page.count("<legend>") >= 2 and "2026年11月27日(金)" in page
    response = staff_client.post(
        url, {"start": jst(2026, 11, 27, 10, 0).isoformat(), "back": "2026-11-26"}
    )
    assert response.status_code == 302 and "date=2026-11-26" in response["Location"]
