"""
Issue 26, minors, on a phone-size Chromium (390 × 844): the change page has the time page's
day picker and sticky 「次へ」 bar and a confirm step; Back after the change sends nothing;
on both pages the first free time is on the first screen (not under the bar), and a screen
reader hears one day's times at a time (a group named by its day). axe checks each page.
Data built here (tests.factories.office_with).
"""

import re

import pytest

from bookings.models import Booking
from tests.e2e.waits import expect
from tests.factories import office_with
from tests.helpers import book, jst, manage_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The first free time's box, and the top of the sticky bar (the screen's bottom without it).
FIRST_TIME = """() => {
  const time = document.querySelector('.day-list .time').getBoundingClientRect();
  const bar = document.querySelector('.actions--sticky').getBoundingClientRect();
  return {top: time.top, bottom: time.bottom, barTop: Math.min(bar.top, window.innerHeight)};
}"""


def _audit(page) -> list[str]:
    from tests.e2e.test_accessibility import AXE, audit

    return audit(page) if AXE.exists() else []


def _first_screen_and_one_day_per_group(page) -> list[str]:
    problems = []
    box = page.evaluate(FIRST_TIME)
    if not (box["top"] >= 0 and box["bottom"] <= box["barTop"]):
        problems.append(f"{page.url}: the first free time is not on the first screen ({box})")
    first_day = page.locator("fieldset.day").first
    day = first_day.locator("legend").inner_text()
    heard = page.get_by_role("group", name=day, exact=True).get_by_role("radio")
    if heard.count() != first_day.locator("input[type=radio]").count():
        problems.append(f"{page.url}: the group {day!r} has {heard.count()} times")
    return problems


def test_a_person_changes_the_time_in_steps_and_back_sends_nothing(live_server, browser_page):
    office = office_with(counselors=1)
    booking = book(office.services.get(), jst(2026, 11, 26, 9, 30)).booking
    page = browser_page
    page.goto(f"{live_server.url}/offices/{office.slug}/book/")
    problems = _first_screen_and_one_day_per_group(page)

    page.goto(f"{live_server.url}/bookings/{manage_token(booking)}/change/")
    expect(page.locator("h1")).to_have_text("予約の変更")
    assert page.locator(".day-picker a").count() > 1
    problems += _first_screen_and_one_day_per_group(page) + _audit(page)

    page.locator(".actions--sticky button").click()  # nothing chosen: a message, no 500
    expect(page.locator(".messages")).to_contain_text("空いている時間から選んでください")
    page.locator(".day-picker a").nth(1).click()  # a later day, one tap away
    choice = page.locator("fieldset.day").nth(1).locator(".time").first
    label = choice.inner_text()
    choice.click()
    page.locator(".actions--sticky button").click()
    expect(page.locator("main")).to_contain_text("に変更しますか")
    question = page.locator(".lead").inner_text()
    assert "9:30〜10:00から" in question and label.split("〜")[0] in question
    problems += _audit(page)
    assert Booking.objects.get().reschedule_count == 0  # the confirm step only reads

    page.get_by_role("button", name="この日時に変更する").click()
    expect(page.locator(".messages")).to_contain_text("に変更しました")
    page.go_back()  # to the confirm step: it opens the booking, sending nothing
    expect(page.locator(".messages")).to_contain_text("すでに送信されています")
    assert re.search(rf"/bookings/{manage_token(booking)}/$", page.url)
    moved = Booking.objects.get()
    assert moved.reschedule_count == 1 and moved.start != jst(2026, 11, 26, 9, 30)
    assert problems == []
