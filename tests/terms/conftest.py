from datetime import datetime

import pytest

from common.clock import JST
from offices.roles import COUNSELORS, OFFICE_MANAGERS
from terms.services import terms_seed, terms_version_import
from tests.factories import office_with
from tests.helpers import staff


@pytest.fixture
def with_terms(seeded):
    terms_seed()
    return seeded


# For tests that are not about the seed: offices of the test's own and their staff.

FIRST_BODY = "## 目的\n\nこの規約はオンライン相談の利用について定めます。"
SECOND_BODY = FIRST_BODY + "\n\n## 利用の記録\n\n相談の日時を記録します。"
BODY_EN = "## Purpose\n\nThese terms set out how you use the online consultations. The Japanese text prevails."


def _on(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=JST)


@pytest.fixture
def office(db):
    """An office whose terms have two published versions: 2021-03-25, and 2023-07-14 (in
    force, adding a section on records), each with an English title and text."""
    office = office_with(name="ハローワーク川越", name_en="Hello Work Kawagoe", terms=False)
    for label, body in (("2021-03-25", FIRST_BODY), ("2023-07-14", SECOND_BODY)):
        moment = _on(*map(int, label.split("-")))
        terms_version_import(
            office=office, effective_from=moment, published_at=moment, version=label,
            title=f"{office.name} オンライン相談利用規約",
            title_en=f"Terms of use of {office.name_en} online consultations", body=body,
            body_en=BODY_EN,
        )  # fmt: skip
    return office


@pytest.fixture
def other(db):
    """Another office, with its terms in force."""
    return office_with(name="ハローワーク豊岡")


@pytest.fixture
def manager(office):
    return staff(office, OFFICE_MANAGERS, "t-office-manager")


@pytest.fixture
def counselor(office):
    return staff(office, COUNSELORS, "t-office-counselor")


@pytest.fixture
def other_manager(other):
    return staff(other, OFFICE_MANAGERS, "t-other-manager")
