"""A counselor signs in on a tablet, opens the day's schedule and checks a person in."""

from datetime import timedelta

import pytest

from bookings.models import BookingStatus
from bookings.selectors.availability import slot_list_available
from bookings.services.staff import booking_confirm
from common import clock
from common.clock import JST
from tests.e2e.signin import staff_sign_in
from tests.e2e.waits import expect
from tests.factories import kawagoe_like
from tests.helpers import book, counselor_account, email_checked, person, service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kawagoe(transactional_db):
    """Kawagoe as the test builds it: its counselors confirm each request (the requests
    list has rows), check-in opens 15 minutes before the start."""
    return kawagoe_like(confirmation_mode="staff_approval", check_in_opens_minutes=15)


def test_a_counselor_checks_a_person_in_from_the_schedule(
    live_server, tablet_page, kawagoe, frozen, tmp_path
):
    now = clock.now()
    svc = service("kawagoe")
    first = now.astimezone(JST).date() + timedelta(days=7)
    slot = slot_list_available(service=svc, first_day=first, last_day=first + timedelta(days=7),
                               now=now)[0]  # fmt: skip
    counselor = counselor_account(service("kawagoe").office)
    counselor.set_password("a long demo password")
    counselor.save()
    booking = book(svc, slot.start, now=now).booking
    booking_confirm(booking=email_checked(booking), by=counselor, now=clock.now())
    day = slot.start.astimezone(JST).date()
    frozen.move_to(slot.start - timedelta(minutes=5))  # check-in opens 15 minutes before

    page = tablet_page
    staff_sign_in(page, live_server, counselor.username, "a long demo password")
    page.get_by_role("link", name="予定表").click()
    page.get_by_label("日付").fill(day.isoformat())
    page.get_by_role("button", name="表示").click()

    block = page.locator(f"#booking-{booking.pk}")
    assert "山田 太郎" in block.inner_text() and "確定" in block.inner_text()
    block.get_by_text("操作").click()
    block.get_by_role("button", name="受付（入室確認）").click()

    assert "受付（入室確認）しました。" in page.locator(f"#result-{booking.pk}").inner_text()
    assert "status-in_progress" in page.locator(f"#booking-{booking.pk}").get_attribute("class")
    page.screenshot(path=tmp_path / "schedule-e2e.png", full_page=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.IN_PROGRESS
    assert booking.events.latest("pk").actor == counselor


def _counselor_signed_in(page, live_server):
    counselor = counselor_account(service("kawagoe").office)
    counselor.set_password("a long demo password")
    counselor.save()
    staff_sign_in(page, live_server, counselor.username, "a long demo password")
    return counselor


def _booked_next_week(counselor, **data):
    now = clock.now()
    svc = service("kawagoe")
    first = now.astimezone(JST).date() + timedelta(days=7)
    slot = slot_list_available(service=svc, first_day=first, last_day=first + timedelta(days=7),
                               now=now)[0]  # fmt: skip
    booking = book(svc, slot.start, now=now, **data).booking
    return booking_confirm(booking=email_checked(booking), by=counselor, now=now)


def test_a_refused_action_is_shown_and_focused_at_its_block(live_server, tablet_page, kawagoe):
    page = tablet_page
    counselor = _counselor_signed_in(page, live_server)
    booking = _booked_next_week(counselor)
    day = booking.start.astimezone(JST).date()
    page.goto(f"{live_server.url}/admin/bookings/booking/schedule/?office=kawagoe&date={day}")
    block = page.locator(f"#booking-{booking.pk}")
    block.locator("summary").click()
    expect(block).to_contain_text("受付（入室確認）：")  # opens shortly before the session
    assert block.get_by_role("button", name="無断欠席にする…").count() == 0
    block.get_by_placeholder("理由（例：電話で取り消しの連絡）").fill("本人から電話")
    block.get_by_role("button", name="本人の依頼で予約を取り消す（メールで知らせる）").click()

    result = page.locator(f"#result-{booking.pk}")
    assert "取り消しました" in result.inner_text()
    assert result.get_attribute("role") == "status"
    assert page.evaluate("document.activeElement.id") == f"result-{booking.pk}"
    box, viewport = result.bounding_box(), page.viewport_size
    assert box["y"] >= -1 and box["y"] + box["height"] <= viewport["height"]  # in view
    page.screenshot(path="var/schedule-result-e2e.png")


def test_the_requests_list_and_the_schedule_fit_a_tablet(live_server, tablet_page, kawagoe):
    page = tablet_page
    counselor = _counselor_signed_in(page, live_server)
    booking = _booked_next_week(
        counselor,
        data=person(note="長い連絡事項。" * 30,
                    attendees=[{"role": "interpreter", "name": "通訳 花子"}]),
    )  # fmt: skip
    now = clock.now()
    later = booking.start + timedelta(days=1)
    book(service("kawagoe"), later, now=now,
         data=person(email="r@example.jp", job_seeker_number="22222-2222222"))  # fmt: skip
    page.get_by_role("link", name="確定待ちの申込み").click()
    expect(page.locator("a[aria-current=page]")).to_have_text("確定待ちの申込み")
    table = page.locator("#result_list")
    for heading in ("相談員", "状態", "氏名", "経路"):
        assert table.get_by_role("columnheader", name=heading).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024

    day = booking.start.astimezone(JST).date()
    page.goto(f"{live_server.url}/admin/bookings/booking/schedule/?office=kawagoe&date={day}")
    assert page.locator("a[aria-current=page]").inner_text() == "予定表"
    block = page.locator(f"#booking-{booking.pk}")
    text = block.inner_text()
    assert booking.phone in text and "通訳者：通訳 花子" in text
    block.locator("summary").click()
    expect(block.locator(".note-full")).to_contain_text("長い連絡事項。" * 30)
    menu = block.locator(".actions").bounding_box()
    summary = block.locator(".time").bounding_box()
    assert menu["y"] >= summary["y"] + summary["height"]  # the menu leaves the booking in view
    colours = {
        status: page.locator(f".schedule-legend .status-{status}").evaluate(
            "e => getComputedStyle(e).borderLeftColor"
        )
        for status in ("pending_verification", "requested", "confirmed", "no_show")
    }
    assert len(set(colours.values())) == 4, colours  # each status its own colour
    page.screenshot(path="var/schedule-1024-e2e.png", full_page=True)


def test_the_schedule_fits_a_tablet_held_upright(live_server, tablet_portrait_page, kawagoe):
    page = tablet_portrait_page
    counselor = _counselor_signed_in(page, live_server)
    booking = _booked_next_week(counselor)
    day = booking.start.astimezone(JST).date()
    page.goto(f"{live_server.url}/admin/bookings/booking/schedule/?office=kawagoe&date={day}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    header = page.locator("#header").bounding_box()
    assert header["x"] >= 0 and header["x"] + header["width"] <= 768
    assert page.locator(f"#booking-{booking.pk}").is_visible()
    page.screenshot(path="var/schedule-768-e2e.png", full_page=True)
