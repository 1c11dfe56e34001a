"""
The one check for free text that people other than its writer read: a name, a note, an
attendee's affiliation, a counselor's reason or message to the person (issue 23). Control,
invisible and direction characters (zero-width spaces, right-to-left overrides, ...) make
text shown on a schedule, in an email or a CSV differ from what the eye reads, so they are
refused, naming the character, never silently dropped. Line breaks and tabs are allowed
where the field has lines (a note, a message).
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.errors import DomainError

# Control, format (zero-width, direction marks and overrides), line and paragraph
# separators, private use, surrogates, unassigned.
_HIDDEN_CATEGORIES = ("Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn")
_LINE_CHARACTERS = {"\r", "\n", "\t"}


class HiddenCharacter(DomainError):
    """Free text with a control, invisible or direction character in it."""

    code = "invalid_text"
    http_status = 422


def hidden_character(value: object, *, lines: bool = False) -> str | None:
    """The first hidden character in `value`, as "U+202E RIGHT-TO-LEFT OVERRIDE", or None.
    With `lines`, line breaks and tabs are allowed."""
    if value is None:
        return None
    for char in unicodedata.normalize("NFKC", str(value)):
        if lines and char in _LINE_CHARACTERS:
            continue
        if unicodedata.category(char) in _HIDDEN_CATEGORIES:
            label = unicodedata.name(char, "CONTROL CHARACTER")
            return f"U+{ord(char):04X} {label}"
    return None


def hidden_character_message(found: str) -> str:
    return _(
        "Remove the invisible or control character %(character)s (a line break, "
        "zero-width space or direction mark, often pasted by accident) and type it again."
    ) % {"character": found}


def text_refuse_hidden(*, lines: bool = True, **fields: object) -> None:
    """Raises HiddenCharacter (naming the field) for the first of `fields` with a hidden
    character: what a service calls for the free text it stores or sends."""
    for name, value in fields.items():
        found = hidden_character(value, lines=lines)
        if found is not None:
            raise HiddenCharacter(hidden_character_message(found), field=name)


def validate_visible_line(value: object) -> None:
    """A form field's validator: one line of visible text."""
    found = hidden_character(value)
    if found is not None:
        raise ValidationError(hidden_character_message(found), code="hidden_character")


def validate_visible_lines(value: object) -> None:
    """A form field's validator: visible text, line breaks and tabs allowed."""
    found = hidden_character(value, lines=True)
    if found is not None:
        raise ValidationError(hidden_character_message(found), code="hidden_character")


class VisibleTextFormMixin:
    """For a form whose text others read (an office's page, a counselor's name, terms):
    each text value with a hidden character gets an error naming it; line breaks and tabs
    are allowed in a multi-line field."""

    def clean(self):

        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and name in self.fields:
                lines = isinstance(self.fields[name].widget, forms.Textarea)
                found = hidden_character(value, lines=lines)
                if found is not None:
                    self.add_error(name, hidden_character_message(found))
        return cleaned


_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}  # ぁ..ゖ
_KATAKANA_TO_HIRAGANA = {code + 0x60: code for code in range(0x3041, 0x3097)}


def kana_variants(term: str) -> list[str]:
    """`term` in full-width form (ｶﾅ -> カナ), then in katakana and in hiragana where it
    differs: a kana name typed one way is found when it was stored the other way."""

    base = unicodedata.normalize("NFKC", term)
    variants = [term]
    for variant in (
        base,
        base.translate(_HIRAGANA_TO_KATAKANA),
        base.translate(_KATAKANA_TO_HIRAGANA),
    ):
        if variant not in variants:
            variants.append(variant)
    return variants
