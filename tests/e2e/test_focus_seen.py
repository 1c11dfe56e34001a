"""
Issue 26: "a keyboard user always sees the focused element". On the change (reschedule)
page and on the two time lists with the sticky 「次へ」 bar (the booking's and an
invitation's), on a phone and a desktop, every element reached with Tab from the page's
top, and every time reached with the arrow keys, has a focus ring that is whole on the
screen: not outside it, not cut off by a scrolling box around it, not under the sticky
bar, not covered by another element.
"""

import pytest

from tests.e2e.waits import expect
from tests.factories import office_with
from tests.helpers import (
    book,
    chromium_page,
    invitation_office,
    invitation_token,
    invite,
    jst,
    manage_token,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(390, 844), (1280, 720)]

# What is wrong with how the focused element shows, as a list ([] when it is seen whole).
FOCUS_SEEN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {what: 'nothing', problems: []};
  // A time's radio is see-through: its ring is drawn on the time's box beside it.
  const shown = el.matches('.time input') ? el.nextElementSibling : el;
  const style = getComputedStyle(shown);
  const width = style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth);
  const ring = width ? width + Math.max(0, parseFloat(style.outlineOffset)) : 0;
  const r = shown.getBoundingClientRect();
  const box = {left: r.left - ring, top: r.top - ring, right: r.right + ring, bottom: r.bottom + ring};
  const what = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || el.tagName)
    .trim().slice(0, 30);
  const problems = [];
  if (!width && style.boxShadow === 'none') problems.push('no focus ring');
  if (box.left < -0.5 || box.top < -0.5 || box.right > innerWidth + 0.5 || box.bottom > innerHeight + 0.5)
    problems.push('ring not whole on the screen');
  for (let box_ = shown.parentElement; box_ && box_ !== document.body; box_ = box_.parentElement) {
    const s = getComputedStyle(box_);
    if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
    const a = box_.getBoundingClientRect();
    const left = a.left + box_.clientLeft, top = a.top + box_.clientTop;
    if (box.left < left - 0.5 || box.top < top - 0.5 || box.right > left + box_.clientWidth + 0.5
        || box.bottom > top + box_.clientHeight + 0.5)
      problems.push('ring cut off by .' + box_.className);
  }
  const bar = document.querySelector('.actions--sticky');
  if (bar && !bar.contains(el)) {
    const b = bar.getBoundingClientRect();
    if (box.bottom > b.top + 0.5 && box.top < b.bottom) problems.push('under the sticky bar');
  }
  const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
  const labels = el.labels ? Array.from(el.labels) : [];
  if (hit && !(el.contains(hit) || shown.contains(hit) || hit.contains(shown)
               || labels.some(label => label.contains(hit))))
    problems.push('covered by ' + hit.tagName.toLowerCase() + '.' + hit.className);
  return {what, problems};
}"""


def _not_seen(page, name: str) -> list[str]:
    """Tab from the page's top through all it holds, then the arrow keys down its times:
    one line per focused element not seen whole."""
    found, seen = [], []
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("h1").click()  # the reading point at the top, nothing focused
    for _ in range(80):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_SEEN)
        key = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
        if key in seen:  # round the page (through the browser's own UI) and back
            break
        seen.append(key)
        found += [f"{name}: Tab to {state['what']!r}: {p}" for p in state["problems"]]
    assert len(seen) > 5, seen
    times = page.locator(".time input")
    if times.count():
        times.first.focus()
        for _ in range(min(times.count(), 30)):
            state = page.evaluate(FOCUS_SEEN)
            found += [f"{name}: arrow to {state['what']!r}: {p}" for p in state["problems"]]
            page.keyboard.press("ArrowDown")
    return found


@pytest.mark.parametrize("size", SIZES)
def test_the_focused_element_is_seen_whole_on_the_change_page_and_the_time_lists(live_server, size):
    office = office_with(counselors=1)
    booking = book(office.services.get(), jst(2026, 11, 24, 9, 30)).booking
    env = invitation_office()
    pages = {
        "change": f"/bookings/{manage_token(booking)}/change/",
        "time step": f"/offices/{office.slug}/book/",
        "invitation's times": f"/invitations/{invitation_token(invite(env))}/",
    }
    found = []
    for page in chromium_page(width=size[0], height=size[1]):
        for name, path in pages.items():
            page.goto(live_server.url + path)
            expect(page.locator(".time").first).to_be_visible()
            found += _not_seen(page, f"{name} {size[0]}x{size[1]}")
    assert found == [], "\n".join(found)
