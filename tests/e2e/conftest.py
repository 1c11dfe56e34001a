import pytest

from tests.helpers import chromium_page


@pytest.fixture
def browser_page(live_server):
    """A phone-sized page in Debian's Chromium (no downloaded browser)."""
    yield from chromium_page(width=390, height=844)


@pytest.fixture
def tablet_page(live_server):
    """A tablet-sized page (1024 × 768 landscape), as counselors use the admin."""
    yield from chromium_page(width=1024, height=768)


@pytest.fixture
def tablet_portrait_page(live_server):
    """The same tablet held upright (768 × 1024)."""
    yield from chromium_page(width=768, height=1024)
