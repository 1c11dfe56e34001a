"""
On a phone-sized Chromium: the person moves their booking to another free time from their
booking page and gets the updated calendar file; someone who lost the email gets the link
again with the reference and the address. axe-core checks each page, errors included.
"""

import re

import pytest

from bookings.models import Booking
from notifications.models import Notification
from tests.e2e.waits import expect
from tests.factories import kawagoe_like, sasebo_like
from tests.helpers import book, jst, service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _link(live_server, notification: Notification) -> str:
    url = re.search(r"https?://\S+/bookings/\S+/", notification.body_text).group(0)
    return live_server.url + url.split("127.0.0.1:8000", 1)[-1]


def _audit(page) -> list[str]:
    from tests.e2e.test_accessibility import AXE, audit

    return audit(page) if AXE.exists() else []


def test_a_person_moves_their_booking_and_gets_the_updated_calendar_file(live_server, browser_page):
    kawagoe_like(confirmation_mode="instant")  # the booking confirmed, so it may move
    booking = book(service("kawagoe"), jst(2026, 11, 26, 9, 30)).booking
    booking.refresh_from_db()
    revision = booking.sequence  # issuing its meeting already raised it once
    page = browser_page
    page.goto(_link(live_server, Notification.objects.get(kind="booking_created")))
    page.get_by_role("link", name="別の日時を選ぶ…").click()
    expect(page.locator("h1")).to_have_text("予約の変更")
    problems = _audit(page)

    page.get_by_role("button", name="次へ（確認）").click()  # nothing chosen
    expect(page.locator(".messages")).to_contain_text("空いている時間から選んでください")
    problems += _audit(page)

    choice = page.locator(".time").nth(1)
    label = choice.inner_text()
    choice.click()
    page.get_by_role("button", name="次へ（確認）").click()  # the confirm step, then the move
    page.get_by_role("button", name="この日時に変更する").click()
    expect(page.locator(".messages")).to_contain_text("に変更しました")
    assert label.split("〜")[0] in page.locator(".facts").inner_text()
    problems += _audit(page)
    assert problems == []

    booking.refresh_from_db()
    assert booking.sequence == revision + 1 and booking.start != jst(2026, 11, 26, 9, 30)
    moved = f"booking:{booking.pk}:rescheduled:{booking.sequence}:"
    email = Notification.objects.get(dedupe_key__startswith=moved)
    assert f"SEQUENCE:{booking.sequence}" in email.attachment_content
    href = page.get_by_role("link", name=re.compile(r"\.ics")).get_attribute("href")
    calendar = page.request.get(live_server.url + href).text()
    assert f"SEQUENCE:{booking.sequence}" in calendar and str(booking.uuid) in calendar
    page.screenshot(path="var/change-e2e.png", full_page=True)


def test_a_person_gets_the_link_again_with_reference_and_email(live_server, browser_page):
    sasebo_like()
    booking = book(service("sasebo"), jst(2026, 11, 24, 9, 30)).booking
    page = browser_page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="予約ページのリンクの再送").click()
    problems = _audit(page)

    page.get_by_role("button", name="リンクを再送する").click()  # empty
    page.locator(".error-summary").wait_for()
    problems += _audit(page)

    page.get_by_label("予約番号").fill(booking.reference.lower())
    page.get_by_label("メールアドレス").fill("taro@example.jp")
    page.get_by_role("button", name="リンクを再送する").click()
    expect(page.locator("main")).to_contain_text("メールをご確認ください")
    assert "/bookings/" not in page.locator("main").inner_html().replace("/bookings/find/", "")
    problems += _audit(page)
    assert problems == []
    # Reload (or Back to) the page that said "check your email" asks for the form again: it
    # never posts again, so no second email (the outside walk of issue 26).
    response = page.reload()
    assert response.request.method == "GET" and response.status == 200
    assert Notification.objects.filter(kind="booking_link").count() == 1

    page.goto(_link(live_server, Notification.objects.get(kind="booking_link")))
    assert booking.reference in page.locator(".reference").first.inner_text()
    assert Booking.objects.count() == 1
