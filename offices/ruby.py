"""
Readings (ruby, ふりがな) over the kanji of the headings of pages in やさしい日本語, where
the office chooses so (`Office.ruby`). `base.html` passes the page's main content through
`furigana`; only the text of <h1> and <h2> is changed, word by word from READINGS, so a
word outside the list stays as it is (the fixed headings of the booking pages are all in it:
tests/offices/test_ruby.py). Body text keeps no ruby: the guideline's rewriting (short
sentences, few kanji) carries it.
"""

import re

# "[漢字|よみ]" with the kana around it that fixes the reading (e.g. "の[日|ひ]").
READINGS = (
    "[予約|よやく]", "[時間|じかん]", "[相談員|そうだんいん]", "[相談|そうだん]",
    "[利用規約|りようきやく]", "[連絡先|れんらくさき]", "[内容|ないよう]", "[確認|かくにん]",
    "[接続|せつぞく]", "[参加|さんか]", "[準備|じゅんび]", "[同意|どうい]", "[無効|むこう]",
    "[招待|しょうたい]", "[案内|あんない]", "[電話|でんわ]", "[必要|ひつよう]", "[名前|なまえ]",
    "[全部|ぜんぶ]", "[電池|でんち]", "[一度|いちど]", "[事業所|じぎょうしょ]",
    "[受付|うけつけ]", "[週間|しゅうかん]", "[様子|ようす]", "[日|ひ]にち", "の[日|ひ]",
    "[版|はん]", "[申|もう]し[込|こ]", "[選|えら]", "[見|み]", "[変|か]え", "[変|か]わ",
    "[終|お]わ", "[決|き]め", "[待|ま]っ", "[休|やす]み", "[続|つづ]け", "[新|あたら]し",
    "[次|つぎ]", "[直|なお]し", "の[前|まえ]", "[前|まえ]の", "[今|いま]", "[別|べつ]",
    "[始|はじ]ま", "[問題|もんだい]", "[結果|けっか]",
)  # fmt: skip

_PART = re.compile(r"\[([^|\]]+)\|([^\]]+)\]")


def _compile(entry: str) -> tuple[str, str]:
    plain = _PART.sub(lambda m: m.group(1), entry)
    html = _PART.sub(lambda m: f"<ruby>{m.group(1)}<rt>{m.group(2)}</rt></ruby>", entry)
    return plain, html


_TABLE = dict(_compile(entry) for entry in READINGS)
_WORDS = re.compile("|".join(re.escape(w) for w in sorted(_TABLE, key=len, reverse=True)))
_HEADING = re.compile(r"(<h[12][^>]*>)(.*?)(</h[12]>)", re.S)
_TAG = re.compile(r"(<[^>]+>)")


def _text(text: str) -> str:
    return _WORDS.sub(lambda m: _TABLE[m.group(0)], text)


def _heading(inner: str) -> str:
    if "<ruby" in inner:
        return inner
    return "".join(part if _TAG.fullmatch(part) else _text(part) for part in _TAG.split(inner))


def add_ruby(html: str) -> str:
    """The HTML with readings over the known kanji words of its <h1> and <h2> texts."""
    return _HEADING.sub(lambda m: m.group(1) + _heading(m.group(2)) + m.group(3), html)
