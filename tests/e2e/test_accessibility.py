"""
Accessibility, checked by axe-core in Chromium against WCAG 2.2 A and AA, on a phone and a
desktop viewport: every public page, and the booking flow with its error states, must have
zero violations. The booking is also made with the keyboard alone, and no page may break
the Content Security Policy (Chromium reports violations on the console).
"""

import os
from datetime import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.e2e.language import choose_language
from tests.e2e.waits import expect
from tests.factories import kawagoe_like, office_with, sasebo_like

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text() if AXE.exists() else ""
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}


@pytest.fixture
def five_offices(transactional_db):
    """Offices whose pages show what the public pages can: Kawagoe and Sasebo (two services
    to choose from, an evening one), Zoom offices with a preparation note and no online
    cancellation, and a vocational center on Teams with its means of accommodation, its
    plain summary and readings (ruby), 60-minute sessions and no job seeker number."""
    kawagoe_like()
    sasebo_like()
    for slug, name in (
        ("toyooka", "ハローワーク豊岡"),
        ("matsudo", "ハローワーク松戸 マザーズコーナー"),
    ):
        office_with(slug=slug, name=name, platform="zoom", confirmation_mode="staff_approval",
                    online_cancel_allowed=False,
                    preparation_note="相談の当日、開始前にハローワークからお電話します。")  # fmt: skip
    office_with(
        slug="yamaguchi", name="山口障害者職業センター", kind="vocational_center",
        platform="teams", slot_minutes=60, confirmation_mode="staff_approval",
        job_seeker_number="not_asked", plain_summary=True, ruby=True,
        accommodation_means=["captions", "sign_language", "written", "more_time", "supporter",
                             "other"],
        preparation_note="通訳者や支援者が同席する場合は、事前にその方の所属と氏名をお知らせください。",
        hours=(time(9), time(16, 30)),
    )  # fmt: skip


@pytest.fixture
def axe_page(live_server, request):
    if not AXE.exists():
        reason = f"needs axe-core at {AXE}: `npm ci` (make test runs it when npm exists)"
        if os.environ.get("REQUIRE_SERVICES") or os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    width, height = VIEWPORTS[request.param]
    from tests.helpers import chromium_page as _page

    pages = _page(width=width, height=height)
    page = next(pages)
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    pages.close()


def audit(page) -> list[str]:
    """axe's WCAG 2.2 AA violations on the current page, one line each."""
    # The page as a person sees it: its stylesheet and fonts applied (an element found by a
    # wait can exist before the CSS has loaded; unstyled inputs are below 24 px, which axe
    # rightly flags: a CI run failed so on /bookings/find/ under load).
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    # Evaluated through the DevTools protocol: the page's own CSP (rightly) refuses any
    # injected <script>, and the test must not weaken it.
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [
        f"{page.url} {v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['html'][:120]})"
        for v in result["violations"]
    ]


PUBLIC_PAGES = [
    "/",
    "/offices/kawagoe/",
    "/offices/sasebo/",
    "/offices/toyooka/",
    "/offices/matsudo/",
    "/offices/yamaguchi/",
    "/offices/kawagoe/terms/",
    "/offices/sasebo/book/",
    "/offices/sasebo/book/?service=evening-saturday",
    "/offices/yamaguchi/device-check/",
    "/bookings/find/",
]


@pytest.mark.parametrize("axe_page", list(VIEWPORTS), indirect=True)
def test_every_public_page_has_no_wcag_violation(live_server, axe_page, five_offices):
    problems = []
    for path in PUBLIC_PAGES:
        axe_page.goto(live_server.url + path)
        problems += audit(axe_page)
    axe_page.goto(live_server.url + "/offices/kawagoe/")
    choose_language(axe_page, "English")
    expect(axe_page.locator("html")).to_have_attribute("lang", "en")  # the English page is in
    problems += audit(axe_page)
    assert problems == []
    assert axe_page.csp_violations == []


@pytest.mark.parametrize("axe_page", list(VIEWPORTS), indirect=True)
def test_the_booking_flow_and_its_errors_by_keyboard_alone(live_server, axe_page, five_offices):
    from bookings.models import Booking

    page = axe_page
    problems = []
    page.goto(live_server.url + "/offices/toyooka/book/")
    problems += audit(page)

    # Keyboard only: Tab to the first free time, choose it with Space, submit with Enter.
    first_time = page.locator("input[name=start]").first
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "start":
            break
    assert page.evaluate("document.activeElement.name") == "start"
    page.keyboard.press("Space")
    assert first_time.is_checked()
    page.keyboard.press("Enter")
    page.wait_for_url("**/book/details/**")
    problems += audit(page)

    # Submitted empty: the error summary takes focus; that state is audited too.
    page.locator("main button.button[type=submit]").last.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    # Focus moves once the page has loaded (autofocus): wait for it, failing if it never does.
    expect(page.locator(".error-summary")).to_be_focused()
    problems += audit(page)

    fields = {"#id_name": "鍵盤 太郎", "#id_name_kana": "ケンバン タロウ",
              "#id_job_seeker_number": "１２３４５ー６７８９０１２",
              "#id_email": "kb@example.jp", "#id_phone": "090-1111-2222"}  # fmt: skip
    for field, value in fields.items():
        if page.locator(field).count():
            page.locator(field).focus()
            page.keyboard.type(value)
    page.locator("main button.button[type=submit]").last.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/book/confirm/**")
    problems += audit(page)

    # Booking without ticking the box: the error state, then agree with Space and book.
    page.locator("main button.button[type=submit]").last.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("[role=alert], .error-summary, .notice--error")
    problems += audit(page)
    page.locator("input[name=agree_terms]").focus()
    page.keyboard.press("Space")
    page.locator("main button.button[type=submit]").last.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/book/done/**")
    problems += audit(page)
    assert Booking.objects.count() == 1

    from tests.helpers import manage_token

    booking = Booking.objects.get()
    manage = f"{live_server.url}/bookings/{manage_token(booking)}/"
    page.goto(manage)
    problems += audit(page)
    page.goto(manage + "cancel/")
    problems += audit(page)
    assert problems == []
    assert page.csp_violations == []
