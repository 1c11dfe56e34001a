"""
Every public string is translated in every shipped language (common/public_strings.py says
which strings are public; settings.LANGUAGES which languages are shipped).

When this fails it names the language and each msgid: run `make messages`, translate those
entries in locale/<locale>/LC_MESSAGES/django.po (clear any `fuzzy` flag), run
`make messages` again to compile.
"""

import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from common import languages
from common.public_strings import is_public_source, missing_public, read_po

LOCALE = Path(settings.BASE_DIR) / "locale"


def _po(code: str) -> Path:
    return LOCALE / languages.BY_CODE[code].locale / "LC_MESSAGES" / "django.po"


def test_every_public_string_is_translated_in_every_shipped_language():
    problems = []
    for code, _name in settings.LANGUAGES:
        if code == "en":
            continue  # the source language: an empty msgstr reads the English msgid
        missing = missing_public(_po(code))
        if missing:
            listed = "\n".join(f"    {msgid!r}" for msgid in missing)
            problems.append(
                f"{code} ({_po(code).relative_to(settings.BASE_DIR)}): {len(missing)} public "
                f"msgid(s) untranslated or fuzzy:\n{listed}"
            )
    assert not problems, "Translate these public strings:\n" + "\n".join(problems)


def test_the_rule_counts_the_persons_pages_and_emails_and_not_the_staff_admin():
    assert is_public_source("templates/bookings/details.html:12")
    assert is_public_source("templates/emails/booking_confirmed.txt:3")
    assert is_public_source("bookings/emails/ics.py:40")
    assert is_public_source("bookings/api/errors.py:9")
    assert is_public_source("offices/display.py:55")
    assert not is_public_source("templates/admin/bookings/schedule.html:3")
    assert not is_public_source("templates/emails/staff_notice.txt:2")
    assert not is_public_source("bookings/admin/schedule.py:10")
    assert not is_public_source("reports/presenters/dashboard.py:5")
    assert not is_public_source("bookings/formsets.py:1")  # a file, not a prefix
    ja = read_po(_po("ja"))
    public = {e.msgid for e in ja if e.public}
    assert "Your details" in public  # the booking form's heading
    assert "Sessions held" not in public  # the figures' row, staff only
    assert len(public) > 300


def test_shipped_languages_have_catalogues_and_japanese_then_plain_japanese_lead():
    codes = [code for code, _name in settings.LANGUAGES]
    assert codes[0] == "ja"
    assert set(codes) <= set(languages.BY_CODE)
    order = [lang.code for lang in languages.CATALOGUES]
    assert order[:2] == ["ja", languages.EASY_JAPANESE]
    assert codes == [code for code in order if code in codes]
    for language in languages.CATALOGUES:
        assert _po(language.code).exists(), f"run `make messages` for {language.locale}"


@pytest.mark.parametrize("language", languages.CATALOGUES, ids=lambda lang: lang.code)
def test_each_catalogue_names_its_language_and_compiles_to_its_po(language):
    """The header names the language (a translator's tools read it); the .mo is up to date."""
    path = _po(language.code)
    header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    if language.code not in ("ja", "en"):  # the first two catalogues predate the header rule
        assert f'"Language: {language.code}\\n"' in header
    catalogue = gettext.GNUTranslations(path.with_suffix(".mo").open("rb"))
    stale = [
        e.msgid
        for e in read_po(path)
        if not e.msgid_plural and not e.msgctxt and e.translated
        if catalogue.gettext(e.msgid) != e.msgstr[0]
    ]
    assert stale == [], "run `make messages` to recompile locale/*.mo"


def test_django_knows_each_languages_own_name_and_direction():
    for language in languages.CATALOGUES:
        info = translation.get_language_info(language.code)
        assert info["name_local"] == language.name_local
        assert info["bidi"] is False
    assert translation.get_language_info("ja-x-easy")["name_local"] == "やさしい日本語"


@pytest.mark.django_db
def test_the_picker_offers_every_other_shipped_language_in_its_own_name(settings):
    settings.LANGUAGES = [
        (lang.code, lang.name) for lang in languages.CATALOGUES if lang.code != "tl"
    ]
    page = Client().get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<html lang="ja">' in page
    for language in languages.CATALOGUES:
        button = f'value="{language.code}" lang="{language.code}"'
        if language.code in ("ja", "tl"):
            assert button not in page  # the current language, and one not shipped
        else:
            assert button in page
            assert f">{language.name_local}</button>" in page
    assert page.index('value="ja-x-easy"') < page.index('value="en"')


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("vi,en;q=0.8", "vi"),
        ("zh-CN,zh;q=0.9", "zh-hans"),
        ("en-US,en;q=0.9", "en"),
        ("ja-x-easy", "ja-x-easy"),
        ("tl", "ja"),  # a catalogue not shipped: Japanese
        ("*", "ja"),
        ("", "ja"),
    ],
)
def test_the_api_answers_in_the_first_shipped_language_the_request_asks_for(
    settings, accept, expected
):
    from django.test import RequestFactory

    from bookings.api.errors import request_language

    settings.LANGUAGES = [(c, c) for c in ("ja", "ja-x-easy", "en", "zh-hans", "vi")]
    request = RequestFactory().get("/api/v1/offices", HTTP_ACCEPT_LANGUAGE=accept)
    assert request_language(request) == expected
