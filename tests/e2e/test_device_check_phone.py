"""
Issue 26, major 7: on a phone at the Zoom and Teams offices, joining with the platform's
app is the usual way: the device check says so as information with the app's install link,
never 「問題あり」, and what the office receives is no problem either.
"""

import pytest

from tests.e2e.waits import expect
from tests.factories import office_with
from tests.helpers import chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.mark.parametrize(("platform", "app_url"), [("zoom", "https://zoom.us/download"),
                                                   ("teams", "microsoft-teams/download-app")])  # fmt: skip
def test_on_a_phone_the_app_is_information_with_its_install_link(live_server, platform, app_url):
    slug = office_with(platform=platform).slug
    for page in chromium_page(width=390, height=844):
        page.context.set_extra_http_headers({})
        page.add_init_script(
            f"Object.defineProperty(navigator, 'userAgent', {{get: () => {IPHONE!r}}});"
            "Object.defineProperty(navigator, 'userAgentData', {get: () => undefined});"
        )
        page.goto(live_server.url + f"/offices/{slug}/device-check/")
        result = page.locator("#browser-result")
        expect(result).to_contain_text("アプリ")
        assert "check-result--info" in result.get_attribute("class")
        assert "check-result--problem" not in result.get_attribute("class")
        assert app_url in result.locator("a").get_attribute("href")
        summary = page.locator("#summary-list")
        expect(summary).to_contain_text("ブラウザ：アプリで参加")
        assert "ブラウザ：問題" not in summary.inner_text()
