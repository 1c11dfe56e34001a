"""
The counselor's day in the admin: the schedule, its actions with the rules enforced, the
CSV export, phone bookings (also "book the next session"), proposing another time, and
the phone-versus-web race.
"""

import csv
import io
import threading
from datetime import timedelta

import pytest
from django.db import connection

from bookings.exceptions import SlotTaken
from bookings.models import Booking, BookingChannel, BookingStatus
from bookings.services.create import booking_create
from bookings.services.staff import booking_confirm
from common import clock
from offices.models import Counselor, User
from terms.models import Consent
from terms.selectors import terms_in_force
from tests.bookings.conftest import NOW, book, jst, person, service

THU = jst(2026, 11, 26, 9, 30)  # Kawagoe, Thursday
SCHEDULE = "/admin/bookings/booking/schedule/"


@pytest.fixture
def counselor(offices):
    return User.objects.get(username="kawagoe-counselor-1")


@pytest.fixture
def staff_client(client, counselor):
    client.force_login(counselor)
    return client


def confirmed(counselor, start=THU, **data):
    booking = book(service("kawagoe"), start, data=person(**data)).booking
    return booking_confirm(booking=booking, by=counselor, now=clock.now())


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
    with django_assert_max_num_queries(14) as few:
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
    assert "まだ始まっていない" in act(staff_client, booking, "no_show")[-1]
    later(frozen, staff_client, counselor, THU + timedelta(minutes=12))
    act(staff_client, booking, "no_show")
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
    client.force_login(User.objects.get(username="toyooka-counselor-1"))
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
    # Kawagoe has two counselors: a second caller gets the same time, a third does not.
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
    first = confirmed(counselor)
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


def test_a_request_can_be_moved_to_another_free_time(staff_client, counselor, frozen):
    booking = book(service("kawagoe"), THU).booking
    page = staff_client.get(f"/admin/bookings/booking/{booking.pk}/propose/")
    assert "2026年11月27日(金) 13:00〜13:30" in page.content.decode()
    later = jst(2026, 11, 27, 13, 0)
    staff_client.post(
        f"/admin/bookings/booking/{booking.pk}/propose/", {"start": later.isoformat()}
    )
    booking.refresh_from_db()
    assert booking.start == later and booking.proposed_at is not None
    bad = staff_client.post(f"/admin/bookings/booking/{booking.pk}/propose/", {"start": "x"})
    assert bad.status_code == 409


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_phone_booking_racing_a_web_booking_for_the_same_time_one_wins(seeded):
    from terms.services import terms_seed

    terms_seed()
    svc = service("toyooka")
    keep = Counselor.objects.filter(office=svc.office).order_by("pk").first()
    Counselor.objects.filter(office=svc.office).exclude(pk=keep.pk).update(is_active=False)
    counselor = User.objects.get(username="toyooka-counselor-1")
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
