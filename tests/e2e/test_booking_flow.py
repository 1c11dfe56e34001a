"""A person books on a phone, confirms by the email link, then cancels (real Chromium)."""

import re

import pytest

from bookings.models import Booking, BookingStatus
from notifications.models import Notification
from tests.e2e.language import choose_language
from tests.e2e.waits import expect
from tests.factories import kawagoe_like, sasebo_like

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _link(live_server, kind: str, path_part: str) -> str:
    body = Notification.objects.filter(kind=kind).latest("created_at").body_text
    url = re.search(rf"https?://\S+/{path_part}/\S+/", body).group(0)
    return live_server.url + url.split("127.0.0.1:8000", 1)[-1]


def test_book_verify_and_cancel_at_sasebo_evening_on_a_phone(live_server, browser_page, tmp_path):
    # Its evening service: confirmed at once after the email's link, no job seeker number.
    sasebo_like()
    page = browser_page
    page.goto(live_server.url + "/offices/sasebo/")
    page.get_by_role("link", name="オンラインで予約する", exact=True).click()
    page.get_by_role("link", name="オンライン職業相談（平日夜間・土曜）").click()
    first_time = page.locator(".time").first
    chosen = first_time.inner_text()
    first_time.click()
    page.get_by_role("button", name="次へ（お名前・連絡先の入力）").click()

    # An empty form: the summary at the top takes focus and each field says how to fix it.
    page.get_by_role("button", name="次へ（確認）").click()
    summary = page.locator(".error-summary")
    assert "次の項目を直してください" in summary.inner_text()
    expect(summary).to_be_focused()
    assert "氏名を入力してください" in page.locator("#id_name_error").inner_text()

    page.locator("#id_name").fill("佐世保 花子")
    page.get_by_label("メールアドレス").fill("hanako@example.jp")
    page.get_by_label("電話番号").fill("０９０－１２３４－５６７８")
    page.get_by_role("button", name="次へ（確認）").click()

    assert chosen.split("〜")[0] in page.locator(".facts").inner_text()
    assert "利用規約" in page.content()
    page.get_by_label("利用規約を読み、同意します。").check()
    page.get_by_role("button", name="予約する").click()
    expect(page.locator("h1")).to_have_text("予約はまだ完了していません")
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.PENDING_VERIFICATION
    assert booking.phone == "09012345678"

    page.goto(_link(live_server, "booking_created", "verify"))
    page.get_by_role("button", name="予約を完了する").click()
    expect(page.locator(".status")).to_contain_text("確定")

    page.get_by_role("link", name="この予約を取り消す…").click()
    page.get_by_role("button", name="予約を取り消す").click()
    expect(page.locator(".status")).to_contain_text("取り消し済み")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    page.screenshot(path=tmp_path / "e2e-cancelled.png", full_page=True)


def test_book_see_and_cancel_in_english_on_a_phone(live_server, browser_page):
    kawagoe_like(confirmation_mode="staff_approval")  # a request a counselor answers
    page = browser_page
    page.goto(live_server.url + "/offices/kawagoe/")
    choose_language(page, "English")
    page.get_by_role("link", name="Book online").click()
    expect(page.locator("h1")).to_contain_text("Choose a time")
    page.locator(".time").first.click()
    page.get_by_role("button", name="Next: your details").click()
    page.locator("#id_name").fill("Alex Smith")
    page.get_by_label("Job-seeker number").fill("12345-678")
    page.get_by_label("Email address").fill("alex@example.jp")
    page.get_by_label("Phone number").fill("080-1111-2222")
    page.get_by_role("button", name="Next: confirm").click()
    page.get_by_label("I have read the terms of use and agree to them.").check()
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.locator("h1")).to_have_text("Your request is not complete yet")
    # The one next step is the email's button, with the same name on its page.
    page.goto(_link(live_server, "booking_created", "verify"))
    expect(page.locator("h1")).to_have_text("Your request is not complete yet")
    page.get_by_role("button", name="Send my request").click()
    expect(page.locator("h1")).to_have_text("Your request is waiting for a counselor")
    expect(page.locator(".status")).to_contain_text("Request sent: waiting for a counselor")
    page.get_by_role("link", name="Cancel this booking…").click()
    page.get_by_role("button", name="Cancel the booking").click()
    expect(page.locator(".status")).to_contain_text("Cancelled")
    assert Booking.objects.get().language == "en"
