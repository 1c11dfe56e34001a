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

from offices.models import Office, Service
from offices.services import offices_seed
from tests.helpers import CHROMIUM


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
def seeded(db, request: pytest.FixtureRequest) -> dict[str, Office]:
    """
    The five offices as `make run` seeds them, by slug, with every service open to online
    booking, as they were before invitations: the older tests book openly anywhere. A test
    marked `shipped_access` gets the seed's own booking access (invitation only at Toyooka,
    Matsudo, Yamaguchi and Sasebo's weekday service; tests/offices/test_shipped_access.py).
    """
    offices_seed(with_demo_counselors=True)
    if request.node.get_closest_marker("shipped_access") is None:
        Service.objects.update(accepts_web=True)
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
    10:00 in Japan, `tests.helpers.NOW`), whatever the real date: live-server
    and browser tests included (time-machine patches the clock for every thread of the
    process). A test that needs another moment moves it: `frozen.move_to(...)`,
    `frozen.shift(seconds)`. Autouse, so it starts before any fixture that logs in,
    creates users or seeds data.
    """
    import time_machine

    from tests.helpers import NOW

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


@pytest.fixture(autouse=True)
def _force_login_with_a_second_factor(monkeypatch):
    """
    `client.force_login(staff)` skips the password, and with it the second factor: the
    session is marked as verified with a device of the test's own. The sign-in itself,
    second factor included, is tested through its pages (tests/accounts/).
    """
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if not user.is_staff:
            return
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_static.models import StaticDevice

        device, _created = StaticDevice.objects.get_or_create(user=user, name="tests")
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login)
