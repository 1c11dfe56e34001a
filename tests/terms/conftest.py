import pytest

from offices.roles import COUNSELORS, OFFICE_MANAGERS
from terms.services import terms_seed
from tests.helpers import staff


@pytest.fixture
def with_terms(seeded):
    terms_seed()
    return seeded


@pytest.fixture
def kawagoe_manager(with_terms):
    return staff(with_terms["kawagoe"], OFFICE_MANAGERS, "t-kawagoe-manager")


@pytest.fixture
def kawagoe_counselor(with_terms):
    return staff(with_terms["kawagoe"], COUNSELORS, "t-kawagoe-counselor")


@pytest.fixture
def toyooka_manager(with_terms):
    return staff(with_terms["toyooka"], OFFICE_MANAGERS, "t-toyooka-manager")
