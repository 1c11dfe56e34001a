"""
Changing the time (予約の変更): the person moves their booking to another free time of the
same service while the office's rules allow; the old time is freed in the same step, the
meeting is moved (never issued again), one email carries the new time and the updated
.ics; at offices whose counselors confirm, a confirmed booking's change waits for them.
"""

import pytest
from django.urls import reverse

from bookings.exceptions import BookingInvalid, NotAllowedNow, SlotTaken
from bookings.models import BookingChange, BookingStatus
from bookings.selectors.availability import slot_list_available
from bookings.services import reschedule, transitions
from bookings.services.reschedule import (
    booking_change_confirm,
    booking_change_decline,
    booking_reschedule_by_applicant,
)
from bookings.services.staff import booking_confirm
from bookings.state import Reason
from common import clock
from notifications.models import Notification
from offices.models import Counselor, Office, Service, User
from tests.factories import office_with
from tests.helpers import (
    book,
    counselor_account,
    delivered,
    email_checked,
    jst,
    manage_token,
    person,
    service,
)  # fmt: skip

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)  # Thursday, at the office below
LATER = jst(2026, 11, 26, 10, 30)


@pytest.fixture
def kawagoe(db):
    """ハローワーク川越 as these tests build it: two counselors (with email addresses) who
    confirm each request, on the platform TeleOffice, online cancellation (and changes)
    until the day before, at most two changes online, open weekdays 9:30-12:00."""
    office = office_with(
        slug="kawagoe", name="ハローワーク川越", name_en="Hello Work Kawagoe",
        platform="teleoffice", phone="049-242-0197", confirmation_mode="staff_approval",
        counselors=2, online_cancel_allowed=True, online_cancel_days_before=1,
        reschedule_limit=2,
    )  # fmt: skip
    for n, each in enumerate(office.counselors.order_by("pk")):
        User.objects.filter(pk=each.user_id).update(email=f"counselor{n}@example.invalid")
    return office


@pytest.fixture
def tasks(monkeypatch):
    """The background work the services hand over after commit, by task name."""
    queued = []

    def spy(task_name, *args, what):
        queued.append(task_name)

    monkeypatch.setattr(reschedule, "enqueue_after_commit", spy)
    monkeypatch.setattr(transitions, "enqueue_after_commit", spy)
    return queued


@pytest.fixture
def instant(kawagoe):
    Office.objects.filter(pk=kawagoe.pk).update(confirmation_mode="instant")
    return service("kawagoe")


def manage_url(booking) -> str:
    return reverse("booking-manage", args=[manage_token(booking)])


def change_url(booking) -> str:
    return reverse("booking-change", args=[manage_token(booking)])


def starts(svc, day=THU) -> set:
    return {s.start for s in slot_list_available(service=svc, first_day=day.date(),
                                                 last_day=day.date(), now=clock.now())}  # fmt: skip


def test_a_booking_moves_to_a_free_time_and_its_old_time_is_freed(instant, tasks):
    booking = book(instant, THU).booking
    assert booking.status == BookingStatus.CONFIRMED
    before = Notification.objects.count()
    tasks.clear()
    result = booking_reschedule_by_applicant(booking=booking, start=LATER, now=clock.now())
    booking.refresh_from_db()
    assert result.change is None
    assert (booking.start, booking.status) == (LATER, BookingStatus.CONFIRMED)
    assert (booking.sequence, booking.reschedule_count) == (1, 1)
    assert THU in starts(instant)
    event = booking.events.latest("pk")
    assert (event.actor_label, event.reason_code) == ("applicant", Reason.MOVED)
    assert "2026年11月26日(木) 9:30" in event.describe()
    assert tasks == ["bookings.tasks.update_meeting"]  # moved, never issued again
    assert Notification.objects.count() == before + 1


def test_the_one_email_has_the_new_time_and_an_ics_with_the_same_uid_and_higher_sequence(
    instant, tasks
):
    from bookings.emails.ics import booking_ics

    booking = book(instant, THU).booking
    first = booking_ics(booking, manage_url="")
    booking_reschedule_by_applicant(booking=booking, start=LATER, now=clock.now())
    email = delivered(
        Notification.objects.get(dedupe_key__startswith=f"booking:{booking.pk}:rescheduled:1:")
    )
    assert email.recipient == "taro@example.jp"
    assert "2026年11月26日(木) 10:30〜11:00" in email.body_text
    assert email.attachment_name == "booking.ics"
    uid = next(line for line in first.splitlines() if line.startswith("UID"))
    assert uid in email.attachment_content
    assert "SEQUENCE:0" in first and "SEQUENCE:1" in email.attachment_content
    assert "20261126T103000" in email.attachment_content.replace("\r\n ", "")


def test_the_meeting_keeps_its_link_when_the_booking_moves(instant, settings):
    from bookings.services.meetings import meeting_issue, meeting_update
    from conferencing.models import OnlineMeeting

    booking = book(instant, THU).booking
    meeting = meeting_issue(booking_id=booking.pk, now=clock.now())
    booking_reschedule_by_applicant(booking=booking, start=LATER, now=clock.now())
    meeting_update(booking_id=booking.pk)
    assert OnlineMeeting.objects.get().join_url == meeting.join_url
    assert Notification.objects.filter(kind="meeting_issued").count() == 1


def test_a_time_taken_meanwhile_is_refused_with_other_times_and_nothing_changes(instant):
    Counselor.objects.filter(office=instant.office).exclude(
        pk=Counselor.objects.filter(office=instant.office).order_by("pk").first().pk
    ).update(is_active=False)
    booking = book(instant, THU).booking
    book(instant, LATER, data=person(email="other@example.jp", job_seeker_number="99999-1"))
    with pytest.raises(SlotTaken) as taken:
        booking_reschedule_by_applicant(booking=booking, start=LATER, now=clock.now())
    assert taken.value.alternatives
    booking.refresh_from_db()
    assert (booking.start, booking.sequence, booking.reschedule_count) == (THU, 0, 0)


def test_the_same_time_or_no_time_is_not_a_change(instant):
    booking = book(instant, THU).booking
    with pytest.raises(BookingInvalid):
        booking_reschedule_by_applicant(booking=booking, start=THU, now=clock.now())
    with pytest.raises(BookingInvalid):
        booking_reschedule_by_applicant(booking=booking, start=None, now=clock.now())


def test_after_the_online_cancellation_deadline_only_the_phone_remains(instant, frozen):
    booking = book(instant, THU).booking
    frozen.move_to(jst(2026, 11, 26, 0, 0))
    with pytest.raises(NotAllowedNow) as refused:
        booking_reschedule_by_applicant(booking=booking, start=LATER, now=clock.now())
    assert "049-242-0197" in refused.value.message


def test_an_office_without_online_cancellation_takes_changes_by_phone():
    svc = office_with(
        online_cancel_allowed=False, confirmation_mode="staff_approval"
    ).services.get()
    booking = book(svc, jst(2026, 11, 24, 9, 30)).booking
    with pytest.raises(NotAllowedNow, match="電話"):
        booking_reschedule_by_applicant(
            booking=booking, start=jst(2026, 11, 24, 10, 30), now=clock.now()
        )


def test_the_office_limits_how_often_a_booking_moves_and_a_service_may_say_otherwise(instant):
    Office.objects.filter(slug="kawagoe").update(reschedule_limit=1)
    booking = book(instant, THU).booking
    booking_reschedule_by_applicant(booking=booking, start=LATER, now=clock.now())
    with pytest.raises(NotAllowedNow, match="すでに1回変更"):
        booking_reschedule_by_applicant(booking=booking, start=THU, now=clock.now())
    Service.objects.filter(pk=instant.pk).update(reschedule_limit=3)
    booking_reschedule_by_applicant(booking=booking, start=THU, now=clock.now())
    Service.objects.filter(pk=instant.pk).update(reschedule_limit=0)
    with pytest.raises(NotAllowedNow, match="電話"):
        booking_reschedule_by_applicant(booking=booking, start=LATER, now=clock.now())


def test_a_cancelled_booking_cannot_move(instant):
    from bookings.services.public import booking_cancel_by_applicant

    booking = book(instant, THU).booking
    booking_cancel_by_applicant(booking=booking, now=clock.now())
    with pytest.raises(NotAllowedNow, match="有効ではない"):
        booking_reschedule_by_applicant(booking=booking, start=LATER, now=clock.now())


def test_a_request_still_waiting_for_a_counselor_moves_at_once(kawagoe, tasks):
    booking = book(service("kawagoe"), THU).booking
    assert booking.status == BookingStatus.REQUESTED
    result = booking_reschedule_by_applicant(booking=booking, start=LATER, now=clock.now())
    booking.refresh_from_db()
    assert result.change is None and booking.start == LATER
    assert booking.status == BookingStatus.REQUESTED
    assert "bookings.tasks.update_meeting" not in tasks  # no meeting before confirmation


def test_at_a_staff_approval_office_a_confirmed_booking_keeps_its_time_until_confirmed(
    counselor, tasks
):
    booking = booking_confirm(booking=email_checked(book(service("kawagoe"), THU).booking), by=counselor,
                              now=clock.now())  # fmt: skip
    sequence = booking.sequence
    result = booking_reschedule_by_applicant(booking=booking, start=LATER, now=clock.now())
    booking.refresh_from_db()
    change = result.change
    assert change.status == BookingChange.Status.PENDING and change.to_start == LATER
    assert booking.start == THU and booking.sequence == sequence
    assert Notification.objects.filter(
        dedupe_key__startswith=f"booking:{booking.pk}:change_requested:{change.pk}:"
    ).exists()
    notice = delivered(Notification.objects.filter(kind="staff_change_waiting").first())
    assert booking.reference in notice.body_text and "taro" not in notice.body_text

    tasks.clear()
    booking_change_confirm(change=change, by=counselor, now=clock.now())
    booking.refresh_from_db()
    change.refresh_from_db()
    assert booking.start == LATER and booking.sequence == sequence + 1
    assert booking.reschedule_count == 1
    assert change.status == BookingChange.Status.CONFIRMED and change.decided_by == counselor
    assert tasks == ["bookings.tasks.update_meeting"]
    assert Notification.objects.filter(
        dedupe_key__startswith=f"booking:{booking.pk}:rescheduled:{booking.sequence}:"
    ).exists()
    assert THU in starts(service("kawagoe"))


def test_a_declined_change_leaves_the_booking_where_it_was(counselor):
    booking = booking_confirm(booking=email_checked(book(service("kawagoe"), THU).booking), by=counselor,
                              now=clock.now())  # fmt: skip
    change = booking_reschedule_by_applicant(booking=booking, start=LATER, now=clock.now()).change
    booking_change_decline(change=change, by=counselor, now=clock.now())
    booking.refresh_from_db()
    assert booking.start == THU
    assert Notification.objects.get(
        dedupe_key__startswith=f"booking:{booking.pk}:change_declined:{change.pk}:"
    )
    assert booking.events.latest("pk").reason_code == Reason.CHANGE_DECLINED
    with pytest.raises(NotAllowedNow):
        booking_change_confirm(change=change, by=counselor, now=clock.now())


def test_a_second_request_replaces_the_first_and_another_office_cannot_decide(counselor):
    booking = booking_confirm(booking=email_checked(book(service("kawagoe"), THU).booking), by=counselor,
                              now=clock.now())  # fmt: skip
    first = booking_reschedule_by_applicant(booking=booking, start=LATER, now=clock.now()).change
    second = booking_reschedule_by_applicant(
        booking=booking, start=jst(2026, 11, 26, 11, 0), now=clock.now()
    ).change
    # The booking's one pending change now asks for the second time (issue 23).
    assert second.pk == first.pk and second.to_start == jst(2026, 11, 26, 11, 0)
    assert BookingChange.objects.filter(booking=booking).count() == 1
    stranger = counselor_account(office_with(confirmation_mode="staff_approval"))
    with pytest.raises(NotAllowedNow):
        booking_change_confirm(change=second, by=stranger, now=clock.now())


def test_confirming_a_change_whose_time_was_taken_keeps_the_booking_and_the_request(counselor):
    Counselor.objects.filter(office__slug="kawagoe").exclude(user=counselor).update(is_active=False)
    booking = booking_confirm(booking=email_checked(book(service("kawagoe"), THU).booking), by=counselor,
                              now=clock.now())  # fmt: skip
    change = booking_reschedule_by_applicant(booking=booking, start=LATER, now=clock.now()).change
    book(service("kawagoe"), LATER, data=person(email="o@example.jp", job_seeker_number="99999-1"))
    with pytest.raises(SlotTaken):
        booking_change_confirm(change=change, by=counselor, now=clock.now())
    booking.refresh_from_db()
    change.refresh_from_db()
    assert booking.start == THU and change.status == BookingChange.Status.PENDING


# --- the pages ---------------------------------------------------------------------------


def test_the_booking_page_offers_the_change_and_the_change_page_lists_other_free_times(
    client, instant
):
    booking = book(instant, THU).booking
    assert change_url(booking) in client.get(manage_url(booking)).content.decode()
    html = client.get(change_url(booking)).content.decode()
    assert 'value="2026-11-26T10:30:00+09:00"' in html
    assert 'value="2026-11-26T09:30:00+09:00"' not in html  # the present time
    assert "あと2回変更できます" in html


def test_choosing_a_time_moves_the_booking_and_returns_to_its_page(client, instant):
    booking = book(instant, THU).booking
    response = client.post(change_url(booking), {"start": LATER.isoformat()}, follow=True)
    assert response.redirect_chain[-1][0] == manage_url(booking)
    html = response.content.decode()
    assert "予約を2026年11月26日(木) 10:30〜11:00に変更しました" in html
    booking.refresh_from_db()
    assert booking.start == LATER


def test_a_bad_or_missing_time_says_what_to_do_without_a_500(client, instant):
    booking = book(instant, THU).booking
    for value in ("", "tomorrow", "2026-11-26T10:30:00"):
        response = client.post(change_url(booking), {"start": value})
        assert response.status_code == 400
        assert "空いている時間から選んでください" in response.content.decode()
    taken = client.post(change_url(booking), {"start": "2026-11-26T03:00:00+09:00"})
    assert taken.status_code == 409


def test_after_the_deadline_the_pages_give_the_phone_number(client, instant, frozen):
    booking = book(instant, THU).booking
    frozen.move_to(jst(2026, 11, 26, 0, 30))
    manage = client.get(manage_url(booking)).content.decode()
    assert change_url(booking) not in manage and "049-242-0197" in manage
    html = client.get(change_url(booking)).content.decode()
    assert "tel:0492420197" in html and 'name="start"' not in html


def test_a_pending_change_shows_on_the_booking_page(client, counselor):
    booking = booking_confirm(booking=email_checked(book(service("kawagoe"), THU).booking), by=counselor,
                              now=clock.now())  # fmt: skip
    response = client.post(change_url(booking), {"start": LATER.isoformat()}, follow=True)
    html = response.content.decode()
    assert "日時変更の申込みを送りました" in html
    assert "2026年11月26日(木) 10:30〜11:00に変更する申込みをしています" in html


def test_a_counselor_confirms_the_change_in_the_admin(client, counselor):
    booking = booking_confirm(booking=email_checked(book(service("kawagoe"), THU).booking), by=counselor,
                              now=clock.now())  # fmt: skip
    change = booking_reschedule_by_applicant(booking=booking, start=LATER, now=clock.now()).change
    client.force_login(counselor)
    day = client.get("/admin/bookings/booking/schedule/", {"date": "2026-11-26"}).content.decode()
    block = day.split(f'id="booking-{booking.pk}"')[1].split("</article>")[0]
    assert "日時変更の申込み：11/26 10:30" in block
    listing = client.get("/admin/bookings/bookingchange/").content.decode()
    assert booking.reference in listing and "2026年11月26日(木) 10:30〜11:00" in listing
    client.post("/admin/bookings/bookingchange/",
                {"action": "confirm_changes", "_selected_action": [change.pk]})  # fmt: skip
    booking.refresh_from_db()
    assert booking.start == LATER
    day = client.get("/admin/bookings/booking/schedule/", {"date": "2026-11-26"}).content.decode()
    assert "日時変更の申込み" not in day
