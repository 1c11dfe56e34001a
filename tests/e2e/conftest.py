import os

import pytest

from tests.conftest import CHROMIUM


@pytest.fixture
def browser_page(live_server):
    """A phone-sized page in Debian's Chromium (no downloaded browser)."""
    yield from _page(width=390, height=844)


@pytest.fixture
def tablet_page(live_server):
    """A tablet-sized page (1024 × 768 landscape), as counselors use the admin."""
    yield from _page(width=1024, height=768)


@pytest.fixture
def tablet_portrait_page(live_server):
    """The same tablet held upright (768 × 1024)."""
    yield from _page(width=768, height=1024)


def _page(*, width: int, height: int):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": width, "height": height}, locale="ja-JP")
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
