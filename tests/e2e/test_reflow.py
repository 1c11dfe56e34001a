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


def _submit(page, button) -> None:
    with page.expect_navigation():  # measured on the next page, never the one leaving
        button.click()


def _wider_by(page, text_size: str) -> float:
    page.wait_for_load_state("load")
    page.add_style_tag(content=f"html {{ font-size: {text_size} !important; }}")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page.evaluate(WIDE)


@pytest.mark.parametrize("text_size", ["100%", "200%"])
def test_no_page_of_the_booking_path_scrolls_sideways_at_320_px(live_server, text_size):
    office = office_with(counselors=1, job_seeker_number="optional")
    for page in chromium_page(width=320, height=640):
        wide = {}
        page.goto(f"{live_server.url}/offices/{office.slug}/")
        wide["office"] = _wider_by(page, text_size)
        page.locator(".language-switch > summary").click()
        wide["office, its language list open"] = _wider_by(page, text_size)
        page.goto(f"{live_server.url}/offices/{office.slug}/book/")
        wide["times"] = _wider_by(page, text_size)
        page.locator(".time").first.click()
        _submit(page, page.locator(".sticky-next button, button[type=submit]").last)
        wide["details"] = _wider_by(page, text_size)
        _submit(page, page.locator("form button[type=submit]").last)  # empty: the error state
        wide["details with errors"] = _wider_by(page, text_size)
        page.locator("#id_name").fill("川越 太郎")
        page.locator("#id_email").fill("taro.kawagoe.long-address@example-long-domain.jp")
        page.locator("#id_phone").fill("090-1234-5678")
        _submit(page, page.locator("form button[type=submit]").last)
        wide["confirm"] = _wider_by(page, text_size)
        page.goto(f"{live_server.url}/bookings/find/")
        wide["find"] = _wider_by(page, text_size)
        too_wide = {name: px for name, px in wide.items() if px > 0}
        assert too_wide == {}, f"pages wider than the screen by (px): {too_wide}"
