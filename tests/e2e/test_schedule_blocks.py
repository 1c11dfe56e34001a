"""
Issue 27, majors 1 and 2, on a tablet in Chromium: a schedule block shows all it holds
(attendees with their role, the note, the meeting ID and passcode, the device check) on
screen and in print, and an action's result stays readable: the menu does not re-open over
it, success and refusal differ, a refused link is kept, and no header covers the block.
"""

from datetime import datetime, time, timedelta

import pytest

from bookings.selectors.availability import slot_list_available
from bookings.services.device_check import device_check_record
from bookings.services.staff import booking_confirm
from common import clock
from common.clock import JST
from conferencing.models import OnlineMeeting
from tests.e2e.signin import staff_sign_in
from tests.e2e.waits import expect
from tests.factories import kawagoe_like
from tests.helpers import book, counselor_account, email_checked, person, service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "車いすで参加します。画面共有で求人票を見たいです。前回の続きから。"

# Every child of the block lies inside the block's box, and the block clips nothing.
UNCLIPPED = """
(block) => {
  const box = block.getBoundingClientRect();
  const out = [...block.querySelectorAll(':scope > div, :scope > ul')].filter((child) => {
    const r = child.getBoundingClientRect();
    return r.bottom > box.bottom + 1 || r.right > box.right + 1;
  }).map((child) => child.textContent.trim().slice(0, 30));
  return {out, clipped: block.scrollHeight > block.clientHeight + 1};
}
"""


@pytest.fixture
def kawagoe(transactional_db):
    """Kawagoe's day as built by the test: its counselors confirm each request, open
    9:30-12:00 and 13:00-16:00 (the afternoon where the now line is drawn)."""
    return kawagoe_like(confirmation_mode="staff_approval", afternoon=True)


def _counselor_signed_in(page, live_server):
    counselor = counselor_account(service("kawagoe").office)
    counselor.set_password("a long demo password")
    counselor.save()
    staff_sign_in(page, live_server, counselor.username, "a long demo password")
    return counselor


def _full_booking(counselor):
    """A 30-minute booking with everything a counselor needs: two attendees, a long note,
    a Zoom-like meeting with ID and passcode, and a device check that found a problem."""
    now = clock.now()
    svc = service("kawagoe")
    first = now.astimezone(JST).date() + timedelta(days=7)
    slot = slot_list_available(service=svc, first_day=first, last_day=first + timedelta(days=7),
                               now=now)[0]  # fmt: skip
    attendees = [
        {"role": "interpreter", "name": "通訳 花子", "affiliation": "国際交流協会"},
        {"role": "family", "name": "山田 母"},
    ]
    booking = book(svc, slot.start, now=now, data=person(note=NOTE, attendees=attendees)).booking
    booking = booking_confirm(booking=email_checked(booking), by=counselor, now=now)
    OnlineMeeting.objects.update_or_create(
        booking_uuid=booking.uuid,
        defaults={
            "office_id": booking.office_id, "status": OnlineMeeting.Status.ISSUED,
            "join_url": "https://zoom.example/j/81234567890", "meeting_number": "81234567890",
            "passcode": "482913",
        },
    )  # fmt: skip
    device_check_record(booking=booking, result={"camera": "denied", "microphone": "passed"},
                        now=now)  # fmt: skip
    return booking


def test_a_block_shows_everything_on_a_tablet_and_in_print(live_server, tablet_page, kawagoe):
    page = tablet_page
    counselor = _counselor_signed_in(page, live_server)
    booking = _full_booking(counselor)
    day = booking.start.astimezone(JST).date()
    page.goto(f"{live_server.url}/admin/bookings/booking/schedule/?office=kawagoe&date={day}")
    block = page.locator(f"#booking-{booking.pk}")
    for text in ("通訳者：通訳 花子", "家族：山田 母", NOTE, "812 3456 7890", "482913",
                 "接続テスト", "カメラ"):  # fmt: skip
        expect(block).to_contain_text(text)
    assert block.evaluate(UNCLIPPED) == {"out": [], "clipped": False}
    for text in ("通訳 花子", "482913", "カメラ"):
        assert block.get_by_text(text, exact=False).first.is_visible()
    page.screenshot(path="var/schedule-block-1024-e2e.png", full_page=True)

    block.locator("summary").click()
    menu = block.locator(".actions")
    expect(menu).to_be_visible()
    device, drawn = block.locator(".device-check").bounding_box(), menu.bounding_box()
    below = drawn["y"] >= device["y"] + device["height"]
    above = drawn["y"] + drawn["height"] <= block.bounding_box()["y"]
    assert below or above  # the open menu hangs below (or above) the block, never over it
    block.locator("summary").click()

    page.emulate_media(media="print")
    expect(block).to_contain_text("482913")
    assert block.evaluate(UNCLIPPED) == {"out": [], "clipped": False}


def test_an_actions_result_is_readable_and_a_refused_link_is_kept(
    live_server, tablet_portrait_page, kawagoe
):
    page = tablet_portrait_page
    counselor = _counselor_signed_in(page, live_server)
    booking = _full_booking(counselor)
    day = booking.start.astimezone(JST).date()
    page.goto(f"{live_server.url}/admin/bookings/booking/schedule/?office=kawagoe&date={day}")
    block = page.locator(f"#booking-{booking.pk}")
    block.locator("summary").click()
    pasted = "https://elsewhere.example/r/abc-123"
    block.get_by_label("参加用リンク").fill(pasted)
    block.get_by_role("button", name="リンクを貼り付け").click()

    result = page.locator(f"#result-{booking.pk}")
    expect(result).to_contain_text("できませんでした")
    assert result.get_attribute("role") == "alert"
    assert block.locator("details").get_attribute("open") is None  # the menu stays closed
    page.screenshot(path="var/schedule-refused-768-e2e.png")
    box, viewport = result.bounding_box(), page.viewport_size
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]
    # Nothing lies over the result or the block's first line (the sticky header, the menu).
    for target in (result, block.locator(".time")):
        r = target.bounding_box()
        hit = page.evaluate(
            "([x, y, id]) => document.getElementById(id).contains(document.elementFromPoint(x, y))",
            [r["x"] + 8, r["y"] + r["height"] / 2, f"booking-{booking.pk}"],
        )
        assert hit, target
    assert block.evaluate(UNCLIPPED)["clipped"] is False
    assert page.evaluate("document.activeElement.id") == f"result-{booking.pk}"

    block.locator("summary").click()
    expect(block.get_by_label("参加用リンク")).to_have_value(pasted)  # kept for the next try
    block.get_by_label("参加用リンク").fill("")
    block.get_by_role("button", name="本人から連絡あり").click()
    result = page.locator(f"#result-{booking.pk}")
    expect(result).to_contain_text("済み")
    assert result.get_attribute("role") == "status"
    colours = result.evaluate("e => getComputedStyle(e).borderColor")
    assert "206, 0, 0" not in colours  # success is not drawn as a refusal


def test_the_last_blocks_menu_opens_in_view_and_the_list_has_finger_sized_targets(
    live_server, tablet_page, kawagoe
):
    page = tablet_page
    counselor = _counselor_signed_in(page, live_server)
    now = clock.now()
    svc = service("kawagoe")
    start = now.astimezone(JST).date() + timedelta(days=7)
    slots = slot_list_available(service=svc, first_day=start, last_day=start + timedelta(days=7),
                                now=now)  # fmt: skip
    first = slots[0].start.astimezone(JST).date()
    same_day = [s for s in slots if s.start.astimezone(JST).date() == first]
    last = book(svc, same_day[-1].start, now=now).booking  # the day's last time
    last = booking_confirm(booking=email_checked(last), by=counselor, now=now)
    page.goto(f"{live_server.url}/admin/bookings/booking/schedule/?office=kawagoe&date={first}")
    block = page.locator(f"#booking-{last.pk}")
    block.locator("summary").click()
    menu = block.locator(".actions")
    expect(menu).to_be_visible()
    drawn = menu.bounding_box()
    area = page.locator(".schedule-scroll").bounding_box()
    assert drawn["y"] + drawn["height"] <= area["y"] + area["height"] + 1  # no inner scrolling
    assert drawn["y"] >= 0 and drawn["y"] + drawn["height"] <= page.viewport_size["height"]
    page.screenshot(path="var/schedule-last-menu-e2e.png")

    page.goto(f"{live_server.url}/admin/bookings/booking/?status__exact=confirmed")
    checkbox = page.locator("#result_list input.action-select").first.bounding_box()
    assert checkbox["width"] >= 24 and checkbox["height"] >= 24
    select = page.locator("#changelist-form .actions select").bounding_box()
    assert select["height"] >= 44


def test_todays_schedule_opens_at_now(live_server, tablet_page, kawagoe, frozen):
    """Issue 27 (minor): the day's schedule scrolls to the present on opening."""
    page = tablet_page
    thursday = clock.now().astimezone(JST).date() + timedelta(days=4)
    frozen.move_to(datetime.combine(thursday, time(15, 30), tzinfo=JST))
    _counselor_signed_in(page, live_server)
    page.goto(f"{live_server.url}/admin/bookings/booking/schedule/?office=kawagoe")
    line = page.locator(".schedule .now-line")
    expect(line).to_be_visible()
    top = line.evaluate("(el) => el.getBoundingClientRect().top + window.scrollY")
    viewport = page.viewport_size["height"]
    assert top > viewport, "the now line is on the first screen: nothing to prove here"
    box = line.bounding_box()
    assert 0 <= box["y"] <= viewport
