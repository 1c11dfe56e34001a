"""
One name for each thing (issue 26): the Japanese catalogue uses the glossary's word and
never a variant `docs/glossary.md` rejects; and the check itself catches each variant.
"""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

GLOSSARY = Path(settings.BASE_DIR) / "docs" / "glossary.md"
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES" / "django.mo"


def rejected_variants() -> list[str]:
    """The regular expressions of the table's last column."""
    variants = []
    for line in GLOSSARY.read_text().splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        last = re.split(r"(?<!\\)\|", line.strip().strip("|"))[-1]
        variants += [v.replace("\\|", "|") for v in re.findall(r"`([^`]+)`", last)]
    return variants


def strays(translations: dict) -> list[str]:
    """Each translation (msgid -> Japanese) that uses a rejected variant."""
    patterns = [re.compile(v) for v in rejected_variants()]
    return [
        f"{msgid!r}: {text!r} uses {pattern.pattern!r}"
        for msgid, text in translations.items()
        for pattern in patterns
        if msgid and text and pattern.search(text)
    ]


def _catalogue() -> dict:
    """The compiled Japanese catalogue, as the pages read it."""
    with CATALOGUE.open("rb") as file:
        return dict(gettext.GNUTranslations(file)._catalog)


def test_the_glossary_rejects_something_for_each_ambiguous_thing():
    variants = rejected_variants()
    for needed in (
        "窓口",
        "キャンセル",
        "無断キャンセル",
        "予約確認ページ",
        "申請",
        "お客様",
        "仮押さえ",
    ):
        assert any(re.search(v, needed) for v in variants), needed


def test_the_japanese_catalogue_uses_no_variant_the_glossary_rejects():
    assert strays(_catalogue()) == []


@pytest.mark.parametrize(
    "stray",
    [
        "キャンセルは事業所へお電話ください。",
        "窓口にお電話ください。",
        "無断キャンセルが続くと",
        "予約確認ページを開く",
        "お申し込みを受け付けました",
        "日時変更の申請",
        "取消",
        "次へ（お客様情報の入力）",
        "このリンクはあなた専用です。",
        "電話番号: %(phone)s",
    ],
)
def test_the_check_catches_each_rejected_variant(stray):
    assert strays({"x": stray})


@pytest.mark.parametrize(
    "kept",
    ["お電話でお申し込みください。", "申込みを送信する", "明日以降にお申し込みいただけます",
     "予約を取り消しました。", "9:30〜10:00", "無断欠席"],
)  # fmt: skip
def test_the_words_the_glossary_chose_pass(kept):
    assert strays({"x": kept}) == []
