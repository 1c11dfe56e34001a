"""
Waiting for the page from the test's side. `page.wait_for_function("…")` evaluates a string
in the page each time it polls, which the site's CSP (no `unsafe-eval`) refuses once it
polls: such a wait passed when the page was already there and failed under load. Waits are
Playwright's `expect` (it polls from the driver) or `wait_until` below;
`tests/e2e/test_waits.py` keeps `wait_for_function` out of the suite.
"""

import time

from playwright.sync_api import expect

TIMEOUT_SECONDS = 15

expect.set_options(timeout=TIMEOUT_SECONDS * 1000)


def wait_until(page, expression: str, timeout: float = TIMEOUT_SECONDS):
    """Evaluate `expression` in the page (one CDP call each time, not subject to the CSP)
    until it is truthy; fail with the expression if it never is."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)
