from datetime import datetime

import pytest
from django.contrib.auth.models import Group

from common.clock import JST
from offices.roles import COUNSELORS, OFFICE_MANAGERS
from terms.services import terms_seed
from tests.factories import UserFactory


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=JST)


@pytest.fixture
def with_terms(seeded):
    terms_seed()
    return seeded


def staff(office, role: str, username: str):
    user = UserFactory(office=office, username=username)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def kawagoe_manager(with_terms):
    return staff(with_terms["kawagoe"], OFFICE_MANAGERS, "t-kawagoe-manager")


@pytest.fixture
def kawagoe_counselor(with_terms):
    return staff(with_terms["kawagoe"], COUNSELORS, "t-kawagoe-counselor")


@pytest.fixture
def toyooka_manager(with_terms):
    return staff(with_terms["toyooka"], OFFICE_MANAGERS, "t-toyooka-manager")
