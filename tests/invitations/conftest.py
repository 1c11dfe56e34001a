import pytest

from tests.helpers import invitation_office


@pytest.fixture
def inviting(db):
    """An office whose service takes invitations, two counselors, a counselor account
    and a person's record (`tests.helpers.invitation_office`)."""
    return invitation_office()
