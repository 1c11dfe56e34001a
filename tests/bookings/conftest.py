"""Fixtures the counselor's-day modules share; each module builds its own office as the
fixture `kawagoe`, stating the rules its tests depend on."""

import pytest

from tests.helpers import counselor_account


@pytest.fixture
def counselor(kawagoe):
    """The first counselor's staff account at the module's office."""
    return counselor_account(kawagoe)


@pytest.fixture
def staff_client(client, counselor):
    """The test client signed in as that counselor."""
    client.force_login(counselor)
    return client
