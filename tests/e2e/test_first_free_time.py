"""
Issue 26 (minor): the first free time was below the first screen (the dates came first) and
the time page was 12.5 screens at 200% text. On a phone (390 × 844) at 100% text the first
free time is on the first screen. At 200% text the header's seven language buttons, one per
line, filled the first screen by themselves (the first time at 1,945 px); the languages are now
behind one 「Language」 control (tests/e2e/test_language_selector.py), the header is under a
quarter of the screen, and the first time is on the second screen: what comes before it (the
office, the steps, the heading, the session's length and lead time, the period, the day
picker) is what the person reads to choose, and none of it is hidden to pull the time up.
"""

import pytest

from tests.factories import office_with
from tests.helpers import chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEIGHT = 844
FIRST_TIME = """() => document.querySelector('.time').getBoundingClientRect().bottom"""
HEADER = """() => document.querySelector('.site-header').getBoundingClientRect().height"""


@pytest.mark.parametrize("text_size, screens", [("100%", 1), ("200%", 2)])
def test_the_first_free_time_is_on_the_first_screens_of_a_phone(live_server, text_size, screens):
    office = office_with(counselors=1)
    for page in chromium_page(width=390, height=HEIGHT):
        page.goto(f"{live_server.url}/offices/{office.slug}/book/")
        page.wait_for_load_state("load")
        page.add_style_tag(content=f"html {{ font-size: {text_size} !important; }}")
        page.evaluate("document.fonts.ready.then(() => true)")
        header = page.evaluate(HEADER)
        assert header <= HEIGHT / 4, f"the header is {header} px tall"
        bottom = page.evaluate(FIRST_TIME)
        assert bottom <= screens * HEIGHT, f"the first free time ends at {bottom} px"
