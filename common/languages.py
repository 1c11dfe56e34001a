"""
The languages the public side speaks, in one list: the settings' LANGUAGES, the catalogues
`make messages` writes, the picker's names and the completeness test all read it.

A language is *shipped* (in settings.LANGUAGES, offered in the picker) only once every public
string has its translation (tests/test_translations_public.py); a language with a catalogue
but not yet shipped is listed in CATALOGUES only, so a translator can work on it.

やさしい日本語 (plain Japanese) has no tag of its own in BCP 47: it is Japanese with the
private-use subtag `x-easy` (`ja-x-easy`, catalogue `locale/ja_X-easy`). Browsers and screen
readers read it as Japanese (`lang="ja-x-easy"`), and a string it lacks falls back to Japanese.

Pure data and small functions: the settings import it, so it imports nothing of Django's
beyond `django.conf.locale` (LANG_INFO, which needs no settings).
"""

from dataclasses import dataclass

from django.conf import settings
from django.conf.locale import LANG_INFO


def gettext_noop(text: str) -> str:
    """Marks the English names for `make messages` (the admin shows them translated)."""
    return text


EASY_JAPANESE = "ja-x-easy"
DEFAULT = "ja"


@dataclass(frozen=True)
class Language:
    code: str  # the BCP 47 tag Django and the HTML `lang` attribute use
    locale: str  # the folder under locale/ (Django's to_locale of the code)
    name: str  # the English name (LANGUAGES' label, translated in the admin)
    name_local: str  # the language's own name: what the picker shows


# Every language with a catalogue, in the picker's order (やさしい日本語 right after Japanese).
CATALOGUES = (
    Language("ja", "ja", gettext_noop("Japanese"), "日本語"),
    Language(EASY_JAPANESE, "ja_X-easy", gettext_noop("Plain Japanese"), "やさしい日本語"),
    Language("en", "en", gettext_noop("English"), "English"),
    Language("zh-hans", "zh_Hans", gettext_noop("Simplified Chinese"), "简体中文"),
    Language("vi", "vi", gettext_noop("Vietnamese"), "Tiếng Việt"),
    Language("pt-br", "pt_BR", gettext_noop("Portuguese (Brazil)"), "Português (Brasil)"),
    Language("es", "es", gettext_noop("Spanish"), "Español"),
    Language("tl", "tl", gettext_noop("Tagalog"), "Tagalog"),
)

# The languages offered to people: complete catalogues only (the completeness test reads
# settings.LANGUAGES, which is built from this list). Add a code here when its catalogue is
# complete; the order of CATALOGUES is the picker's.
SHIPPED = ("ja", "ja-x-easy", "en", "zh-hans", "vi", "pt-br", "es", "tl")

BY_CODE = {language.code: language for language in CATALOGUES}

# The database's choices for "the language a person booked in": every catalogue language, so
# that shipping one more needs no migration.
CHOICES = [(language.code, language.name_local) for language in CATALOGUES]
CODE_MAX_LENGTH = 16

# The languages an office may translate its own content into (Japanese is the original,
# English has its own fields on the office and service).
CONTENT_CHOICES = [(c, n) for c, n in CHOICES if c not in ("ja", "en")]


def settings_languages(gettext_noop=lambda text: text) -> list[tuple[str, str]]:
    """settings.LANGUAGES: the shipped languages in the picker's order."""
    return [(lang.code, gettext_noop(lang.name)) for lang in CATALOGUES if lang.code in SHIPPED]


def register_language_info() -> None:
    """Tell Django's LANG_INFO the languages it does not know (names, direction)."""

    for language in CATALOGUES:
        info = LANG_INFO.setdefault(language.code, {})
        info.update(
            {
                "bidi": False,
                "code": language.code,
                "name": language.name,
                "name_local": language.name_local,
            }
        )


def supported(code: str | None, shipped: list[tuple[str, str]] | None = None) -> str:
    """The code if it is a shipped language, else Japanese (for stored choices and messages)."""
    if shipped is None:
        shipped = settings.LANGUAGES
    return code if code in {c for c, _name in shipped} else DEFAULT


def is_japanese(code: str | None) -> bool:
    """Japanese and やさしい日本語: dates and times written the Japanese way."""
    return (code or DEFAULT).split("-")[0] == "ja"
