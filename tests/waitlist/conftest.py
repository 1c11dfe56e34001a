import pytest

from tests.waitlist.helpers import waitlist_office


@pytest.fixture
def env(db):
    """An office whose one service (one counselor, Tuesday 24 November full) has a
    waitlist, with terms in force."""
    return waitlist_office()
