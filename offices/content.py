"""
The office's own content in the person's language: the office's name and how to prepare,
a service's name and description.

Japanese is the original (Office.name, Service.description…); English has the `_en` fields;
every other language a ContentTranslation row written in the admin. What is missing falls
back to Japanese, and says so: `Text.fallback` is true, templates then mark the text
`lang="ja"` and add the note 「この内容は日本語のみです」 in the person's language
(templates/offices/_content.html). Translations are read from `content_translations`,
prefetched by the selectors where a page lists many offices or services.
"""

from dataclasses import dataclass

from django.utils.translation import get_language

from common import languages
from offices.models import Office, Service

_FIELDS = {
    # field -> (Japanese attribute, English attribute, ContentTranslation attribute)
    (Office, "name"): ("name", "name_en", "name"),
    (Office, "body"): ("preparation_note", "preparation_note_en", "text"),
    (Service, "name"): ("name", "name_en", "name"),
    (Service, "body"): ("description", "description_en", "text"),
}


@dataclass(frozen=True)
class Text:
    text: str
    lang: str  # the language the text is written in
    fallback: bool  # Japanese shown for want of a translation (and there is text)

    def __str__(self) -> str:
        return self.text


def _translation(obj: Office | Service, language: str):
    rows = obj.content_translations.all()  # prefetched, or one query
    if isinstance(obj, Office):
        rows = [row for row in rows if row.service_id is None]
    return next((row for row in rows if row.language == language), None)


def content_text(obj: Office | Service, field: str, language: str | None = None) -> Text:
    """`field` ("name" or "body") of an office or service in `language` (default: active)."""
    language = language or get_language() or languages.DEFAULT
    japanese_attr, english_attr, row_attr = _FIELDS[(type(obj), field)]
    japanese = getattr(obj, japanese_attr)
    if language == languages.DEFAULT:
        return Text(japanese, "ja", False)
    if language == "en":
        translated = getattr(obj, english_attr)
    else:
        row = _translation(obj, language)
        translated = getattr(row, row_attr) if row else ""
    if translated.strip():
        return Text(translated, language, False)
    return Text(japanese, "ja", bool(japanese.strip()) and not languages.is_japanese(language))


def needs_translations(language: str | None = None) -> bool:
    """Whether `language` (default: active) reads ContentTranslation rows at all."""
    return (language or get_language() or languages.DEFAULT) not in (languages.DEFAULT, "en")


def content_name(obj: Office | Service, language: str | None = None) -> str:
    return content_text(obj, "name", language).text
