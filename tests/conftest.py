"""
Shared fixtures, and the rule for tests that need real services: a test marked
`postgres` or `redis` is skipped, saying why, when the service is not configured, except
where REQUIRE_SERVICES (or CI) is set: there a missing service fails the test, so CI can
never pass by skipping what it is meant to prove.
"""

import os

import pytest
from django.conf import settings
from django.db import connection

from offices.models import Office
from offices.services import offices_seed

CHROMIUM = "/usr/bin/chromium"


def _services_required() -> bool:
    return bool(os.environ.get("REQUIRE_SERVICES") or os.environ.get("CI"))


def _missing(item: pytest.Item) -> str | None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        return "needs Redis: set REDIS_URL=redis://..."
    if item.get_closest_marker("browser") and not os.path.exists(CHROMIUM):
        return f"needs Debian's Chromium at {CHROMIUM}: apt-get install chromium"
    return None


@pytest.fixture(autouse=True)
def _require_services(request: pytest.FixtureRequest) -> None:
    reason = _missing(request.node)
    if reason is None:
        return
    if _services_required():
        pytest.fail(f"{reason} (required here because REQUIRE_SERVICES or CI is set)")
    pytest.skip(reason)


@pytest.fixture
def seeded(db) -> dict[str, Office]:
    """The five offices as `make run` seeds them, by slug."""
    offices_seed(with_demo_counselors=True)
    return {office.slug: office for office in Office.objects.all()}


@pytest.fixture
def offices(seeded) -> dict[str, Office]:
    """The five offices with their sample terms of use in force."""
    from terms.services import terms_seed

    terms_seed()
    return seeded


@pytest.fixture(autouse=True)
def frozen():
    """
    Every test runs under a stopped clock, at the suite's fixed moment (Sunday 2026-11-22
    10:00 in Japan, `tests.bookings.conftest.NOW`), whatever the real date: live-server
    and browser tests included (time-machine patches the clock for every thread of the
    process). A test that needs another moment moves it: `frozen.move_to(...)`,
    `frozen.shift(seconds)`. Autouse, so it starts before any fixture that logs in,
    creates users or seeds data.
    """
    import time_machine

    from tests.bookings.conftest import NOW

    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached values never leak from one test to another."""
    from django.core.cache import cache

    from bookings.selectors.availability_cache import service_memo_clear

    cache.clear()
    service_memo_clear()
    yield
    cache.clear()
    service_memo_clear()
