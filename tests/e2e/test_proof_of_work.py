"""
The proof of work in Chromium (issue 23): the self-hosted ALTCHA widget solves its
challenge under the site's CSP (no inline script, its worker a file of this site) while
the person reads the terms, and the booking then holds its time at once. And what it
costs a person on a phone-class CPU: `make pow-cost` prints the figures of
`test_what_the_proof_costs_a_phone`, which docs/booking-access.md quotes.
"""

import json
import os
import re
import statistics

import pytest
from django.test import override_settings

from bookings.models import Booking, BookingStatus
from tests.e2e.waits import expect
from tests.factories import office_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SOLVED = "document.querySelector('input[name=altcha]')?.value || ''"


def _to_confirm(page, live_server, office):
    page.goto(f"{live_server.url}/offices/{office.slug}/book/")
    page.locator(".time").first.click()
    page.get_by_role("button", name="次へ（お名前・連絡先の入力）").click()
    page.locator("#id_name").fill("山田 花子")
    page.get_by_label("求職番号").fill("12345-1234567")
    page.get_by_label("メールアドレス").fill("hanako@example.jp")
    page.get_by_label("電話番号").fill("090-1234-5678")
    page.get_by_role("button", name="次へ（確認）").click()


@override_settings(PROOF_OF_WORK=True)
def test_the_widget_solves_under_the_csp_while_the_terms_are_read_and_the_booking_holds(
    live_server, browser_page
):
    office = office_with(counselors=1, confirmation_mode="staff_approval")
    page = browser_page
    refused, logged = [], []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.on("console", lambda m: logged.append(m.text))
    page.on("pageerror", lambda e: logged.append(str(e)))
    _to_confirm(page, live_server, office)
    expect(page.locator("input[name=altcha]")).to_have_count(1)
    expect(page.locator("input[name=altcha]")).not_to_have_value("")
    page.get_by_label("利用規約を読み、同意します。").check()
    page.get_by_role("button", name="申し込む").click()
    expect(page).to_have_url(re.compile("/book/done/"))
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.REQUESTED  # holds its time, as before
    assert booking.verification_expires_at is not None
    assert refused == [], logged


# One SHA-256 per candidate number over WebCrypto, as the widget's worker does (altcha
# v1: the number whose hash with the salt is the challenge), on the page's main thread,
# which Emulation.setCPUThrottlingRate slows (it does not reach workers).
SOLVE = """async ([salt, challenge, max]) => {
  const enc = new TextEncoder();
  const t0 = performance.now();
  for (let n = 0; n <= max; n++) {
    const d = await crypto.subtle.digest("SHA-256", enc.encode(salt + n));
    const hex = [...new Uint8Array(d)].map(b => b.toString(16).padStart(2, "0")).join("");
    if (hex === challenge) return [n, performance.now() - t0];
  }
  return [-1, performance.now() - t0];
}"""

THROTTLE = 6  # Chrome DevTools' "low-end mobile" is 6× slower than this machine's core
RUNS = 5


def _solve_times(page, live_server, office, max_number: int) -> list[float]:
    times = []
    with override_settings(POW_QUIET_MAX_NUMBER=max_number, POW_BUSY_MAX_NUMBER=max_number):
        for _ in range(RUNS):
            url = f"{live_server.url}/api/v1/offices/{office.slug}/challenge"
            challenge = json.loads(page.evaluate("u => fetch(u).then(r => r.text())", url))
            number, ms = page.evaluate(
                SOLVE, [challenge["salt"], challenge["challenge"], challenge["maxnumber"]]
            )
            assert number >= 0
            times.append(ms / 1000)
    return times


# A measurement, not a check: left out of `make test` (marker `measure`), run by
# `make pow-cost`. It also cannot run under libfaketime: Chromium's CPU throttling, driven
# by a faked clock, never lets the page's loop finish (CI's second run hung here for an hour).
@pytest.mark.measure
def test_what_the_proof_costs_a_phone(live_server, browser_page, settings):
    office = office_with(counselors=1)
    page = browser_page
    page.goto(f"{live_server.url}/offices/{office.slug}/")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})
    quiet = _solve_times(page, live_server, office, settings.POW_QUIET_MAX_NUMBER)
    busy = _solve_times(page, live_server, office, settings.POW_BUSY_MAX_NUMBER)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    for name, cost, times in (
        ("quiet", settings.POW_QUIET_MAX_NUMBER, quiet),
        ("busy", settings.POW_BUSY_MAX_NUMBER, busy),
    ):
        print(
            f"\nproof of work, {name} office (maxnumber {cost:,}), Chromium CPU x{THROTTLE}, "
            f"one thread, {RUNS} challenges: median {statistics.median(times):.2f} s, "
            f"max {max(times):.2f} s"
        )
    # Throttling multiplies whatever else the machine runs: the figures hold for an idle one.
    load = os.getloadavg()[0]
    print(
        f"load average during the run: {load:.1f} on {os.cpu_count()} cores"
        + ("  (a busy machine: run again when idle)" if load > (os.cpu_count() or 1) else "")
    )
    # Figures are printed (`make pow-cost`; docs/booking-access.md records a run), never
    # asserted: a timed assertion fails on a loaded machine (it did, median 1.08 s at a
    # load average of 18 on 2 cores) without anything being wrong. What is asserted is that
    # every challenge, at both costs, was solved by the browser's own SHA-256.
    assert len(quiet) == len(busy) == RUNS
