"""
The counselor's day in the admin: the schedule, its actions with the rules enforced, the
CSV export and proposing another time (phone bookings: test_phone_booking_admin.py).
"""

import csv
import io
from datetime import time, timedelta

import pytest

from bookings.models import Booking, BookingStatus
from bookings.services.staff import booking_confirm
from common import clock
from offices.models import Counselor
from tests.factories import WEEKDAYS, OpeningHoursFactory, office_with
from tests.helpers import NOW, book, counselor_account, email_checked, jst, person, service

THU = jst(2026, 11, 26, 9, 30)  # Thursday, at the office below
SCHEDULE = "/admin/bookings/booking/schedule/"


@pytest.fixture
def kawagoe(db):
    """ハローワーク川越 as these tests build it: two counselors who confirm each request, on
    TeleOffice, open weekdays 9:30-12:00 and 13:00-16:00; sessions of 30 minutes that a
    counselor may extend by 15, checked in from 15 minutes before the start, a no-show
    after 10 minutes' grace."""
    office = office_with(
        slug="kawagoe", name="ハローワーク川越", name_en="Hello Work Kawagoe",
        platform="teleoffice", confirmation_mode="staff_approval", counselors=2,
        slot_minutes=30, max_extension_minutes=15, check_in_opens_minutes=15,
        no_show_grace_minutes=10,
    )  # fmt: skip
    for weekday in WEEKDAYS:
        OpeningHoursFactory(
            service=office.services.get(), weekday=weekday, start=time(13), end=time(16)
        )
    return office


def confirmed(counselor, start=THU, **data):
    booking = book(service("kawagoe"), start, data=person(**data)).booking
    return booking_confirm(booking=email_checked(booking), by=counselor, now=clock.now())


def act(client, booking, action, **data):
    response = client.post(
        f"/admin/bookings/booking/{booking.pk}/act/", {"action": action, **data}, follow=True
    )
    booking.refresh_from_db()
    return [str(m) for m in response.context["messages"]]


def test_the_schedule_shows_counselors_across_and_each_booking_with_its_facts(
    staff_client, counselor, frozen
):
    booking = confirmed(counselor, note="筆談を希望")
    response = staff_client.get(SCHEDULE, {"date": "2026-11-26"})
    assert response.status_code == 200
    page = response.content.decode()
    for counselor_row in Counselor.objects.filter(office=booking.office):
        assert counselor_row.display_name in page
    assert f'id="booking-{booking.pk}"' in page and "status-confirmed" in page
    assert "山田 太郎" in page and "筆談を希望" in page and booking.service.name in page
    assert "受付（入室確認）" in page  # Japanese labels


def later(frozen, client, counselor, moment):
    """Moves the clock; days later the staff session has expired, so log in again."""
    frozen.move_to(moment)
    client.force_login(counselor)


def test_the_schedule_marks_the_current_time_today_only(staff_client, counselor, frozen):
    later(frozen, staff_client, counselor, jst(2026, 11, 26, 10, 5))
    assert "now-line" in staff_client.get(SCHEDULE).content.decode()
    assert "now-line" not in staff_client.get(SCHEDULE, {"date": "2026-11-27"}).content.decode()


def test_the_schedule_query_count_does_not_grow_with_bookings(
    staff_client, counselor, frozen, django_assert_max_num_queries
):
    confirmed(counselor)
    # The second factor; the record of views; whether the office keeps a waitlist (then
    # cached with the office's setup); the group sessions of the day (one query); the
    # interviews of the day (one query, and their meetings when there are some).
    with django_assert_max_num_queries(19) as few:
        staff_client.get(SCHEDULE, {"date": "2026-11-26"})
    from bookings.selectors.availability import slot_list_available

    day = THU.date()
    for n in range(1, 8):
        free = slot_list_available(service=service("kawagoe"), first_day=day, last_day=day, now=NOW)
        confirmed(counselor, start=free[0].start, email=f"p{n}@example.jp",
                  job_seeker_number=f"{10000 + n}-1")  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(SCHEDULE, {"date": "2026-11-26"})
    assert response.content.decode().count('class="block ') == 8


def test_check_in_complete_and_switch_to_phone_from_the_schedule(staff_client, counselor, frozen):
    booking = confirmed(counselor)
    later(frozen, staff_client, counselor, THU - timedelta(minutes=10))
    assert act(staff_client, booking, "check_in")[-1].endswith("受付（入室確認）しました。")
    assert booking.status == BookingStatus.IN_PROGRESS
    later(frozen, staff_client, counselor, THU + timedelta(minutes=20))
    act(staff_client, booking, "switch_to_phone", reason="音声が途切れる")
    assert booking.status == BookingStatus.SWITCHED_TO_PHONE
    assert booking.events.latest("pk").reason == "音声が途切れる"


def test_an_extension_that_collides_is_refused_with_a_message(staff_client, counselor, frozen):
    first = confirmed(counselor)
    second = confirmed(counselor, start=THU + timedelta(minutes=30), email="b@example.jp",
                       job_seeker_number="22222-2222222")  # fmt: skip
    Booking.objects.filter(pk=second.pk).update(counselor=first.counselor)
    later(frozen, staff_client, counselor, THU + timedelta(minutes=20))
    messages = act(staff_client, first, "extend", minutes="15")
    assert "延長できません" in messages[-1] and "10:00" in messages[-1]
    assert first.end == THU + timedelta(minutes=30)
    act(staff_client, second, "cancel", reason="電話で取消の連絡")
    assert second.status == BookingStatus.CANCELLED
    assert act(staff_client, first, "extend", minutes="15")[-1].endswith("延長しました。")
    assert first.end == THU + timedelta(minutes=45)


def test_cancel_needs_a_reason_and_no_show_waits_for_the_start(staff_client, counselor, frozen):
    booking = confirmed(counselor)
    assert "取り消す理由" in act(staff_client, booking, "cancel", reason=" ")[-1]
    assert booking.status == BookingStatus.CONFIRMED
    assert "相談開始" in act(staff_client, booking, "no_show")[-1]
    later(frozen, staff_client, counselor, THU + timedelta(minutes=12))
    act(staff_client, booking, "no_show", confirmed="yes")
    assert booking.status == BookingStatus.NO_SHOW


def test_a_pasted_link_must_be_a_web_address(staff_client, counselor, frozen):
    booking = confirmed(counselor)
    assert (
        booking.reference in act(staff_client, booking, "paste_link", join_url="javascript:x")[-1]
    )
    act(staff_client, booking, "paste_link", join_url="https://teleoffice.example/r/abc")
    from bookings.selectors.bookings import meeting_for

    assert meeting_for(booking).join_url == "https://teleoffice.example/r/abc"


def test_actions_need_a_post_and_an_unknown_action_is_404(staff_client, counselor, frozen):
    booking = confirmed(counselor)
    assert staff_client.get(f"/admin/bookings/booking/{booking.pk}/act/").status_code == 404
    response = staff_client.post(f"/admin/bookings/booking/{booking.pk}/act/", {"action": "x"})
    assert response.status_code == 404


def test_another_office_gets_404_for_the_schedule_its_actions_and_its_csv(
    client, counselor, frozen
):
    booking = confirmed(counselor)
    client.force_login(counselor_account(office_with(confirmation_mode="staff_approval")))
    assert client.get(SCHEDULE, {"office": "kawagoe"}).status_code == 404
    csv_url = "/admin/bookings/booking/schedule.csv"
    assert client.get(csv_url, {"office": "kawagoe"}).status_code == 404
    response = client.post(f"/admin/bookings/booking/{booking.pk}/act/", {"action": "check_in"})
    assert response.status_code == 404
    assert client.get(f"/admin/bookings/booking/{booking.pk}/propose/").status_code == 404
    assert client.get("/admin/bookings/booking/phone/", {"office": "kawagoe"}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_the_csv_has_what_the_page_shows_and_no_contact_details(staff_client, counselor, frozen):
    confirmed(counselor, note='=HYPERLINK("http://evil")')
    response = staff_client.get("/admin/bookings/booking/schedule.csv", {"date": "2026-11-26"})
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[1][0] == "09:30" and rows[1][5] == "山田 太郎"
    assert rows[1][9].startswith("'=")  # never run as a spreadsheet formula
    assert "taro@example.jp" not in body and "09012345678" not in body


def test_a_request_can_be_moved_to_another_free_time(staff_client, counselor, frozen):
    booking = email_checked(book(service("kawagoe"), THU).booking)
    page = staff_client.get(f"/admin/bookings/booking/{booking.pk}/propose/")
    assert "2026年11月27日(金)" in page.content.decode() and "13:00〜13:30" in page.content.decode()
    later = jst(2026, 11, 27, 13, 0)
    staff_client.post(
        f"/admin/bookings/booking/{booking.pk}/propose/", {"start": later.isoformat()}
    )
    booking.refresh_from_db()
    assert booking.start == later and booking.proposed_at is not None
    bad = staff_client.post(f"/admin/bookings/booking/{booking.pk}/propose/", {"start": "x"})
    assert bad.status_code == 409


def test_no_show_by_hand_waits_for_the_start_and_asks_to_confirm(staff_client, counselor, frozen):
    """From the start, before the automatic rule's grace (issue 27: opening with the rule
    made it practically never usable)."""
    booking = confirmed(counselor)
    later(frozen, staff_client, counselor, THU - timedelta(seconds=16))
    assert "相談開始" in act(staff_client, booking, "no_show", confirmed="yes")[-1]
    assert booking.status == BookingStatus.CONFIRMED
    later(frozen, staff_client, counselor, THU + timedelta(minutes=2))
    page = staff_client.post(f"/admin/bookings/booking/{booking.pk}/act/", {"action": "no_show"})
    assert page.status_code == 200 and "はい、無断欠席にする" in page.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED  # nothing happens before the confirmation
    act(staff_client, booking, "no_show", confirmed="yes")
    assert booking.status == BookingStatus.NO_SHOW


def test_a_mistaken_no_show_is_undone_with_a_reason_and_its_bar_and_count_withdrawn(
    staff_client, counselor, frozen, mailoutbox, django_capture_on_commit_callbacks
):
    from bookings.models import Applicant

    booking = confirmed(counselor)
    office = booking.office
    office.no_show_bar_threshold = 1
    office.save(update_fields=["no_show_bar_threshold"])
    later(frozen, staff_client, counselor, THU + timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        act(staff_client, booking, "no_show", confirmed="yes")
    applicant = Applicant.objects.get(pk=booking.applicant_id)
    assert applicant.is_barred
    page = staff_client.get(SCHEDULE, {"date": "2026-11-26"}).content.decode()
    assert "「無断欠席」を取り消す（理由）" in page
    assert "取り消す理由" in act(staff_client, booking, "undo", reason=" ")[-1]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = act(staff_client, booking, "undo", reason="本人は入室していた")
    assert result[-1].endswith("変更を取り消しました。")
    assert booking.status == BookingStatus.CONFIRMED
    applicant.refresh_from_db()
    assert not applicant.is_barred
    subjects = sorted(m.subject for m in mailoutbox)
    assert any("無断欠席の扱いを取り消しました" in s for s in subjects)
    assert any("オンライン予約を再びご利用いただけます" in s for s in subjects)
    event = booking.events.latest("pk")
    assert (event.reason_code, event.reason, event.actor) == (
        "undone",
        "本人は入室していた",
        counselor,
    )
    # The automatic rule does not mark it again, and an undo is not undone.
    from bookings.services.no_shows import bookings_mark_no_shows

    assert bookings_mark_no_shows(now=clock.now()) == 0
    assert "一度だけ" in act(staff_client, booking, "undo", reason="x")[-1]


def test_an_undo_is_refused_the_next_day(staff_client, counselor, frozen):
    booking = confirmed(counselor)
    later(frozen, staff_client, counselor, THU - timedelta(minutes=5))
    act(staff_client, booking, "check_in")
    later(frozen, staff_client, counselor, THU + timedelta(days=1))
    assert "当日だけ" in act(staff_client, booking, "undo", reason="誤操作")[-1]
    assert booking.status == BookingStatus.IN_PROGRESS


def test_check_in_extend_and_switch_only_around_the_session(staff_client, counselor, frozen):
    booking = confirmed(counselor)
    for action in ("check_in", "extend", "switch_to_phone"):
        assert "から操作できます" in act(staff_client, booking, action, minutes="15")[-1]
    assert booking.status == BookingStatus.CONFIRMED and booking.end == THU + timedelta(minutes=30)
    page = staff_client.get(SCHEDULE, {"date": "2026-11-26"}).content.decode()
    assert "受付（入室確認）：2026年11月26日(木) 9:15から" in page
    later(frozen, staff_client, counselor, THU + timedelta(hours=1))
    assert "終了しているため" in act(staff_client, booking, "check_in")[-1]


def test_an_early_check_in_can_still_be_completed(staff_client, counselor, frozen):
    booking = confirmed(counselor)
    later(frozen, staff_client, counselor, THU - timedelta(minutes=14))
    act(staff_client, booking, "check_in")
    assert act(staff_client, booking, "complete")[-1].endswith("終了にしました。")
    assert booking.status == BookingStatus.COMPLETED


def test_a_phone_session_keeps_its_time_and_can_be_completed(staff_client, counselor, frozen):
    from bookings.selectors.availability import slot_list_available

    svc = service("kawagoe")
    first = confirmed(counselor)
    second = confirmed(counselor, email="b@example.jp", job_seeker_number="22222-2222222")
    assert first.counselor_id != second.counselor_id
    day = THU.date()
    assert not [s for s in slot_list_available(service=svc, first_day=day, last_day=day,
                                               now=clock.now()) if s.start == THU]  # fmt: skip
    later(frozen, staff_client, counselor, THU + timedelta(minutes=5))
    act(staff_client, first, "switch_to_phone", reason="音声なし")
    assert first.status == BookingStatus.SWITCHED_TO_PHONE
    assert not [s for s in slot_list_available(service=svc, first_day=day, last_day=day,
                                               now=clock.now()) if s.start == THU]  # fmt: skip
    assert act(staff_client, first, "complete")[-1].endswith("終了にしました。")


def test_the_result_of_an_action_is_shown_and_announced_at_its_block(
    staff_client, counselor, frozen
):
    booking = confirmed(counselor)
    response = staff_client.post(
        f"/admin/bookings/booking/{booking.pk}/act/", {"action": "check_in"}
    )
    assert response["Location"].endswith(f"#result-{booking.pk}")
    page = staff_client.get(response["Location"]).content.decode()
    block = page[page.index(f'id="booking-{booking.pk}"') :]
    block = block[: block.index("</article>")]
    assert f'id="result-{booking.pk}"' in block and 'role="alert"' in block
    assert "から操作できます" in block


def test_a_block_shows_phone_attendees_full_note_and_spaced_zoom_id(
    staff_client, counselor, frozen
):
    from conferencing.models import OnlineMeeting

    note = "筆談を希望。" * 20
    booking = confirmed(
        counselor, note=note, attendees=[{"role": "interpreter", "name": "通訳 花子"}]
    )
    OnlineMeeting.objects.filter(booking_uuid=booking.uuid).update(meeting_number="85012345678")
    page = staff_client.get(SCHEDULE, {"date": "2026-11-26"}).content.decode()
    assert booking.phone in page and "通訳者：通訳 花子" in page and note in page
    assert "status-pending_verification" in page  # the legend has its colour


def test_a_pasted_link_must_be_on_the_offices_platform_hosts(
    staff_client, counselor, frozen, settings
):
    from bookings.selectors.bookings import meeting_for

    booking = confirmed(counselor)
    for url in (
        "https://evil.example.com/phish",
        "https://to.ideep.com.evil.example/j",
        "https://user@kawagoe.to.ideep.com/j",
    ):
        message = act(staff_client, booking, "paste_link", join_url=url)[-1]
        assert "この事業所の会議サービス" in message, url
    assert meeting_for(booking) is None or not meeting_for(booking).join_url
    act(staff_client, booking, "paste_link", join_url="https://kawagoe.to.ideep.com/Join/x?a=1")
    assert meeting_for(booking).join_url.startswith("https://kawagoe.to.ideep.com/")
    # An account's own hosts narrow the platform's.
    settings.CONFERENCING_ACCOUNTS = {"teleoffice:kawagoe": {"join_hosts": ["a.to.ideep.com"]}}
    booking.office.platform_account = "teleoffice:kawagoe"
    booking.office.save(update_fields=["platform_account"])
    assert (
        "a.to.ideep.com"
        in act(staff_client, booking, "paste_link", join_url="https://kawagoe.to.ideep.com/Join/y")[
            -1
        ]
    )


def test_every_csv_cell_is_neutralised_including_the_counselors_display_name(
    staff_client, counselor, frozen
):
    booking = confirmed(counselor)
    Counselor.objects.filter(pk=booking.counselor_id).update(
        display_name='=HYPERLINK("http://evil","x")'
    )
    booking.service.__class__.objects.filter(pk=booking.service_id).update(name="＋SUM(1)")
    response = staff_client.get("/admin/bookings/booking/schedule.csv", {"date": "2026-11-26"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert rows[1][2].startswith("'=HYPERLINK")
    assert rows[1][6].startswith("'＋")
    for row in rows:
        assert all(cell[:1] not in ("=", "+", "-", "@", "＝", "＋") for cell in row)
