"""
An office manager signs in, opens 実績 from the admin's shortcuts and sees the month's
figures drawn as charts beside their tables, in Chromium, without breaking the CSP; the
monthly report opens as a page to print.
"""

from datetime import timedelta

import pytest

from bookings.models import BookingStatus
from offices.roles import OFFICE_MANAGERS
from tests.e2e.signin import staff_sign_in
from tests.e2e.test_accessibility import AXE, AXE_SOURCE, WCAG
from tests.e2e.waits import expect
from tests.factories import kawagoe_like
from tests.helpers import booking_row, jst, service, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _month_of_bookings() -> None:
    kawagoe = service("kawagoe")
    first, second = list(kawagoe.office.counselors.order_by("pk"))
    outcomes = [BookingStatus.COMPLETED] * 6 + [
        BookingStatus.NO_SHOW, BookingStatus.SWITCHED_TO_PHONE, BookingStatus.CANCELLED,
    ]  # fmt: skip
    for day in (2, 4, 9, 11, 16, 18):
        for n, status in enumerate(outcomes):
            start = jst(2026, 11, day, 9, 30) + timedelta(minutes=30 * n)
            booking_row(kawagoe, start, status=status, counselor=first if n % 2 else second,
                        channel="phone" if n == 3 else "web",
                        created_at=start - timedelta(days=n + 2))  # fmt: skip
    for day in (5, 12):
        booking_row(kawagoe, jst(2026, 10, day, 10, 0), status=BookingStatus.NO_SHOW)


def _audit_content(page) -> list[str]:
    """axe's WCAG 2.2 AA violations within the page's content (the admin's frame is Django's)."""
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run('#content', {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [f"{v['id']}: {v['nodes'][0]['html'][:120]}" for v in result["violations"]]


def test_a_manager_sees_the_months_figures_as_charts(live_server, tablet_page, tmp_path):
    # ハローワーク川越, two counselors, open 9:30-12:00 and 13:00-16:00 (the month's times).
    office = kawagoe_like(counselors=2, afternoon=True)
    _month_of_bookings()
    manager = staff(office, OFFICE_MANAGERS, "kawagoe-manager")
    manager.set_password("a long demo password")
    manager.save()
    violations = []
    page = tablet_page
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)

    staff_sign_in(page, live_server, manager.username, "a long demo password")
    page.get_by_role("link", name="実績").click()

    assert "実績：ハローワーク川越 — 2026年11月" in page.locator("h1").inner_text()
    charts = page.locator("svg.chart")
    assert charts.count() >= 7
    for slug in ("outcomes", "channels", "utilisation", "heatmap", "lead", "no-shows", "bars"):
        figure = page.locator(f"#figure-{slug}")
        assert figure.locator("svg.chart rect, svg.chart polyline").count() > 0, slug
        assert figure.locator("table").count() >= 1, slug
        box = figure.locator("svg.chart").bounding_box()
        assert box["width"] > 200 and box["height"] > 40, slug
    heat = page.locator("#figure-heatmap svg.chart")
    assert heat.get_by_text("月", exact=True).count() == 1  # Monday's row
    assert "実施" in page.locator("#figure-outcomes table").inner_text()
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000
    if AXE.exists():
        assert _audit_content(page) == []

    page.get_by_role("link", name="月次報告（印刷用）").click()
    expect(page.locator("h1")).to_contain_text("月次報告 — 2026年11月")
    assert page.get_by_role("button", name="印刷").is_visible()  # print.js ran under the CSP
    page.emulate_media(media="print")
    assert not page.locator(".reports-period").is_visible()
    page.screenshot(path=str(tmp_path / "monthly-print.png"), full_page=True)
    assert violations == []
