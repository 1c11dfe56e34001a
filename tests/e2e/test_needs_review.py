"""
Issue 26: axe-core reports no violation and no "needs review" item (its `incomplete`
results) on any page a job seeker meets, nor in its error states, on a phone (390 × 844).
This module: the office list and page, the terms, the time step with its service choice,
details (and with errors), confirm (and refused: the terms not agreed, the time taken
meanwhile), done, the booking's page, moving it (its times and confirm step) and cancelling
it, find-my-booking (and with errors), the device check, and the site's error pages (404, 500, 403, 400, a refusal with
Retry-After, a form sent without its cookie, an expired link). The waitlist, seats,
invitations, interviews and email checks: test_needs_review_more.py.
"""

from datetime import datetime, time

import pytest

from bookings.models import Booking
from tests.e2e.review import HEIGHT, WIDTH, axe_run, review, to_the_end
from tests.e2e.waits import expect
from tests.factories import OpeningHoursFactory, ServiceFactory, office_with
from tests.helpers import book, chromium_page, manage_token, person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.error_urls"),
]


@pytest.fixture
def phone(live_server):
    yield from chromium_page(width=WIDTH, height=HEIGHT)


def _office():
    """An office with two services (so the time step offers the choice), the first with a
    waitlist."""
    office = office_with(counselors=1, phone="049-000-1111")
    first = office.services.get()
    first.waitlist_enabled = True
    first.save(update_fields=["waitlist_enabled"])
    second = ServiceFactory(office=office, name="就職セミナー相談", name_en="Seminar", position=2)
    for weekday in range(5):
        OpeningHoursFactory(service=second, weekday=weekday, start=time(13), end=time(15))
    return office


DETAILS = {"#id_name": "山田 花子", "#id_name_kana": "ヤマダ ハナコ",
           "#id_job_seeker_number": "12345-1234567", "#id_email": "hanako@example.jp",
           "#id_phone": "090-1234-5678"}  # fmt: skip


def _submit(page):
    page.locator("main button.button[type=submit]").last.click()


def test_the_booking_path_and_its_refusals_leave_axe_nothing_to_review(live_server, phone):
    office = _office()
    page, base, found = phone, live_server.url, []
    for name, path in (("office list", "/"), ("office page", f"/offices/{office.slug}/"),
                       ("terms", f"/offices/{office.slug}/terms/")):  # fmt: skip
        page.goto(base + path)
        found += review(page, name)

    page.goto(f"{base}/offices/{office.slug}/book/")
    expect(page.locator(".tabs a")).to_have_count(2)  # the service choice
    to_the_end(page)
    found += review(page, "time")
    chosen = datetime.fromisoformat(page.locator("input[name=start]").first.get_attribute("value"))
    page.locator(".time").first.click()
    page.locator(".actions--sticky button").click()
    page.wait_for_url("**/book/details/**")
    found += review(page, "details")
    _submit(page)
    expect(page.locator(".error-summary")).to_be_focused()
    found += review(page, "details with errors")
    for field, value in DETAILS.items():
        if page.locator(field).count():
            page.locator(field).fill(value)
    _submit(page)
    page.wait_for_url("**/book/confirm/**")
    found += review(page, "confirm")
    _submit(page)  # the box not ticked
    page.wait_for_selector("[role=alert], .error-summary, .notice--error")
    found += review(page, "confirm, terms not agreed")

    # Someone else books that time meanwhile: the booking is refused, back on the time step.
    other = person(email="other@example.jp", job_seeker_number="54321-7654321")
    taken = book(office.services.order_by("position", "pk").first(), chosen, data=other)
    page.locator("input[name=agree_terms]").check()
    _submit(page)
    page.wait_for_url("**/book/?**")
    expect(page.locator(".messages")).to_be_visible()
    to_the_end(page)
    found += review(page, "time, the chosen time taken")

    page.locator(".time").first.click()
    page.locator(".actions--sticky button").click()
    page.wait_for_url("**/book/details/**")
    _submit(page)  # the details kept in the session
    page.wait_for_url("**/book/confirm/**")
    page.locator("input[name=agree_terms]").check()
    _submit(page)
    page.wait_for_url("**/book/done/**")
    found += review(page, "done")

    booking = Booking.objects.exclude(pk=taken.booking.pk).get()
    manage = f"{base}/bookings/{manage_token(booking)}/"
    for name, suffix in (("booking page", ""), ("change", "change/"), ("cancel", "cancel/"),
                         ("device check (booking)", "device-check/")):  # fmt: skip
        page.goto(manage + suffix)
        if name == "change":  # a time list with its sticky bar, as the time step (to_the_end)
            to_the_end(page)
        found += review(page, name)
        if name == "change":  # and its confirm step
            page.locator(".time").first.click()
            page.locator(".actions--sticky button").click()
            page.wait_for_url("**/change/confirm/**")
            found += review(page, "change, confirm")
    page.goto(f"{base}/offices/{office.slug}/device-check/")
    found += review(page, "device check (office)")
    assert found == [], "\n".join(found)


def test_find_my_booking_and_the_error_pages_leave_axe_nothing_to_review(live_server, phone):
    office = _office()
    page, base, found = phone, live_server.url, []
    page.goto(f"{base}/bookings/find/")
    found += review(page, "find")
    _submit(page)
    page.wait_for_selector(".error-summary")
    found += review(page, "find with errors")
    page.locator("input[type=email]").fill("nobody@example.jp")
    page.locator("input[name=reference]").fill("ABCD-1234")
    _submit(page)
    found += review(page, "find, sent")
    for name, path, status in (
        ("404", "/no-such-page/", 404),
        ("expired link", "/bookings/no-such-token/", 404),
        ("404 under an office", f"/offices/{office.slug}/terms/99999/", 404),
        ("500", "/boom/", 500),
        ("500 under an office", f"/offices/{office.slug}/boom/", 500),
        ("403", "/denied/", 403),
        ("400", "/suspicious/", 400),
        ("refusal with Retry-After", "/refused/platform/", 503),
    ):
        response = page.goto(base + path)
        assert response.status == status, path
        found += review(page, name)
    # A form sent without its cookie (left open for days, cookies blocked): 403.
    page.goto(f"{base}/bookings/find/")
    page.context.clear_cookies()
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        _submit(page)
    assert sent.value.status == 403
    found += review(page, "form sent without its cookie")
    assert found == [], "\n".join(found)


def _reason(node) -> str | None:
    """Why axe could not decide a node's contrast (its check's `messageKey`)."""
    reasons = {
        check.get("data", {}).get("messageKey") for check in node["any"] if check.get("data")
    }
    return reasons.pop() if len(reasons) == 1 else None


def _overlap(box, other) -> bool:
    return (box["x"] < other["x"] + other["width"] and other["x"] < box["x"] + box["width"]
            and box["y"] < other["y"] + other["height"] and other["y"] < box["y"] + box["height"])  # fmt: skip


def test_the_first_screen_of_a_time_list_under_its_sticky_bar(live_server, phone):
    """The one allowance of issue 26: on a time list's first screen the opaque sticky 「次へ」
    bar lies, by design, over the times, legends and messages below it (they scroll under
    it; a focused time is never under it: test_focus_not_hidden.py, test_focus_seen.py), and
    axe cannot decide the contrast of a text another element covers. So the only items axe
    may leave undecided here are `color-contrast` nodes whose reason is `bgOverlap` and whose
    box really meets the bar's box; anything else fails. Scrolled to the end, clear of the
    bar, the same nodes pass the contrast check."""
    office = office_with(counselors=1)
    phone.goto(f"{live_server.url}/offices/{office.slug}/book/")
    result = axe_run(phone)
    bar = phone.locator(".actions--sticky")
    bar_box = bar.bounding_box()
    assert bar_box and bar_box["y"] + bar_box["height"] <= HEIGHT  # stuck to the screen's foot
    under, other = [], []
    for rule in result["violations"]:
        other += [f"violation {rule['id']}: {' '.join(node['target'])}" for node in rule["nodes"]]
    for rule in result["incomplete"]:
        for node in rule["nodes"]:
            target, reason = node["target"], _reason(node)
            box = phone.locator(target[0]).bounding_box() if len(target) == 1 else None
            covered = box is not None and _overlap(box, bar_box)
            if rule["id"] == "color-contrast" and reason == "bgOverlap" and covered:
                under.append(target)
            else:
                other.append(f"incomplete {rule['id']} ({reason}): {' '.join(target)} at {box}")
    assert other == [], "\n".join(other)
    # Without texts under the bar this test checks nothing: if axe now decides them, the
    # allowance (here, in review.py and docs/reliability.md) goes.
    assert under, "axe decided every text under the sticky bar: take the allowance away"

    to_the_end(phone)
    bar_box = bar.bounding_box()
    assert not [t for t in under if _overlap(phone.locator(t[0]).bounding_box(), bar_box)]
    clear = axe_run(phone, include=under, rules=["color-contrast"])
    assert (clear["violations"], clear["incomplete"]) == ([], [])
    passed = sorted(" ".join(node["target"]) for rule in clear["passes"] for node in rule["nodes"])
    assert passed == sorted(" ".join(target) for target in under)
