"""
The time page's sticky 「次へ」 bar on a phone, in every shipped language: it is on the first
screen, and at no scroll position does it lie over a link or button other than the times it
sticks beside (so no day link, tab, pager or waitlist link is ever partly hidden, whatever the
length of the language's words: axe's target-size, WCAG 2.5.8). The bar sticks within the
list of days only (static/css/site.css, `.day-list`); the focused time is never under it
(tests/e2e/test_focus_not_hidden.py).
"""

import pytest

from common.languages import BY_CODE, SHIPPED
from tests.e2e.language import choose_language
from tests.e2e.test_accessibility import AXE_SOURCE
from tests.e2e.waits import expect
from tests.factories import office_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What lies under the bar, as "tag.class text" of each focusable element it covers, but the
# times' own radio buttons (the list the bar belongs to).
UNDER_THE_BAR = """() => {
  const bar = document.querySelector('.actions--sticky');
  const box = bar.getBoundingClientRect();
  const focusable = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  return [...document.querySelectorAll(focusable)].filter(element => {
    if (bar.contains(element) || element.matches('.day-list .time input')) return false;
    const r = element.getBoundingClientRect();
    if (!r.width || !r.height) return false;
    return r.top < box.bottom && r.bottom > box.top && r.left < box.right && r.right > box.left;
  }).map(element => `${element.tagName.toLowerCase()}.${element.className} ${element.innerText}`);
}"""


def _target_size(page) -> list:
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("axe.run(document, {runOnly: {type: 'rule', values: ['target-size']}})")
    return [node["html"][:120] for v in result["violations"] for node in v["nodes"]]


def test_the_bar_is_on_the_first_screen_and_over_no_link_in_any_language(live_server, browser_page):
    office = office_with(counselors=1)
    office.services.update(waitlist_enabled=True)  # a link right after the list
    page = browser_page
    page.goto(f"{live_server.url}/offices/{office.slug}/book/")
    problems = []
    for code in SHIPPED:
        if page.locator("html").get_attribute("lang") != code:  # the page opens in Japanese
            choose_language(page, BY_CODE[code].name_local)
        expect(page.locator("html")).to_have_attribute("lang", code)
        page.wait_for_load_state("load")
        page.evaluate("document.fonts.ready.then(() => true)")
        button = page.locator(".actions--sticky button")
        box = button.bounding_box()
        if not (box and box["y"] + box["height"] <= 844):
            problems.append(f"{code}: 次へ is not on the first screen ({box})")
        height = page.evaluate("document.documentElement.scrollHeight")
        for y in range(0, height, 60):
            page.evaluate(f"window.scrollTo(0, {y})")
            for covered in page.evaluate(UNDER_THE_BAR):
                problems.append(f"{code} at {y}px: the bar covers {covered}")
            if y % 600 == 0:
                problems += [f"{code} at {y}px: target-size {html}" for html in _target_size(page)]
        page.evaluate("window.scrollTo(0, 0)")
    assert problems == []
