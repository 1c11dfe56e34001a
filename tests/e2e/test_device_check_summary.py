"""
Issue 26, the walk on a phone (`/bookings/<token>/device-check/`, the office's page alike):
the device check's summary says the person is ready only once every part is tested, and
lists the parts still to test joined as the page's language joins a list (「カメラ、マイク」 in
Japanese, "Camera, Microphone" in English).
"""

import pytest

from tests.e2e.language import choose_language
from tests.e2e.test_device_check import FAKE_MEDIA, FAKE_UI, _launch
from tests.e2e.waits import expect, wait_until
from tests.factories import office_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

READY = "準備ができています"


@pytest.fixture
def media_page(live_server):
    yield from _launch(FAKE_MEDIA + FAKE_UI)


@pytest.fixture
def check_url(live_server, transactional_db):
    slug = office_with(platform="teleoffice").slug
    return live_server.url + f"/offices/{slug}/device-check/"


def _summary(page) -> str:
    return page.locator("#summary-text").inner_text()


def test_before_every_part_is_tested_the_summary_does_not_say_ready(media_page, check_url):
    page = media_page
    page.goto(check_url)
    expect(page.locator("#summary-text")).to_contain_text("カメラ、マイク、スピーカー、回線")
    assert READY not in _summary(page)

    page.get_by_role("button", name="カメラを確認する").click()
    expect(page.locator("#camera-result")).to_contain_text("カメラは使えます")
    expect(page.locator("#summary-text")).to_contain_text("マイク、スピーカー、回線")
    assert READY not in _summary(page) and "カメラ" not in _summary(page)

    page.get_by_role("button", name="マイクを確認する").click()
    wait_until(page, "document.getElementById('mic-level').value >= 5")
    expect(page.locator("#mic-result")).to_contain_text("マイクは使えます")
    page.get_by_role("button", name="テスト音を鳴らす").click()
    page.get_by_role("button", name="はい、聞こえました").click()
    expect(page.locator("#summary-text")).to_contain_text("回線")
    assert READY not in _summary(page)

    page.get_by_role("button", name="回線を測る").click()
    expect(page.locator("#connection-result")).not_to_contain_text("測定中")
    if "十分な速さ" in page.locator("#connection-result").inner_text():
        expect(page.locator("#summary-text")).to_contain_text(READY)
    assert "まだ確認していない" not in _summary(page)


def test_in_english_the_parts_to_test_are_joined_as_english_joins_them(media_page, check_url):
    page = media_page
    page.goto(check_url)
    choose_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#summary-text")).to_contain_text("Camera, Microphone, Speaker, Connection")
    assert "ready" not in _summary(page) and "、" not in _summary(page)
