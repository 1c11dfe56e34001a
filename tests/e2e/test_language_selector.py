"""
The header's language selector (issue 26: at 200% text its seven buttons, one per line, filled
a phone's first screen). It is one control on one line, labelled 「Language」 in English on every
page with a globe beside it, as the Digital Agency's design system has it; open, it lists each
language in its own name, the page's own ticked and not a button. It works from the keyboard,
without JavaScript (a <details>), and keeps what the person typed when they switch.
"""

import pytest

from common.languages import BY_CODE
from tests.e2e.language import LANGUAGE_SELECTOR, choose_language
from tests.e2e.test_accessibility import audit
from tests.e2e.waits import expect
from tests.factories import office_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_closed_it_is_one_line_labelled_language_on_every_page_language(live_server, browser_page):
    office = office_with(counselors=1)
    page = browser_page
    page.goto(f"{live_server.url}/offices/{office.slug}/")
    summary = page.locator(LANGUAGE_SELECTOR)
    for code in ("ja", "en"):
        expect(summary).to_have_text("Language")
        assert summary.get_attribute("lang") == "en"
        box = summary.bounding_box()
        assert box["height"] <= 60, box
        assert not page.get_by_role("button", name="English", exact=True).is_visible()
        if code == "ja":
            choose_language(page, "English")
            expect(page.locator("html")).to_have_attribute("lang", "en")


def test_open_it_lists_every_language_in_itself_with_the_page_s_own_ticked(
    live_server, browser_page, settings
):
    office = office_with(counselors=1)
    page = browser_page
    page.goto(f"{live_server.url}/offices/{office.slug}/book/")
    page.locator(LANGUAGE_SELECTOR).click()
    current = page.locator(".language-switch [aria-current='true']")
    expect(current).to_have_text("日本語")
    assert current.evaluate("e => e.tagName") == "SPAN"  # the page's own: no button to press
    for code, _name in settings.LANGUAGES:
        if code != "ja":
            button = page.get_by_role("button", name=BY_CODE[code].name_local, exact=True)
            expect(button).to_be_visible()
            assert button.get_attribute("lang") == code
            box = button.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (code, box)  # on the screen
    assert audit(page) == []  # open, over the page: no WCAG 2.2 AA violation


def test_from_the_keyboard_it_opens_and_switches(live_server, browser_page):
    office = office_with(counselors=1)
    page = browser_page
    page.goto(f"{live_server.url}/offices/{office.slug}/")
    for _ in range(3):  # the skip link, the site's name, then the selector
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.language-switch > summary')"):
            break
    assert page.evaluate("document.activeElement.matches('.language-switch > summary')")
    page.keyboard.press("Enter")
    expect(page.locator(".language-switch")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('lang')") is not None
    while page.evaluate("document.activeElement.value") != "en":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_switching_on_the_details_page_keeps_what_was_typed_at_200_percent_text(
    live_server, browser_page
):
    office = office_with(counselors=1)
    page = browser_page
    page.goto(f"{live_server.url}/offices/{office.slug}/book/")
    page.add_style_tag(content="html { font-size: 200% !important; }")
    page.locator(".time").first.click()
    page.locator(".sticky-next button, button[type=submit]").last.click()
    page.locator("#id_name").fill("川越 花子")
    page.add_style_tag(content="html { font-size: 200% !important; }")
    choose_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.locator("#id_name").input_value() == "川越 花子"
