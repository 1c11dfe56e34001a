"""
In Japanese a colon after Japanese is full-width (issue 26, minors): 「電話番号：049…」, never
「電話番号: 049…」. Checked wherever Japanese is written, not only in one page's output:

- every msgstr of the Japanese and やさしい日本語 catalogues (locale/*/LC_MESSAGES/django.po);
- every template, as its text reads in those two languages: each `{% translate %}` read in
  the language, each variable or other tag standing for text that may well be Japanese (a
  label, a name, a status), `{% blocktranslate %}` left to the catalogues;
- the text the seed writes: the five offices and their sample terms.

What is wrong is a colon ending Japanese text: right after a Japanese character, or after a
placeholder whose value is such text when a space, the line's end or Japanese follows (a
label's colon: 「%(label)s: %(value)s」). What is right stays allowed: times (9:30, and
`%(hour)s:%(minute)s` or `{{ h }}:{{ m }}` built from parts), URLs, a colon after Latin
letters. Each check is shown to catch a case planted in a copy (tmp_path), never in the repo.
"""

import re
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.template.base import Lexer, TokenType
from django.utils import translation

from common import languages
from common.public_strings import read_po
from offices.models import Office

BASE = Path(settings.BASE_DIR)
JAPANESE_LANGUAGES = ("ja", languages.EASY_JAPANESE)
CATALOGUES = [BASE / "locale" / languages.BY_CODE[code].locale / "LC_MESSAGES" / "django.po"
              for code in JAPANESE_LANGUAGES]  # fmt: skip
TEMPLATE_FOLDERS = [BASE / "templates", *sorted(BASE.glob("*/templates"))]  # the site's, apps'

# Hiragana, katakana and CJK punctuation; kanji; full-width forms (「（」, 「）」, digits).
JAPANESE = "\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
DYNAMIC = "\x01"  # a template's variable, or a tag that writes text
PLACEHOLDER = rf"(?:%\(\w+\)[sdif]|%[sd]|\{{\w*\}}|{DYNAMIC})"
AFTER_JAPANESE = re.compile(rf"[{JAPANESE}][ \t]*:")
AFTER_LABEL = re.compile(rf"{PLACEHOLDER}[ \t]*:(?=\s|$|[{JAPANESE}])", re.M)
URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.I)


def colon_strays(text: str) -> list[str]:
    """Each half-width colon of `text` that ends Japanese text, with what surrounds it."""
    text = URL.sub("", text)
    found = [*AFTER_JAPANESE.finditer(text), *AFTER_LABEL.finditer(text)]
    return [text[max(m.start() - 12, 0) : m.end() + 12] for m in found]


def catalogue_strays(po: Path) -> list[str]:
    return [
        f"{po.parent.parent.name}: {entry.msgid!r} -> {stray!r}"
        for entry in read_po(po)
        for msgstr in entry.msgstr
        for stray in colon_strays(msgstr)
    ]


# Tags that write nothing themselves (their branches' text is read in place).
SILENT_TAGS = {
    "if", "elif", "else", "endif", "for", "empty", "endfor", "with", "endwith", "block",
    "endblock", "extends", "load", "autoescape", "endautoescape", "timezone", "endtimezone",
    "filter", "endfilter", "spaceless", "endspaceless", "csrf_token", "language",
    "endlanguage", "get_current_language", "get_available_languages",
    "get_language_info_list",
}  # fmt: skip
TRANSLATE = re.compile(
    r"""^(?:translate|trans)\s+(["'])(?P<msgid>.*?)\1"""
    r"""(?:\s+context\s+(["'])(?P<context>.*?)\3)?(?P<noop>\s+noop)?(?P<as>\s+as\s+\w+)?\s*$""",
    re.S,
)


def _tag_text(contents: str, language: str) -> str:
    """What a tag writes in the page, as far as a colon after it is concerned."""
    name = contents.split(maxsplit=1)[0] if contents else ""
    if name in SILENT_TAGS or " as " in f" {contents} ":
        return ""
    if name in ("url", "static"):
        return "/url"
    translate = TRANSLATE.match(contents)
    if translate is None:
        return DYNAMIC
    with translation.override(language):
        if translate["context"]:
            return translation.pgettext(translate["context"], translate["msgid"])
        return translation.gettext(translate["msgid"])


def template_text(source: str, language: str) -> str:
    """A template's text as a reader meets it in `language`: tags read, markup left out."""
    parts, closing = [], None
    for token in Lexer(source).tokenize():
        contents = token.contents.strip()
        if closing:  # inside {% blocktranslate %} (the catalogues') or {% comment %}
            if token.token_type == TokenType.BLOCK and contents.split()[:1] == [closing]:
                parts.append(DYNAMIC if closing != "endcomment" else "")
                closing = None
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
        elif token.token_type == TokenType.VAR:
            parts.append(DYNAMIC)
        elif token.token_type == TokenType.BLOCK:
            name = contents.split(maxsplit=1)[0] if contents else ""
            if name in ("blocktranslate", "blocktrans", "comment"):
                closing = "endcomment" if name == "comment" else f"end{name}"
            else:
                parts.append(_tag_text(contents, language))
    text = "".join(parts)
    text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    return re.sub(r"<[^>]*>", " ", text)


def template_strays(folder: Path) -> list[str]:
    return [
        f"{path.relative_to(folder)} ({language}): {stray!r}"
        for path in sorted(folder.rglob("*"))
        if path.suffix in (".html", ".txt")
        for language in JAPANESE_LANGUAGES
        for stray in colon_strays(template_text(path.read_text(encoding="utf-8"), language))
    ]


def stored_strays(app_labels: tuple[str, ...]) -> list[str]:
    """Every text field of every row of these apps' models."""
    found = []
    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField)
            ]
            for row in model.objects.values("pk", *fields):
                for name in fields:
                    for stray in colon_strays(row[name] or ""):
                        found.append(f"{model.__name__} {row['pk']} {name}: {stray!r}")
    return found


# --- the repository -------------------------------------------------------------------


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parent.parent.name)
def test_no_japanese_msgstr_puts_a_half_width_colon_after_japanese(po):
    assert catalogue_strays(po) == []


@pytest.mark.parametrize("folder", TEMPLATE_FOLDERS, ids=lambda f: str(f.relative_to(BASE)))
def test_no_template_puts_a_half_width_colon_after_japanese_text(folder):
    assert template_strays(folder) == []


def test_the_seed_writes_full_width_colons_after_japanese(offices):
    """The five offices (their notes, services, demo counselors) and their sample terms."""
    assert Office.objects.count() == 5
    assert stored_strays(("offices", "terms")) == []


# --- each check catches a planted case, and lets the right ones through ----------------


@pytest.mark.parametrize(
    "wrong",
    ["電話番号: 049-000-0000", "電話番号 :049", "（デモ）: 仮の値", "%(label)s: %(value)s",
     "%(office)s:予約", "{name}: 相談", "受付:\n9:30〜"],
)  # fmt: skip
def test_the_check_catches_a_colon_that_ends_japanese(wrong):
    assert colon_strays(wrong)


@pytest.mark.parametrize(
    "right",
    ["電話番号：049-000-0000", "9:30〜10:00", "%(hour)s:%(minute)02d", "詳しくは https://example.jp:8443/a:b をご覧ください",
     "Zoom: ミーティングID", "例：13:00"],
)  # fmt: skip
def test_the_check_lets_times_urls_and_latin_labels_through(right):
    assert colon_strays(right) == []


def test_a_colon_planted_in_a_copy_of_the_catalogue_is_caught(tmp_path):
    po = tmp_path / "ja" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    shutil.copy(CATALOGUES[0], po)
    assert catalogue_strays(po) == []
    with po.open("a", encoding="utf-8") as file:
        file.write(
            '\n#: templates/x.html:1\nmsgid "Phone: %(phone)s"\nmsgstr "電話番号: %(phone)s"\n'
        )
    assert catalogue_strays(po) == ["ja: 'Phone: %(phone)s' -> '電話番号: %(phone)s'"]


def test_a_colon_planted_in_a_copy_of_a_template_is_caught(tmp_path):
    copy = tmp_path / "templates"
    shutil.copytree(BASE / "templates" / "bookings", copy / "bookings")
    assert template_strays(copy) == []
    page = copy / "bookings" / "done.html"
    source = page.read_text(encoding="utf-8")
    page.write_text(
        source.replace(
            "{% endblock %}",
            '<p>{% translate "Phone" %}: {{ office.phone }} {{ h }}:{{ m }} '
            '<a href="https://example.jp:8443/">x</a></p>{% endblock %}',
            1,
        ),
        encoding="utf-8",
    )
    strays = template_strays(copy)
    assert [s.split(":", 1)[0] for s in strays] == ["bookings/done.html (ja)",
                                                   "bookings/done.html (ja-x-easy)"]  # fmt: skip
    assert "電話番号: " in strays[0] and "電話: " in strays[1]  # 電話 in plain Japanese


def test_a_variable_label_s_colon_is_caught_and_the_catalogue_s_colon_passes():
    assert colon_strays(template_text("{{ field.label }}: {{ error }}", "ja"))
    assert colon_strays(
        template_text('{% translate "Absent" %}{% if r %}: {{ r }}{% endif %}', "ja")
    )
    fixed = '{{ field.label }}{% translate ": " %}{{ error }}'
    assert colon_strays(template_text(fixed, "ja")) == []
    assert (
        colon_strays(template_text("{% blocktranslate %}{{ a }}: b{% endblocktranslate %}", "ja"))
        == []
    )


def test_a_colon_planted_in_the_seeded_text_is_caught(offices):
    Office.objects.filter(slug="kawagoe").update(preparation_note="電話番号: 049-000-0000")
    (stray,) = stored_strays(("offices",))
    assert stray.startswith(f"Office {offices['kawagoe'].pk} preparation_note: '電話番号: 049")
