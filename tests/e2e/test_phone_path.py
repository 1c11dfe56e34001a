"""The issue 14 findings that a phone shows, on a 390x844 Chromium."""

import re

import pytest

from tests.e2e.language import choose_language
from tests.e2e.waits import expect
from tests.factories import kawagoe_like, sasebo_like

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_next_stays_in_view_and_a_digits_only_number_books(live_server, browser_page):
    # Eleven times a day (9:30-12:00, 13:00-16:00), a request a counselor answers, the job
    # seeker number asked for.
    kawagoe_like(afternoon=True, confirmation_mode="staff_approval", job_seeker_number="required")
    page = browser_page
    page.goto(live_server.url + "/offices/kawagoe/book/")
    button = page.get_by_role("button", name="次へ（お名前・連絡先の入力）")
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844  # no 3,400 px scroll
    page.locator(".day-picker a").nth(1).click()
    page.locator(".day").nth(1).locator(".time").first.click()
    box = button.bounding_box()
    assert box["y"] + box["height"] <= 844
    button.click()

    number = page.locator("#id_job_seeker_number")
    assert number.get_attribute("inputmode") == "numeric"
    number.press_sequentially("1234512345678")  # the iPhone number pad has no hyphen
    page.locator("#id_name").fill("川越 太郎")
    page.get_by_label("メールアドレス").fill("taro@example.jp")
    page.get_by_label("電話番号").fill("09012345678")
    page.get_by_role("button", name="次へ（確認）").click()
    expect(page.locator(".job-seeker-number")).to_contain_text("12345-12345678")

    page.get_by_role("button", name="申し込む").click()  # without ticking the box
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.url.endswith("/book/confirm/")
    page.locator(".error-summary a").click()
    assert page.evaluate("location.hash") == "#id_agree_terms"
    page.get_by_label("利用規約を読み、同意します。").check()
    page.get_by_role("button", name="申し込む").click()
    expect(page).not_to_have_url(re.compile(r"/book/confirm/$"))
    expect(page.locator("h1")).to_have_text("申込みはまだ完了していません")
    page.go_back()
    expect(page.locator("h1")).to_have_text("申込みはまだ完了していません")
    assert "すでに送信されています" in page.content()
    assert _no_sideways_scroll(page)


def test_switching_language_mid_form_keeps_what_was_typed(live_server, browser_page):
    kawagoe_like()
    page = browser_page
    page.goto(live_server.url + "/offices/kawagoe/book/")
    page.locator(".time").first.click()
    page.get_by_role("button", name="次へ（お名前・連絡先の入力）").click()
    page.locator("#id_name").fill("川越 太郎")
    page.get_by_label("メールアドレス").fill("taro@example.jp")
    choose_language(page, "English")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#id_name").input_value() == "川越 太郎"
    assert page.locator("#id_email").input_value() == "taro@example.jp"


def test_the_404_page_fits_a_phone_and_leads_home(live_server, browser_page, transactional_db):
    page = browser_page
    response = page.goto(live_server.url + "/bookings/not-a-real-link/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "ページが見つかりません"
    assert _no_sideways_scroll(page)
    page.get_by_role("link", name="ホームページへ").click()
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + "/?$"))
    assert page.request.get(live_server.url + "/favicon.ico").status == 200


def test_the_email_check_button_is_in_view_and_a_lapsed_link_offers_to_book_again(
    live_server, browser_page, frozen
):

    from django.urls import reverse

    from tests.helpers import book, jst, service

    sasebo_like()  # its evening service: the email's link open for 60 minutes
    created = book(service("sasebo", "evening-saturday"), jst(2026, 11, 28, 9, 30))
    page = browser_page
    page.goto(live_server.url + reverse("booking-verify", args=[created.verification_token]))
    button = page.get_by_role("button", name="予約を完了する")
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844 and box["width"] > 300
    expect(page.locator("h1")).to_have_text("予約はまだ完了していません")
    assert "予約を完了する" in page.locator(".notice--important").inner_text()

    frozen.shift(61 * 60)
    page.reload()
    assert page.locator("h1").inner_text() == "この予約の申込みは無効になりました"
    page.get_by_role("link", name="もう一度予約する").click()
    expect(page).to_have_url(re.compile("/offices/sasebo/book/"))
