"""
The camera preview where WebKit will not play the <video> that the device check keeps out of
the document (Safari on an iPhone: docs/reliability.md, "The camera preview on iPhones").
WebKit cannot run on this machine, so each of its known refusals is replayed in Chromium,
with its fake camera, by an init script that acts only on a <video> not in the document:
play() refused, no frame ever, or a pause the page did not ask for. The preview is then the
<video> itself in the canvas's place, playing and showing the camera's frames, and what the
office receives is unchanged. Without a refusal, the picture stays on the <canvas> and no
<video> enters the page.
"""

import pytest

from bookings.models import DeviceCheck
from bookings.services.staff import booking_confirm
from common import clock
from tests.e2e.review import review
from tests.e2e.test_device_check import (
    FAKE_MEDIA,
    FAKE_UI,
    _email_link,
    _launch,
    wait_for_the_camera_picture,
)
from tests.e2e.waits import expect, wait_until
from tests.factories import kawagoe_like, office_with
from tests.helpers import book, counselor_account, email_checked, jst, service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFUSALS = {
    # play() rejects, as WebKit does for media it will not start (NotAllowedError).
    "play_refused": """(() => {
      const play = HTMLMediaElement.prototype.play;
      HTMLMediaElement.prototype.play = function () {
        if (this.isConnected) return play.apply(this, arguments);
        return Promise.reject(new DOMException('not allowed here', 'NotAllowedError'));
      };
    })();""",
    # play() resolves, but no frame ever arrives (readyState stays HAVE_NOTHING).
    "no_frame": """(() => {
      for (const [proto, name] of [[HTMLMediaElement.prototype, 'readyState'],
                                   [HTMLVideoElement.prototype, 'videoWidth'],
                                   [HTMLVideoElement.prototype, 'videoHeight']]) {
        const real = Object.getOwnPropertyDescriptor(proto, name).get;
        Object.defineProperty(proto, name, {
          configurable: true, get() { return this.isConnected ? real.call(this) : 0; },
        });
      }
    })();""",
    # It plays, then the browser pauses it as a video nobody sees (WebKit's invisible-autoplay
    # restriction pausing a MediaStream video that left the document).
    "paused_by_the_browser": """(() => {
      const play = HTMLMediaElement.prototype.play;
      HTMLMediaElement.prototype.play = function () {
        const started = play.apply(this, arguments);
        if (!this.isConnected) setTimeout(() => { if (!this.isConnected) this.pause(); }, 300);
        return started;
      };
    })();""",
}

# The sum of the pixels of the <video> in the page, drawn here on a scratch canvas; 0 while
# there is no such video, or it is paused or has no frame.
VIDEO_FRAME = """(() => {
  const video = document.querySelector('video');
  if (!video || !video.isConnected || video.paused || video.readyState < 2 || !video.videoWidth) return 0;
  const scratch = document.createElement('canvas');
  scratch.width = video.videoWidth;
  scratch.height = video.videoHeight;
  const drawing = scratch.getContext('2d');
  drawing.drawImage(video, 0, 0);
  const pixels = drawing.getImageData(0, 0, scratch.width, scratch.height).data;
  let sum = 0;
  for (let i = 0; i < pixels.length; i += 4) sum += pixels[i] + pixels[i + 1] + pixels[i + 2];
  return sum;
})()"""


@pytest.fixture
def media_page(live_server):
    yield from _launch(FAKE_MEDIA + FAKE_UI)


@pytest.fixture
def booking_page_url(live_server, transactional_db):
    """A confirmed booking's device check, opened from its confirmation email."""
    office = kawagoe_like(platform="teleoffice", confirmation_mode="staff_approval")
    booking = book(service(office.slug), jst(2026, 11, 26, 9, 30)).booking
    booking_confirm(booking=email_checked(booking), by=counselor_account(office), now=clock.now())
    return booking, _email_link(live_server, "booking_confirmed", "device-check")


@pytest.mark.parametrize("refusal", list(REFUSALS))
def test_where_the_hidden_video_is_refused_the_video_itself_shows_the_camera(
    media_page, booking_page_url, refusal
):
    booking, url = booking_page_url
    page = media_page
    page.add_init_script(REFUSALS[refusal])
    page.goto(url)
    page.get_by_role("button", name="カメラを確認する").click()

    # The person sees themselves: a <video> in the page, playing, its picture moving.
    first = wait_until(page, VIDEO_FRAME)
    wait_until(page, f"(sum => sum && sum !== {first})({VIDEO_FRAME})")
    video = page.locator("section[aria-labelledby=check-camera] video")
    expect(video).to_be_visible()
    assert page.locator("#camera-preview").is_hidden()
    assert video.evaluate("v => [v.muted, v.playsInline, v.autoplay]") == [True, True, True]
    assert video.get_attribute("aria-label") == "カメラの映像（このブラウザの外へは送られません）"
    # In the canvas's place, at its size: the full width of a phone's column, 4:3.
    assert "camera-preview" in video.get_attribute("class")
    box = video.bounding_box()
    column = page.locator("section[aria-labelledby=check-camera]").bounding_box()
    assert abs(box["width"] - min(column["width"], 24 * 16)) < 1
    assert abs(box["height"] - box["width"] * 3 / 4) < 1
    # No WCAG violation; axe cannot decide whether a <video> needs captions (a live picture
    # of oneself without sound needs none), the one undecided item the fallback brings.
    assert review(page, "fallback") == ["fallback incomplete video-caption (1): video"]

    # What the office receives does not depend on how the picture is shown.
    assert "カメラは使えます" in page.locator("#camera-result").inner_text()
    assert "カメラ：問題なし" in page.locator("#summary-list").inner_text()
    page.get_by_role("button", name="結果を事業所に送る").click()
    expect(page.locator(".messages")).to_contain_text("接続テストの結果を事業所に送りました")
    assert DeviceCheck.objects.get(booking=booking).camera == "passed"
    assert page.csp_violations == []


def test_where_the_hidden_video_plays_the_picture_stays_on_the_canvas(live_server, media_page):
    office = office_with(platform="teleoffice")
    page = media_page
    page.goto(f"{live_server.url}/offices/{office.slug}/device-check/")
    page.get_by_role("button", name="カメラを確認する").click()
    wait_for_the_camera_picture(page)
    page.wait_for_timeout(2500)  # past the wait for a first frame: nothing changed
    wait_for_the_camera_picture(page)  # still moving, on the canvas, no <video> in the page
    assert page.locator("#camera-preview").is_visible()
    assert page.csp_violations == []
