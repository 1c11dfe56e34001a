"""
Issue 26 (minor): the first free time was below the first screen (the dates came first) and
the time page was 12.5 screens at 200% text. On a phone (390 × 844) at 100% text the first
free time is on the first screen. At 200% text it is not yet: the header's seven language
buttons, one per line, fill the first screen (2026-12-06: the first time at 1,945 px, the
page 10.7 screens for 9 days), a strict xfail until the header is shortened
(docs/issue-26-audit.md).
"""

import pytest

from tests.factories import office_with
from tests.helpers import chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEIGHT = 844
FIRST_TIME = """() => document.querySelector('.time').getBoundingClientRect().bottom"""


@pytest.mark.parametrize(
    "text_size",
    [
        "100%",
        pytest.param(
            "200%",
            marks=pytest.mark.xfail(
                strict=True, reason="the language buttons fill the first screen at 200% text"
            ),
        ),
    ],
)
def test_the_first_free_time_is_on_the_first_screen_of_a_phone(live_server, text_size):
    office = office_with(counselors=1)
    for page in chromium_page(width=390, height=HEIGHT):
        page.goto(f"{live_server.url}/offices/{office.slug}/book/")
        page.wait_for_load_state("load")
        page.add_style_tag(content=f"html {{ font-size: {text_size} !important; }}")
        page.evaluate("document.fonts.ready.then(() => true)")
        bottom = page.evaluate(FIRST_TIME)
        assert bottom <= HEIGHT, f"the first free time ends at {bottom} px"
