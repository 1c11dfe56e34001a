"""
WCAG 2.2 1.4.10 (reflow) and 1.4.4 (resize text) on the booking path: at 320 px wide, with the
text at 100% and at 200%, no page of the path scrolls sideways. The outside walk of issue 26
found the details page 328 px wide at 320 px and 200% text: the email hint's example address
(「例：taro@example.jp）。」) did not wrap; the header's 「Language」 selector was 32 px too wide.
"""

import pytest

from tests.factories import office_with
from tests.helpers import chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.parametrize("text_size", ["100%", "200%"])
def test_no_page_of_the_booking_path_scrolls_sideways_at_320_px(live_server, text_size):
    office = office_with(counselors=1, job_seeker_number="optional")
    style = f"html {{ font-size: {text_size} !important; }}"
    for page in chromium_page(width=320, height=640):
        wide = {}

        def submit(button):
            with page.expect_navigation():  # measured on the next page, never the one leaving
                button.click()

        def measure(name):
            page.wait_for_load_state("load")
            page.add_style_tag(content=style)
            page.evaluate("document.fonts.ready.then(() => true)")
            if (extra := page.evaluate(WIDE)) > 0:
                wide[name] = extra

        page.goto(f"{live_server.url}/offices/{office.slug}/")
        measure("office")
        page.locator(".language-switch > summary").click()
        measure("office, its language list open")
        page.goto(f"{live_server.url}/offices/{office.slug}/book/")
        measure("times")
        page.locator(".time").first.click()
        submit(page.locator(".sticky-next button, button[type=submit]").last)
        measure("details")
        submit(page.locator("form button[type=submit]").last)  # empty: the error state
        measure("details with errors")
        page.locator("#id_name").fill("川越 太郎")
        page.locator("#id_email").fill("taro.kawagoe.long-address@example-long-domain.jp")
        page.locator("#id_phone").fill("090-1234-5678")
        submit(page.locator("form button[type=submit]").last)
        measure("confirm")
        page.goto(f"{live_server.url}/bookings/find/")
        measure("find")
        assert wide == {}, f"pages wider than the screen by (px): {wide}"
