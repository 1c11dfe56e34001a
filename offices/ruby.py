"""
Readings (ruby, ふりがな) over the kanji of the headings of pages in やさしい日本語, where
the office chooses so (`Office.ruby`). `base.html` passes the page's main content through
`furigana`; only the text of <h1> and <h2> is changed, word by word from READINGS, so a
word outside the list stays as it is (the fixed headings of the booking pages are all in it:
tests/offices/test_ruby.py). Body text keeps no ruby: the guideline's rewriting (short
sentences, few kanji) carries it, but for the plain-language summary of an office's rules
(offices.plain), whose every kanji gets its reading in Japanese (`ruby_html`, with the words
of PLAIN_READINGS and counted days and minutes read by their number).
"""

import re

from django.utils.html import escape

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
    "[始|はじ]ま", "[問題|もんだい]", "[結果|けっか]", "[説明|せつめい]", "[配慮|はいりょ]",
    "[手伝|てつだ]",
)  # fmt: skip

# The words of the plain-language summary's sentences (offices.plain), in Japanese and in
# やさしい日本語: tests/offices/test_plain_summary.py reads every kanji of them.
PLAIN_READINGS = (
    "[相談|そうだん]したい[日|ひ]", "[前|まえ]の[日|ひ]", "[前|まえ]まで", "[平日|へいじつ]",
    "[月曜日|げつようび]", "[金曜日|きんようび]", "[土曜日|どようび]", "[日曜日|にちようび]",
    "[祝日|しゅくじつ]", "[年末年始|ねんまつねんし]", "[始|はじ]まる", "[決|き]めて",
    "[決|き]まる", "[決|き]まり", "[知|し]らせ", "[選|えら]んだ", "[確保|かくほ]",
    "[開|ひら]いて", "[押|お]して", "[押|お]さない", "[送|おく]った", "[参加|さんか]",
    "[届|とど]きます", "[来|こ]られない", "[取|と]り[消|け]し", "[当日|とうじつ]",
    "[連絡|れんらく]", "[休|やす]む", "[無断欠席|むだんけっせき]", "[利用規約|りようきやく]",
    "[同意|どうい]", "[地方裁判所|ちほうさいばんしょ]", "[裁判所|さいばんしょ]", "[裁判|さいばん]",
    "[行|おこな]います", "[時間|じかん]",
    "[相談員|そうだんいん]", "[相談|そうだん]", "[予約|よやく]", "[事業所|じぎょうしょ]",
    "[電話|でんわ]", "[日|ひ]にち", "[人|ひと]", "[中|なか]",
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


_PLAIN_TABLE = _TABLE | dict(_compile(entry) for entry in PLAIN_READINGS)
# A count of days reads by its number (2日 is ふつか); minutes take ふん or ぷん by the last
# digit; a count of times reads かい.
_DAYS = {1: "いちにち", 2: "ふつか", 3: "みっか", 4: "よっか", 5: "いつか", 6: "むいか",
         7: "なのか", 8: "ようか", 9: "ここのか", 10: "とおか", 14: "じゅうよっか",
         20: "はつか", 24: "にじゅうよっか"}  # fmt: skip
_COUNTED = r"(\d+)(日|分|回)"
_PLAIN_WORDS = re.compile(
    _COUNTED + "|" + "|".join(re.escape(w) for w in sorted(_PLAIN_TABLE, key=len, reverse=True))
)


def _counted(number: str, unit: str) -> str:
    if unit == "日":
        return f"<ruby>{number}日<rt>{_DAYS.get(int(number), number + 'にち')}</rt></ruby>"
    if unit == "分":
        reading = "ぷん" if number[-1] in "134680" else "ふん"
        return f"{number}<ruby>分<rt>{reading}</rt></ruby>"
    return f"{number}<ruby>回<rt>かい</rt></ruby>"


def ruby_html(text: str) -> str:
    """Plain text as HTML (escaped), with readings over the kanji of PLAIN_READINGS'
    words and of counted days, minutes and times: for the plain-language summary."""

    def one(match: re.Match) -> str:
        if match.group(1):
            return _counted(match.group(1), match.group(2))
        return _PLAIN_TABLE[match.group(0)]

    return _PLAIN_WORDS.sub(one, escape(text))


def _heading(inner: str) -> str:
    if "<ruby" in inner:
        return inner
    return "".join(part if _TAG.fullmatch(part) else _text(part) for part in _TAG.split(inner))


def add_ruby(html: str) -> str:
    """The HTML with readings over the known kanji words of its <h1> and <h2> texts."""
    return _HEADING.sub(lambda m: m.group(1) + _heading(m.group(2)) + m.group(3), html)
