"""
The device check in Chromium on a phone-sized screen, with Chromium's fake camera and
microphone: the person opens it from the confirmation email, sees their camera, their
microphone's level and their connection's figures, and sends the result, which the
counselor then sees in the day's schedule. A refused permission shows the explanation;
without JavaScript the checklist is there. axe-core finds no WCAG violation, and no part
breaks the Content Security Policy.
"""

import os
import re

import pytest

from bookings.models import DeviceCheck
from bookings.services.staff import booking_confirm
from common import clock
from notifications.models import Notification
from tests.e2e.signin import staff_sign_in
from tests.e2e.waits import expect, wait_until
from tests.factories import kawagoe_like, office_with
from tests.helpers import CHROMIUM, book, counselor_account, email_checked, jst, service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAKE_MEDIA = ["--use-fake-device-for-media-stream"]
FAKE_UI = ["--use-fake-ui-for-media-stream"]  # answers every permission prompt with "allow"


def _launch(args: list[str], **context_options):
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--autoplay-policy=no-user-gesture-required",
                  *args],
        )  # fmt: skip
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="ja-JP", **context_options
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        page.csp_violations = []
        page.on(
            "console",
            lambda m: (
                page.csp_violations.append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        yield page
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def media_page(live_server):
    yield from _launch(FAKE_MEDIA + FAKE_UI)


@pytest.fixture
def refusing_page(live_server):
    """The fake devices exist, but no prompt is answered "allow": Chromium refuses."""
    yield from _launch(FAKE_MEDIA)


@pytest.fixture
def no_script_page(live_server):
    yield from _launch([], java_script_enabled=False)


@pytest.fixture
def kawagoe(transactional_db):
    """A TeleOffice office whose counselors confirm each request."""
    return kawagoe_like(platform="teleoffice", confirmation_mode="staff_approval")


@pytest.fixture
def confirmed_booking(kawagoe):
    counselor = counselor_account(kawagoe)
    counselor.set_password("a long demo password")
    counselor.save()
    booking = book(service("kawagoe"), jst(2026, 11, 26, 9, 30)).booking
    return booking_confirm(booking=email_checked(booking), by=counselor, now=clock.now())


# The sum of the camera preview's pixels (0 while nothing is drawn on the <canvas>: its
# pixels start transparent black).
PICTURE = """(() => {
  const canvas = document.getElementById('camera-preview');
  if (canvas.hidden) return 0;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0;
  for (let i = 0; i < pixels.length; i += 4) sum += pixels[i] + pixels[i + 1] + pixels[i + 2] + pixels[i + 3];
  return sum;
})()"""


def wait_for_the_camera_picture(page) -> None:
    """The preview shows the camera's picture, and it moves (Chromium's fake camera changes
    every frame): drawn from the stream, not one frame left on the canvas."""
    first = wait_until(page, PICTURE)
    wait_until(page, f"{PICTURE} !== {first}")
    assert page.locator("#camera-preview").get_attribute("role") == "img"
    assert page.locator("video").count() == 0  # nothing for axe to ask captions for


def _email_link(live_server, kind: str, path_part: str) -> str:
    body = Notification.objects.filter(kind=kind).latest("created_at").body_text
    url = re.search(rf"https?://\S+/{path_part}/", body).group(0)
    return live_server.url + url.split("127.0.0.1:8000", 1)[-1]


def test_from_the_email_the_person_sees_camera_microphone_and_connection_and_staff_see_it(
    live_server, media_page, kawagoe, confirmed_booking
):
    from tests.e2e.test_accessibility import AXE, audit

    page = media_page
    page.goto(_email_link(live_server, "booking_confirmed", "device-check"))
    assert page.locator("h1").inner_text() == "接続テスト"
    assert "TeleOfficeに参加できます" in page.locator("#browser-result").inner_text()

    page.get_by_role("button", name="カメラを確認する").click()
    wait_for_the_camera_picture(page)
    assert "カメラは使えます" in page.locator("#camera-result").inner_text()

    page.get_by_role("button", name="マイクを確認する").click()
    wait_until(page, "document.getElementById('mic-level').value >= 5")
    expect(page.locator("#mic-result")).to_contain_text("マイクは使えます")

    page.get_by_role("button", name="テスト音を鳴らす").click()
    page.get_by_role("button", name="はい、聞こえました").click()
    expect(page.locator("#speaker-result")).to_contain_text("スピーカーは使えます")

    page.get_by_role("button", name="回線を測る").click()
    expect(page.locator("#connection-result")).not_to_contain_text("測定中")
    assert re.search(r"\d+ミリ秒", page.locator("#figure-rtt").inner_text())
    assert re.search(r"[\d.]+ Mbps", page.locator("#figure-down").inner_text())
    assert re.search(r"[\d.]+ Mbps", page.locator("#figure-up").inner_text())
    wait_until(page, "document.getElementById('battery-result').innerText.length > 0")

    summary = page.locator("#summary-list").inner_text()
    assert "カメラ：問題なし" in summary and "マイク：問題なし" in summary
    if AXE.exists():
        assert audit(page) == []
    page.screenshot(path="var/device-check-e2e.png", full_page=True)

    page.get_by_role("button", name="結果を事業所に送る").click()
    expect(page.locator(".messages")).to_contain_text("接続テストの結果を事業所に送りました")
    check = DeviceCheck.objects.get(booking=confirmed_booking)
    assert (check.camera, check.microphone, check.speaker) == ("passed", "passed", "passed")
    assert check.connection in ("passed", "unstable") and check.download_kbps > 0
    assert page.csp_violations == []

    # The counselor's day: the result is on the booking's block.
    staff_sign_in(page, live_server, counselor_account(kawagoe).username, "a long demo password")
    page.goto(live_server.url + "/admin/bookings/booking/schedule/?date=2026-11-26")
    block = page.locator(f"#booking-{confirmed_booking.pk} .device-check").inner_text()
    assert block.startswith("接続テスト：")
    assert check.passed == ("問題なし" in block)


def test_a_refused_camera_and_microphone_are_explained_for_this_browser(live_server, refusing_page):
    office_with(slug="yamaguchi", platform="teams")
    page = refusing_page
    page.goto(live_server.url + "/offices/yamaguchi/device-check/")
    page.get_by_role("button", name="カメラを確認する").click()
    result = page.locator("#camera-result")
    result.get_by_text("使用が許可されなかった").wait_for()
    assert "Chromeの場合" in result.inner_text()
    assert page.locator("#camera-preview").is_hidden()
    page.get_by_role("button", name="マイクを確認する").click()
    page.locator("#mic-result").get_by_text("使用が許可されなかった").wait_for()
    assert "カメラ：問題あり" in page.locator("#summary-list").inner_text()
    assert page.csp_violations == []
    page.locator("section[aria-labelledby=check-camera]").screenshot(
        path="var/device-check-refused.png"
    )


def test_without_javascript_the_checklist_is_there_and_the_checks_are_not(
    live_server, no_script_page
):
    office_with(slug="toyooka", platform="zoom")  # its checklist names the Zoom app
    page = no_script_page
    page.goto(live_server.url + "/offices/toyooka/device-check/")
    assert "JavaScriptがオフ" in page.locator("main").inner_text()
    assert page.locator("#device-check").is_hidden()
    assert page.get_by_role("checkbox").count() >= 6
    assert "Zoom Workplaceアプリ" in page.locator("main").inner_text()


def test_the_checks_run_from_the_keyboard_alone(live_server, media_page, kawagoe):
    page = media_page
    page.goto(live_server.url + "/offices/kawagoe/device-check/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "camera-start":
            break
    assert page.evaluate("() => document.activeElement.id") == "camera-start"
    page.keyboard.press("Enter")
    wait_for_the_camera_picture(page)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "mic-start"
    page.keyboard.press("Space")
    wait_until(page, "document.getElementById('mic-level').value >= 5")
    # The results are announced: each sits in a live region.
    assert page.locator("#camera-result").get_attribute("role") == "status"
