"""A counselor signs in on a tablet, opens the day's schedule and checks a person in."""

from datetime import timedelta

import pytest

from bookings.models import BookingStatus
from bookings.selectors.availability import slot_list_available
from bookings.services.staff import booking_confirm
from common import clock
from common.clock import JST
from offices.models import User
from terms.services import terms_seed
from tests.bookings.conftest import book, service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_counselor_checks_a_person_in_from_the_schedule(
    live_server, tablet_page, seeded, tmp_path
):
    terms_seed()
    now = clock.now()
    svc = service("kawagoe")
    first = now.astimezone(JST).date() + timedelta(days=7)
    slot = slot_list_available(service=svc, first_day=first, last_day=first + timedelta(days=7),
                               now=now)[0]  # fmt: skip
    counselor = User.objects.get(username="kawagoe-counselor-1")
    counselor.set_password("a long demo password")
    counselor.save()
    booking = book(svc, slot.start, now=now).booking
    booking_confirm(booking=booking, by=counselor, now=clock.now())
    day = slot.start.astimezone(JST).date()

    page = tablet_page
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.get_by_label("ユーザー名").fill(counselor.username)
    page.get_by_label("パスワード").fill("a long demo password")
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("link", name="予定表").click()
    page.get_by_label("日付").fill(day.isoformat())
    page.get_by_role("button", name="表示").click()

    block = page.locator(f"#booking-{booking.pk}")
    assert "山田 太郎" in block.inner_text() and "確定" in block.inner_text()
    block.get_by_text("操作").click()
    block.get_by_role("button", name="受付（入室確認）").click()

    assert "受付（入室確認）しました。" in page.locator(".messagelist").inner_text()
    assert "status-in_progress" in page.locator(f"#booking-{booking.pk}").get_attribute("class")
    page.screenshot(path=tmp_path / "schedule-e2e.png", full_page=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.IN_PROGRESS
    assert booking.events.latest("pk").actor == counselor
