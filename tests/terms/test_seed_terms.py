"""The sample terms the seed gives the five offices, as `make run` shows them."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from offices.rules import rules_for_service
from offices.seed_data import OFFICES
from terms import seed_data
from terms import services as terms_services
from terms.models import TermsVersion
from terms.selectors import terms_history, terms_in_force
from terms.services import terms_seed
from tests.helpers import NOW, jst
from tests.test_glossary import strays

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


# Issue 26, the walk: the seed's words are the project's own and keep its glossary; the
# terms say what the office page and the services say.


def _seed_texts(offices: dict) -> dict[str, str]:
    """Every Japanese text the seed writes, by where it is: the services' descriptions,
    the offices' notes and every version of the sample terms."""
    texts = {}
    for spec in OFFICES:
        for field in ("preparation_note", "admin_note"):
            texts[f"{spec['slug']}.{field}"] = spec.get(field, "")
        for service in spec["services"]:
            for field in ("name", "description", "admin_note"):
                texts[f"{spec['slug']}/{service['slug']}.{field}"] = service.get(field, "")
    for version in TermsVersion.objects.filter(office__in=offices.values()):
        for field in ("title", "body", "change_summary"):
            texts[f"terms {version.office.slug} {version.version}.{field}"] = getattr(
                version, field
            )
    return texts


def test_the_seeds_japanese_texts_use_no_variant_the_glossary_rejects(with_terms):
    assert strays(_seed_texts(with_terms)) == []


def test_the_seeded_terms_say_a_missed_session_is_a_no_show_as_the_office_page_does(
    client, with_terms
):
    client.cookies["django_language"] = "ja"
    office_page = client.get(reverse("office-detail", args=["kawagoe"])).content.decode()
    assert "無断欠席として扱います" in office_page
    for office in with_terms.values():
        current = terms_in_force(office=office, at=NOW)
        assert "無断欠席として扱います" in current.body, office.slug
        assert "counts as a no-show" in current.body_en, office.slug


def test_the_seeded_terms_give_each_services_session_length(with_terms):
    for office in with_terms.values():
        body = terms_in_force(office=office, at=NOW).body
        section = body.split("## 予約と相談時間", 1)[1].split("##", 1)[0]
        lengths = {
            rules_for_service(service, office).slot_minutes
            for service in office.services.filter(is_active=True)
        }
        assert {int(n) for n in re.findall(r"(\d+)分(?:です|、)", section)} == lengths, (
            office.slug,
            section,
        )
    sasebo = terms_in_force(office=with_terms["sasebo"], at=NOW).body
    assert "30分" in sasebo and "45分" in sasebo


def test_a_changed_sample_reaches_an_existing_database_as_a_new_version(with_terms, monkeypatch):
    kawagoe, yamaguchi = with_terms["kawagoe"], with_terms["yamaguchi"]
    before = {v.pk: (v.version, v.body) for v in TermsVersion.objects.all()}
    own = TermsVersion.objects.create(
        office=yamaguchi, version="own", title="規約", body="## 目的\n\n事業所の規約です。",
        effective_from=NOW - timedelta(days=1), published_at=NOW - timedelta(days=1),
    )  # fmt: skip
    revised = seed_data.terms_text

    def reworded(office, seed):
        text = revised(office, seed)
        return {**text, "body": text["body"] + "\n追記です。"}

    monkeypatch.setattr(seed_data, "terms_text", reworded)
    monkeypatch.setattr(terms_services, "terms_text", reworded)
    created = terms_seed(now=NOW)

    assert f"terms kawagoe {NOW:%Y-%m-%d} (revised sample)" in created
    assert not [line for line in created if "yamaguchi" in line]  # its own terms: left alone
    for pk, (version, body) in before.items():  # what people agreed to stays as it was
        assert TermsVersion.objects.filter(pk=pk, version=version, body=body).exists()
    current = terms_in_force(office=kawagoe, at=NOW)
    assert current.body.endswith("追記です。") and current.effective_from == NOW
    assert current.change_summary
    assert terms_in_force(office=yamaguchi, at=NOW) == own
    assert terms_seed(now=NOW) == []  # run again: nothing new
