"""
Back and reload after the details page answered with errors (the outside walk of issue 26):
Chromium asked to "confirm form resubmission" (ERR_CACHE_MISS), because the errors answer the
POST. The page now replaces its history entry with its own GET address
(static/js/get-after-post.js), and the server keeps what was typed: Back from the confirm page
and reload of the error page both show the details page, filled in, and post nothing.
"""

import re

import pytest

from tests.e2e.waits import expect
from tests.factories import office_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _to_details_with_errors(page, live_server, office):
    page.goto(f"{live_server.url}/offices/{office.slug}/book/")
    page.locator(".time").first.click()
    page.locator(".sticky-next button, button[type=submit]").last.click()
    page.locator("#id_name").fill("川越 太郎")
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()  # no email, no phone: errors
    expect(page.locator(".error-summary")).to_be_visible()


def test_back_from_the_confirm_page_after_an_error_shows_the_filled_in_details_page(
    live_server, browser_page
):
    office = office_with(counselors=1, job_seeker_number="optional")
    page = browser_page
    _to_details_with_errors(page, live_server, office)
    page.locator("#id_email").fill("taro@example.jp")
    page.locator("#id_phone").fill("090-1234-5678")
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile("/confirm/"))
    response = page.go_back()
    assert response is not None and response.request.method == "GET", response
    assert response.status == 200
    assert page.locator("#id_name").input_value() == "川越 太郎"
    assert page.locator("#id_email").input_value() == "taro@example.jp"


def test_reloading_the_error_page_asks_nothing_and_keeps_what_was_typed(live_server, browser_page):
    office = office_with(counselors=1, job_seeker_number="optional")
    page = browser_page
    _to_details_with_errors(page, live_server, office)
    assert "start=" in page.url  # the entry is the page's GET address now
    response = page.reload()
    assert response.request.method == "GET" and response.status == 200
    assert page.locator("#id_name").input_value() == "川越 太郎"
