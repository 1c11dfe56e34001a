"""
Issue 27: what a counselor presses does what it says. The state table guards the staff's
own actions (no confirming a past or unverified request; a proposed time is
test_proposed_times.py), requests lapse, the cancel box says which words reach the person,
a pasted link replaces the whole meeting, and "the person contacted us" is an action with
its event and undo.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from bookings.models import Booking, BookingStatus
from bookings.services.holds import requests_lapse_undecided
from bookings.services.staff import booking_confirm
from bookings.state import Reason
from conferencing.models import OnlineMeeting
from notifications.models import Notification
from offices.models import User
from tests.bookings.staff_day_helpers import act, block_of, confirm_from_email
from tests.factories import office_with
from tests.helpers import NOW, book, jst, person, service

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)  # Thursday at Kawagoe (below): counselor approval
SCHEDULE = "/admin/bookings/booking/schedule/"
LIST = "/admin/bookings/booking/"


@pytest.fixture
def kawagoe(db):
    """ハローワーク川越 as the test builds it: two counselors with email addresses (told of
    a request waiting) who answer each request (staff approval), its meetings on TeleOffice
    (a pasted teleoffice.example link is its own)."""
    office = office_with(
        slug="kawagoe", name="ハローワーク川越", name_en="Hello Work Kawagoe",
        confirmation_mode="staff_approval", platform="teleoffice", counselors=2,
    )  # fmt: skip
    for n, each in enumerate(office.counselors.order_by("pk")):
        User.objects.filter(pk=each.user_id).update(email=f"counselor{n}@example.invalid")
    return office


def requested(start=THU, *, verified=True, now=NOW, **data):
    """A public request at Kawagoe; `verified`: the person confirmed it from the email."""
    booking = book(service("kawagoe"), start, now=now, data=person(**data)).booking
    if verified:
        confirm_from_email(booking, now)
    return Booking.objects.get(pk=booking.pk)


def staff_notices(booking) -> int:
    return Notification.objects.filter(
        kind="staff_request_waiting", dedupe_key__startswith=f"booking:{booking.pk}:"
    ).count()


# Major 4: a past request cannot be confirmed; past requests lapse and leave the counts.


def test_a_request_whose_time_has_passed_cannot_be_confirmed_and_lapses(
    staff_client, counselor, frozen, django_capture_on_commit_callbacks
):
    booking = requested()
    frozen.move_to(THU + timedelta(minutes=5))
    staff_client.force_login(counselor)
    page = staff_client.get(SCHEDULE, {"date": "2026-11-26"}).content.decode()
    block = block_of(page, booking)
    assert 'value="confirm"' not in block and "申込みの時刻を過ぎました" in block
    assert "確定待ちの申込みが" not in page  # not counted as waiting
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _, messages = act(staff_client, booking, "confirm")
        staff_client.post(LIST, {"action": "confirm_requests", "_selected_action": [booking.pk]})
    assert booking.status == BookingStatus.REQUESTED
    assert "過ぎています" in messages[-1]
    assert not any("確定しました" in m.subject for m in mail.outbox)

    assert requests_lapse_undecided(now=THU + timedelta(minutes=5)) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED
    assert booking.events.latest("pk").reason_code == Reason.UNDECIDED_AT_START
    page = staff_client.get(SCHEDULE, {"date": "2026-11-26"}).content.decode()
    assert f'id="booking-{booking.pk}"' not in page


# Major 5: an unverified request is marked, cannot be confirmed, and counselors hear of it
# only once the person confirmed it.


def test_an_unverified_request_is_marked_cannot_be_confirmed_and_is_not_announced(
    staff_client, counselor, frozen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = book(service("kawagoe"), THU, data=person())
    booking = created.booking
    assert staff_notices(booking) == 0  # counselors are not told yet

    page = staff_client.get(SCHEDULE, {"date": "2026-11-26"}).content.decode()
    block = block_of(page, booking)
    assert "未確認" in block and 'value="confirm"' not in block
    listing = staff_client.get(LIST).content.decode()
    assert "メールでの確認を待っています" in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            LIST, {"action": "confirm_requests", "_selected_action": [booking.pk]}, follow=True
        )
        _, messages = act(staff_client, booking, "confirm")
    refusals = [str(m) for m in response.context["messages"]]
    assert any("メールから確認していない" in m for m in refusals)
    assert "メールから確認していない" in messages[-1]
    assert booking.status == BookingStatus.REQUESTED
    assert not OnlineMeeting.objects.filter(booking_uuid=booking.uuid).exists()

    with django_capture_on_commit_callbacks(execute=True):
        confirm_from_email(booking)
    assert staff_notices(booking) > 0  # now they are
    page = staff_client.get(SCHEDULE, {"date": "2026-11-26"}).content.decode()
    assert 'value="confirm"' in block_of(page, booking)
    _, messages = act(staff_client, booking, "confirm")
    assert booking.status == BookingStatus.CONFIRMED


# Major 3: the schedule's cancel box says which words reach the person, and only those do.


def test_the_schedules_cancel_box_emails_only_the_message_for_the_person(
    staff_client, counselor, frozen, django_capture_on_commit_callbacks
):
    booking = requested()
    booking_confirm(booking=booking, by=counselor, now=NOW)
    block = block_of(staff_client.get(SCHEDULE, {"date": "2026-11-26"}).content.decode(), booking)
    assert "職員向けのメモ（記録に残り、送られません）" in block
    assert "ご本人へのメッセージ（メールで送られます。任意）" in block
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(
            staff_client,
            booking,
            "cancel",
            reason="前回も無断欠席",
            message="ご希望により取り消しました。",
        )
    assert booking.status == BookingStatus.CANCELLED
    assert booking.events.latest("pk").reason == "前回も無断欠席"
    body = mail.outbox[-1].body
    assert "ご希望により取り消しました。" in body and "前回も無断欠席" not in body


# Major 15: a pasted link replaces the meeting's ID and host link too.


def test_a_pasted_link_over_an_issued_meeting_replaces_its_id_and_host_link(
    staff_client, counselor, frozen
):
    booking = requested()
    booking_confirm(booking=booking, by=counselor, now=NOW)
    OnlineMeeting.objects.update_or_create(
        booking_uuid=booking.uuid,
        defaults={
            "office_id": booking.office_id, "status": OnlineMeeting.Status.ISSUED,
            "join_url": "https://zoom.example/j/81234567890", "meeting_number": "81234567890",
            "host_url": "https://zoom.example/s/81234567890?zak=x", "passcode": "old",
        },
    )  # fmt: skip
    act(staff_client, booking, "paste_link", join_url="https://teleoffice.example/r/new",
        passcode="4321")  # fmt: skip
    meeting = OnlineMeeting.objects.get(booking_uuid=booking.uuid)
    assert (meeting.join_url, meeting.passcode) == ("https://teleoffice.example/r/new", "4321")
    assert meeting.meeting_number == "" and meeting.host_url == ""
    block = block_of(staff_client.get(SCHEDULE, {"date": "2026-11-26"}).content.decode(), booking)
    assert "812 3456 7890" not in block and "81234567890" not in block
    page = staff_client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))
    assert "81234567890" not in page.content.decode()


def test_a_link_refused_is_kept_in_the_box_for_the_next_try(staff_client, counselor, frozen):
    booking = requested()
    booking_confirm(booking=booking, by=counselor, now=NOW)
    pasted = "https://elsewhere.example/r/abc-123"
    response, _messages = act(staff_client, booking, "paste_link", join_url=pasted)
    block = block_of(response.content.decode(), booking)
    assert "✕" in block and "できませんでした" in block
    assert f'value="{pasted}"' in block  # kept after the refusal
    again = staff_client.get(SCHEDULE, {"date": "2026-11-26"}).content.decode()
    assert f'value="{pasted}"' not in block_of(again, booking)  # only for the next try


# Major 16: the buttons say what they do; undo is apart from cancelling the booking.


def test_the_buttons_say_what_they_do_and_whether_the_person_is_emailed(
    staff_client, counselor, frozen
):
    booking = requested()
    block = block_of(staff_client.get(SCHEDULE, {"date": "2026-11-26"}).content.decode(), booking)
    assert "確定してメールで知らせる" in block and ">確認<" not in block
    assert "本人の依頼で予約を取り消す（メールで知らせる）" in block
    booking_confirm(booking=booking, by=counselor, now=NOW)
    frozen.move_to(THU - timedelta(minutes=5))
    staff_client.force_login(counselor)
    act(staff_client, booking, "check_in")
    page = staff_client.get(SCHEDULE, {"date": "2026-11-26"}).content.decode()
    block = block_of(page, booking)
    assert "操作を元に戻す" in block and "本人の依頼で予約を取り消す" in block
    assert ">取り消す<" not in block and ">依頼により取り消す<" not in block


# Minors.


def test_contact_noted_has_its_event_and_can_be_withdrawn(staff_client, counselor, frozen):
    booking = requested()
    booking_confirm(booking=booking, by=counselor, now=NOW)
    act(staff_client, booking, "note_contact")
    assert booking.contact_noted_at == NOW
    assert booking.events.latest("pk").reason_code == Reason.CONTACT_NOTED
    block = block_of(staff_client.get(SCHEDULE, {"date": "2026-11-26"}).content.decode(), booking)
    assert 'value="unnote_contact"' in block
    _, messages = act(staff_client, booking, "unnote_contact", reason=" ")
    assert booking.contact_noted_at is not None and "理由" in messages[-1]
    act(staff_client, booking, "unnote_contact", reason="別の予約と取り違え")
    assert booking.contact_noted_at is None
    event = booking.events.latest("pk")
    assert (event.reason_code, event.reason) == (Reason.CONTACT_WITHDRAWN, "別の予約と取り違え")
    history = staff_client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))
    assert "「本人から連絡あり」を取り消し" in history.content.decode()


def test_contact_and_proposal_times_are_not_editable_on_the_change_page(
    staff_client, counselor, frozen
):
    booking = requested()
    booking_confirm(booking=booking, by=counselor, now=NOW)
    url = reverse("admin:bookings_booking_change", args=[booking.pk])
    page = staff_client.get(url).content.decode()
    for name in ("contact_noted_at", "proposed_at", "decide_by"):
        assert f'name="{name}' not in page
    staff_client.post(url, {"contact_noted_at_0": "2026-11-26", "contact_noted_at_1": "09:00"})
    booking.refresh_from_db()
    assert booking.contact_noted_at is None


def test_a_no_show_can_be_marked_by_hand_before_the_automatic_rule(staff_client, counselor, frozen):
    booking = requested()
    booking_confirm(booking=booking, by=counselor, now=NOW)
    frozen.move_to(THU + timedelta(minutes=3))  # the rule marks it at 9:40 (10 min grace)
    staff_client.force_login(counselor)
    act(staff_client, booking, "no_show", confirmed="yes")
    assert booking.status == BookingStatus.NO_SHOW


def test_histories_show_labels_not_codes(staff_client, counselor, frozen):
    booking = requested()
    booking_confirm(booking=booking, by=counselor, now=NOW)
    page = staff_client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))
    text = page.content.decode()
    assert "→ confirmed" not in text and "requested → " not in text
    assert "確定待ち → 確定" in text
    language = text[text.index("field-language") :][:600]
    assert "日本語" in language and ">ja<" not in language
    assert "request confirmed from the email" not in text.lower()


def test_the_booking_page_shows_the_device_check(staff_client, counselor, frozen):
    from bookings.services.device_check import device_check_record

    booking = requested()
    booking_confirm(booking=booking, by=counselor, now=NOW)
    url = reverse("admin:bookings_booking_change", args=[booking.pk])
    assert "未実施" in staff_client.get(url).content.decode()
    device_check_record(booking=booking, result={"camera": "denied"}, now=NOW)
    page = staff_client.get(url).content.decode()
    assert "接続テスト" in page and "カメラ" in page


def test_a_phone_booking_from_the_schedule_returns_to_the_day_it_showed(
    staff_client, counselor, frozen
):
    data = {"service": service("kawagoe").slug, "start": jst(2026, 11, 27, 10, 0).isoformat(),
            "name": "電話 一郎", "name_kana": "デンワ イチロウ",
            "job_seeker_number": "12345-7654321", "email": "ichiro@example.jp",
            "phone": "049-222-0000", "consent_stated": "on", "back": "2026-11-26"}  # fmt: skip
    response = staff_client.post("/admin/bookings/booking/phone/", data)
    assert response.status_code == 302 and "date=2026-11-26" in response["Location"]
    assert Booking.objects.filter(name="電話 一郎").exists()
