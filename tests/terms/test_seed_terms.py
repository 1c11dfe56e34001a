"""The sample terms the seed gives the five offices, as `make run` shows them."""

import pytest
from django.urls import reverse

from terms.selectors import terms_history, terms_in_force
from tests.helpers import NOW, jst

pytestmark = pytest.mark.django_db


def test_seeded_kawagoe_has_two_versions_and_the_second_is_in_force(with_terms):
    kawagoe = with_terms["kawagoe"]
    history = terms_history(office=kawagoe, at=NOW)
    assert history.current.version == "2023-07-14"
    assert [v.version for v in history.earlier] == ["2021-03-25"]
    assert terms_in_force(office=kawagoe, at=jst(2023, 7, 13, 23, 59)).version == "2021-03-25"


def test_every_seeded_office_has_sample_terms_in_force(with_terms):
    for office in with_terms.values():
        current = terms_in_force(office=office, at=NOW)
        assert current is not None, office.slug
        assert "サンプル" in current.body
        assert office.court in current.body


def test_the_seeded_kawagoe_terms_page_shows_its_sample_text_and_history(client, with_terms):
    html = client.get(reverse("terms-current", args=["kawagoe"])).content.decode()
    assert "ハローワーク川越 オンライン相談利用規約" in html
    assert "2023年7月14日" in html
    assert "/offices/kawagoe/terms/" in html and ">2021-03-25</a>" in html
    assert "相談時間の延長（最大45分）" in html


def test_the_seeded_sasebo_terms_have_their_english_text(client, with_terms):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("terms-current", args=["sasebo"])).content.decode()
    assert "Terms of use of Hello Work Sasebo online consultations" in html
    assert "The Japanese text prevails." in html
