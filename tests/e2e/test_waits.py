"""No browser test waits with `wait_for_function`: it evaluates a string in the page on each
poll, which the CSP refuses (see `tests/e2e/waits.py`)."""

import itertools
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent


def test_no_browser_wait_evaluates_a_string_in_the_page():
    offenders = [
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if path.name not in ("test_waits.py", "waits.py")
        and "wait_for_function(" in path.read_text()
    ]
    assert offenders == []


READS = (".count()", ".inner_text()", ".is_visible()", ".content()", ".url", ".text_content()")


def test_no_browser_test_reads_the_page_straight_after_a_click():
    """A click returns before the page it causes has loaded: the next read must wait for
    its state with `expect(...)`, which retries, not read once (the passkey test failed at
    random this way, reading the recovery codes before they were on the page)."""
    offenders = []
    for path in (TESTS / "e2e").glob("test_*.py"):
        lines = [line.strip() for line in path.read_text().splitlines()]
        for number, (line, after) in enumerate(itertools.pairwise(lines), start=2):
            if ".click(" in line and after.startswith("assert") and any(r in after for r in READS):
                offenders.append(f"{path.name}:{number}")
    assert offenders == []


def test_every_browser_test_takes_expect_with_the_suites_timeout():
    offenders = [
        path.name
        for path in (TESTS / "e2e").glob("test_*.py")
        if path.name != "test_waits.py"
        and "from playwright.sync_api import expect" in path.read_text()
    ]
    assert offenders == [], "import expect from tests.e2e.waits (its timeout fits a loaded CI)"
