"""
WCAG 2.2 2.4.11 (focus not obscured), issue 26 major 6: on the time page, the focused time
is never under the sticky 「次へ」 bar, on a phone and on a desktop, moving through the
times with the keyboard.
"""

import pytest

from tests.e2e.waits import expect
from tests.factories import kawagoe_like
from tests.helpers import chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _hidden_under_the_bar(page) -> str:
    """The focused time's label if the sticky bar covers any of it, else ''."""
    return page.evaluate(
        """() => {
          const focused = document.activeElement.closest('.time');
          const bar = document.querySelector('.actions--sticky').getBoundingClientRect();
          if (!focused) return 'nothing focused';
          const box = focused.getBoundingClientRect();
          return box.bottom > bar.top + 0.5 ? focused.innerText : '';
        }"""
    )


@pytest.mark.parametrize("size", [(390, 844), (1280, 720)])
def test_a_time_focused_with_the_keyboard_is_never_under_the_sticky_bar(live_server, size):
    # Kawagoe's day: 9:30-12:00 and 13:00-16:00, eleven times, more than a screen holds.
    kawagoe_like(afternoon=True)
    for page in chromium_page(width=size[0], height=size[1]):
        page.goto(live_server.url + "/offices/kawagoe/book/")
        first = page.locator(".time input").first
        first.focus()
        expect(first).to_be_focused()
        for _ in range(12):  # down the times with the arrow key, as a keyboard user does
            page.keyboard.press("ArrowDown")
            assert _hidden_under_the_bar(page) == ""
        # Tab from the page's top to the times: the first one focused is in view too.
        page.evaluate("window.scrollTo(0, 0)")
        page.locator("h1").click()
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("!!document.activeElement.closest('.time')"):
                break
        assert _hidden_under_the_bar(page) == ""
